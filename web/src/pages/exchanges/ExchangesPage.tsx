// Placeholder until the page is built.
export default function ExchangesPage() {
  return (
    <section className="stack">
      <h1>Exchanges</h1>
      <p>This page is being built.</p>
    </section>
  );
}
