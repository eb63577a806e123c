// Placeholder until the page is built.
export default function SignInPage() {
  return (
    <section className="stack">
      <h1>Sign in</h1>
      <p>This page is being built.</p>
    </section>
  );
}
