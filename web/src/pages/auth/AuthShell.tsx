import { useEffect, type ReactNode } from "react";
import { Link } from "react-router-dom";

/** The frame of the pages outside the app (sign-in, sign-up, set-up, unfreeze): a banner, one main, one h1. */
export function AuthShell({ title, intro, children, footer }: { title: string; intro?: ReactNode; children: ReactNode; footer?: ReactNode }) {
  useEffect(() => {
    document.title = `${title} · Coffer`;
  }, [title]);
  return (
    <div className="auth-shell">
      <header className="auth-banner">
        <Link to="/signin" className="brand">
          <img src="/favicon.svg" alt="" width={28} height={28} />
          <span>Coffer</span>
        </Link>
      </header>
      <main id="main" className="auth-page stack" tabIndex={-1}>
        <h1>{title}</h1>
        {intro ? <div className="muted stack-tight">{intro}</div> : null}
        <div className="card stack">{children}</div>
        {footer ? <nav aria-label="Other ways in" className="auth-links">{footer}</nav> : null}
      </main>
    </div>
  );
}

/** Where to go after signing in: only a path inside the app (never another origin: no open redirect). */
export function safeNext(next: string | null): string {
  if (!next || !next.startsWith("/") || next.startsWith("//") || next.startsWith("/\\")) {
    return "/";
  }
  if (/^\/(signin|signup|setup|unfreeze|frozen)(\/|\?|$)/.test(next)) {
    return "/";
  }
  return next;
}
