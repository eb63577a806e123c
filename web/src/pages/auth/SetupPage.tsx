// Placeholder until the page is built.
export default function SetupPage() {
  return (
    <section className="stack">
      <h1>Set up Coffer</h1>
      <p>This page is being built.</p>
    </section>
  );
}
