// Placeholder until the page is built.
export default function DashboardPage() {
  return (
    <section className="stack">
      <h1>Dashboard</h1>
      <p>This page is being built.</p>
    </section>
  );
}
