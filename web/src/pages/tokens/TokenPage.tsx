// Placeholder until the page is built.
export default function TokenPage() {
  return (
    <section className="stack">
      <h1>Token</h1>
      <p>This page is being built.</p>
    </section>
  );
}
