import { explain } from "../api/problems";

/** Every error the user meets: what happened and what to do, announced to screen readers. */
export function ErrorNotice({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  if (!error) {
    return null;
  }
  const { what, fix } = explain(error);
  return (
    <div className="notice notice-error" role="alert">
      <p className="notice-what">{what}</p>
      <p className="notice-fix">{fix}</p>
      {onRetry ? (
        <button type="button" className="button secondary" onClick={onRetry}>
          Try again
        </button>
      ) : null}
    </div>
  );
}
