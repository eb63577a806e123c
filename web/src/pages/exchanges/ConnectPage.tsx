// Placeholder until the page is built.
export default function ConnectPage() {
  return (
    <section className="stack">
      <h1>Connect an exchange</h1>
      <p>This page is being built.</p>
    </section>
  );
}
