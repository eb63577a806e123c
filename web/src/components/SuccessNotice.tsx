/**
 * A success said to screen readers as well as shown. The polite live region stays in the page while it is empty: one
 * that appears together with its text is often not announced. Boxed, it is a notice (after an action in a list or a
 * table); otherwise a line of text (under a form or a section's table).
 */
export function SuccessNotice({ message, boxed = false }: { message: string | null; boxed?: boolean }) {
  if (boxed) {
    return <div aria-live="polite">{message ? <p className="notice notice-ok">{message}</p> : null}</div>;
  }
  return (
    <p role="status" aria-live="polite" className={message ? "good" : "visually-hidden"}>
      {message}
    </p>
  );
}
