// Placeholder until the page is built.
export default function TradesPage() {
  return (
    <section className="stack">
      <h1>Trades</h1>
      <p>This page is being built.</p>
    </section>
  );
}
