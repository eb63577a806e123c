// Placeholder until the page is built.
export default function TokensPage() {
  return (
    <section className="stack">
      <h1>Tokens and apps</h1>
      <p>This page is being built.</p>
    </section>
  );
}
