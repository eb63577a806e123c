// Placeholder until the page is built.
export default function UnfreezePage() {
  return (
    <section className="stack">
      <h1>Unfreeze your account</h1>
      <p>This page is being built.</p>
    </section>
  );
}
