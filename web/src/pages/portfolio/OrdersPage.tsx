// Placeholder until the page is built.
export default function OrdersPage() {
  return (
    <section className="stack">
      <h1>Orders</h1>
      <p>This page is being built.</p>
    </section>
  );
}
