// Placeholder until the page is built.
export default function AdminPage() {
  return (
    <section className="stack">
      <h1>Admin</h1>
      <p>This page is being built.</p>
    </section>
  );
}
