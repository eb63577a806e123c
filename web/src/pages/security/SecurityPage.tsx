// Placeholder until the page is built.
export default function SecurityPage() {
  return (
    <section className="stack">
      <h1>Security centre</h1>
      <p>This page is being built.</p>
    </section>
  );
}
