// Placeholder until the page is built.
export default function PnlPage() {
  return (
    <section className="stack">
      <h1>Profit and loss</h1>
      <p>This page is being built.</p>
    </section>
  );
}
