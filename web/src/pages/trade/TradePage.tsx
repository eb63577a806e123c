// Placeholder until the page is built.
export default function TradePage() {
  return (
    <section className="stack">
      <h1>Trade</h1>
      <p>This page is being built.</p>
    </section>
  );
}
