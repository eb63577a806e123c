import { useEffect, useState } from "react";
import { Link, useParams } from "react-router-dom";
import { api, ApiError } from "../../api/client";
import { dateTime } from "../../app/format";
import { leaveTo } from "../../app/leave";
import { useMe, useSession } from "../../app/session";
import { useApi } from "../../app/useApi";
import { ErrorNotice } from "../../components/ErrorNotice";
import { Loading } from "../../components/Loading";
import { useStepUp } from "../../components/StepUp";
import { AuthShell } from "../auth/AuthShell";
import { limitWords } from "../trade/limits";
import { SCOPES } from "../tokens/tokens";
import { APP_TYPE_WORDS, bindingWords } from "./words";
import { describeTarget, sameTarget } from "./oauth";
import type { AuthorizationRequest } from "./types";
import "./oauth.css";

/** An unknown, expired or already answered request: the server says 404, and only the app can start a new one. */
const isGone = (error: unknown) => error instanceof ApiError && error.status === 404;

/**
 * The consent page `/oauth/authorize` sends the browser to: everything the person is agreeing to, in plain words
 * (who made the app, where they will be sent, what it may do and within which limits, how its tokens are bound),
 * then Approve — always with a fresh second factor, as a grant outlives this session like a token under the root — or
 * Deny. The browser leaves only for the redirect URI shown here.
 */
