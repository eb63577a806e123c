// Placeholder until the page is built.
export default function BalancesPage() {
  return (
    <section className="stack">
      <h1>Balances</h1>
      <p>This page is being built.</p>
    </section>
  );
}
