// Placeholder until the page is built.
export default function SignUpPage() {
  return (
    <section className="stack">
      <h1>Create your account</h1>
      <p>This page is being built.</p>
    </section>
  );
}
