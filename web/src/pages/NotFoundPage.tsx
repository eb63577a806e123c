import { Link } from "react-router-dom";

export default function NotFoundPage() {
  return (
    <section className="stack">
      <h1>Page not found</h1>
      <p>There is no page at this address.</p>
      <p>
        <Link to="/">Go to the dashboard</Link>
      </p>
    </section>
  );
}