export default function ConsentPage() {
  const { id = "" } = useParams();
  const me = useMe();
  const { signOut } = useSession();
  const request = useApi((signal) => api.get<AuthorizationRequest>(`/api/v1/oauth/requests/${encodeURIComponent(id)}`, undefined, signal), [id]);
  const stepUp = useStepUp();
  const [busy, setBusy] = useState<"" | "approve" | "deny">("");
  const [leaving, setLeaving] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [gone, setGone] = useState(false);
  const canStepUp = me.second_factors.totp || me.second_factors.passkeys > 0;
  const r = request.data;

  useEffect(() => {
    if (isGone(request.error)) setGone(true);
  }, [request.error]);

  const answer = async (decision: "approve" | "deny") => {
    if (!r) return;
    setBusy(decision);
    setError(null);
    try {
      const path = `/api/v1/oauth/requests/${encodeURIComponent(r.id)}/${decision}`;
      const result =
        decision === "approve"
          ? await stepUp.confirm((proof) => api.post<{ redirect_to: string }>(path, {}, proof ? { stepUp: proof } : {}), `Letting ${r.app.name} use your Coffer needs a fresh code from your authenticator app.`, true)
          : await api.post<{ redirect_to: string }>(path);
      if (!result) return; // The step-up was cancelled: nothing was decided.
      if (!sameTarget(result.redirect_to, r.redirect_uri)) {
        // Fail closed: never send the browser (with a code) anywhere the person was not shown.
        setError(new Error(`Coffer's answer pointed somewhere other than ${describeTarget(r.redirect_uri)?.origin ?? r.redirect_uri}, so this page is not going there. Tell your operator.`));
        return;
      }
      setLeaving(describeTarget(r.redirect_uri)?.origin ?? r.redirect_uri);
      leaveTo(result.redirect_to);
    } catch (e) {
      if (isGone(e)) setGone(true);
      else setError(e);
    } finally {
      setBusy("");
    }
  };

  if (gone) {
    return (
      <AuthShell title="This request is no longer valid">
        <div className="notice notice-error" role="alert">
          <p className="notice-what">Coffer does not know this request: it expired, was already answered, or the link is wrong.</p>
          <p className="notice-fix">Go back to the app and start connecting it again; it will send you here with a new request.</p>
        </div>
        <p>
          <Link to="/">Go to your dashboard</Link>
        </p>
      </AuthShell>
    );
  }
  if (!r) {
    return (
      <AuthShell title="Approve an app">
        {request.loading ? <Loading label="Reading the app's request…" /> : null}
        <ErrorNotice error={request.error} onRetry={request.reload} />
      </AuthShell>
    );
  }

  const target = describeTarget(r.redirect_uri);
  const trades = r.scopes.includes("orders:write");
  const limits = limitWords(r.trading, me.currency);
  const expired = new Date(r.expires_at).getTime() <= Date.now();
  return (
    <AuthShell title={`Allow ${r.app.name} to use your Coffer?`}>
      <p className="small">
        Signed in as <strong>{me.username}</strong>.{" "}
        <button type="button" className="link-button" onClick={() => void signOut()}>
          Not you? Sign out
        </button>
      </p>

      <dl className="kv">
        <dt>App</dt>
        <dd>{r.app.name}</dd>
        <dt>Registered by</dt>
        <dd>{r.app.owner}</dd>
        <dt>Kind</dt>
        <dd>{APP_TYPE_WORDS[r.app.type] ?? r.app.type}</dd>
        <dt>Sends you to</dt>
        <dd>
          <strong className="mono">{target?.origin ?? r.redirect_uri}</strong>
          {target?.local ? <div className="small">An app on this computer.</div> : null}
        </dd>
        <dt>Tokens</dt>
        <dd>{bindingWords(r.app.dpop_bound)}</dd>
        <dt>Answer by</dt>
        <dd>
          <time dateTime={r.expires_at}>{dateTime(r.expires_at)}</time>
          {expired ? <span className="badge warn">expired</span> : null}
        </dd>
      </dl>

      <section className="stack-tight" aria-labelledby="consent-scopes">
        <h2 id="consent-scopes">It asks to</h2>
        <ul className="oa-scopes">
          {r.scopes.map((scope) => {
            const known = SCOPES.find((s) => s.scope === scope);
            return (
              <li key={scope}>
                <strong>{known?.label ?? scope}</strong> <span className="mono small muted">{scope}</span>
                {known ? <div className="small muted">{known.help}</div> : null}
              </li>
            );
          })}
        </ul>
      </section>

      <section className="stack-tight" aria-labelledby="consent-limits">
        <h2 id="consent-limits">Trading limits</h2>
        {trades ? (
          <div className="notice notice-warn" role="note">
            <p className="notice-what">{r.app.name} could place and cancel orders on your exchanges, with your keys.</p>
            <p>{limits.length ? "Only within the limits below; orders outside them are refused before they reach an exchange." : "Approve only if you trust it to trade for you."}</p>
          </div>
        ) : null}
        {limits.length ? (
          <ul className="small-list">
            {limits.map((words) => (
              <li key={words}>{words}</li>
            ))}
          </ul>
        ) : (
          <p>No trading limits beyond your account's.</p>
        )}
      </section>

      {!canStepUp ? (
        <div className="notice notice-warn" role="status">
          <p className="notice-what">Approving an app needs a second factor, and your account has none.</p>
          <p>
            <Link to="/security">Set up an authenticator app or a passkey</Link>, then come back to this page.
          </p>
        </div>
      ) : null}
      <ErrorNotice error={error} />
      {leaving ? (
        <p role="status" aria-live="polite">
          Taking you to {leaving}…
        </p>
      ) : null}
      <div className="row">
        <button type="button" className="button primary" onClick={() => void answer("approve")} disabled={busy !== "" || leaving !== null || !canStepUp}>
          {busy === "approve" ? "Approving…" : "Approve"}
        </button>
        <button type="button" className="button secondary" onClick={() => void answer("deny")} disabled={busy !== "" || leaving !== null}>
          {busy === "deny" ? "Denying…" : "Deny"}
        </button>
      </div>
      <p className="small muted">
        Approving asks for a code from your authenticator app (or your passkey). You can disconnect the app at any time under <Link to="/tokens#connected-apps">Tokens and apps</Link>.
      </p>
      {stepUp.element}
    </AuthShell>
  );
}
