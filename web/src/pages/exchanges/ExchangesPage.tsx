import { useState, type FormEvent } from "react";
import { Link } from "react-router-dom";
import { api } from "../../api/client";
import { ago, dateTime } from "../../app/format";
import { useApi } from "../../app/useApi";
import { ConfirmDialog } from "../../components/ConfirmDialog";
import { Dialog } from "../../components/Dialog";
import { ErrorNotice } from "../../components/ErrorNotice";
import { Loading } from "../../components/Loading";
import { useStepUp } from "../../components/StepUp";
import "../common/common.css";
import { useConnections } from "../common/useConnections";
import { exchangeInfo, exchangeName, permissionWords, refusalWords, statusWords, type Connection } from "./exchanges";
import "./exchanges.css";
import { KeyFields, type KeyValues } from "./KeyFields";

interface Coverage {
  connection_id: string;
  status: string;
  synced_at: string | null;
  missing: { part: string; symbol?: string | null; reason?: string | null }[];
}

/** The last sync per connection comes with the portfolio's coverage; the page works without it. */
function useCoverage() {
  return useApi(async (signal) => {
    try {
      const summary = await api.get<{ coverage: Coverage[] }>("/api/v1/portfolio", undefined, signal);
      return new Map(summary.coverage.map((c) => [c.connection_id, c]));
    } catch {
      return new Map<string, Coverage>();
    }
  }, []);
}

export default function ExchangesPage() {
  const connections = useConnections();
  const coverage = useCoverage();
  return (
    <section className="stack" aria-labelledby="exchanges-title">
      <div className="page-head">
        <h1 id="exchanges-title">Exchanges</h1>
        <Link className="button primary" to="/exchanges/connect">
          Connect an exchange
        </Link>
      </div>
      <p className="muted">
        Your exchange accounts. Coffer keeps each key's secret in its vault, write-only, and never holds a key that can withdraw or transfer funds.
      </p>
      {connections.loading && !connections.data ? <Loading label="Loading your connections…" /> : null}
      <ErrorNotice error={connections.error} onRetry={connections.reload} />
      {connections.data && connections.data.items.length === 0 ? (
        <div className="card empty">
          <h2>No exchange connected yet</h2>
          <p>Connect an exchange account with an API key that can read and trade — never withdraw — to see your portfolio here.</p>
          <Link className="button primary" to="/exchanges/connect">
            Connect an exchange
          </Link>
        </div>
      ) : null}
      <div className="xc-list">
        {connections.data?.items.map((c) => (
          <ConnectionCard key={c.id} connection={c} coverage={coverage.data?.get(c.id)} onChanged={connections.reload} />
        ))}
      </div>
    </section>
  );
}

type Result = { tone: "ok" | "bad"; text: string } | null;

function ConnectionCard({ connection: c, coverage, onChanged }: { connection: Connection; coverage: Coverage | undefined; onChanged: () => void }) {
  const status = statusWords(c);
  const [busy, setBusy] = useState<"verify" | null>(null);
  const [result, setResult] = useState<Result>(null);
  const [error, setError] = useState<unknown>(null);
  const [replacing, setReplacing] = useState(false);
  const [removing, setRemoving] = useState(false);
  const name = exchangeName(c.exchange);
  const titleId = `conn-${c.id}`;

  const verify = async () => {
    setBusy("verify");
    setError(null);
    setResult(null);
    try {
      const after = await api.post<Connection>(`/api/v1/connections/${c.id}/verify`);
      const words = statusWords(after);
      if (after.status === "active") {
        const can = permissionWords(after.permissions).join(" and ").toLowerCase() || "nothing";
        setResult({ tone: "ok", text: `Checked with ${name} just now: the key still works. It can ${can}; it cannot withdraw or transfer funds.` });
      } else {
        setResult({ tone: "bad", text: `${words.label}. ${words.detail}` });
      }
      onChanged();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(null);
    }
  };

  return (
    <article className="card xc-card" aria-labelledby={titleId}>
      <div className="xc-card-head">
        <h2 id={titleId}>{c.label}</h2>
        <span className={`badge ${status.tone}`}>{status.label}</span>
      </div>
      <div className={`xc-status ${status.tone}`}>
        <p>{status.detail}</p>
      </div>
      <dl className="kv">
        <dt>Exchange</dt>
        <dd>
          {name}
          {c.base_url ? <span className="muted"> at {c.base_url}</span> : null}
        </dd>
        <dt>API key</dt>
        <dd className="mono">{c.api_key}</dd>
        <dt>Permissions</dt>
        <dd>
          {permissionWords(c.permissions).join(", ") || "none reported"}
          {c.permissions.reported.length > 0 ? <span className="muted small"> ({name} calls them: {c.permissions.reported.join(", ")})</span> : null}
        </dd>
        <dt>IP allow-list</dt>
        <dd>
          {c.allowlist_ip ? (
            <>
              Allow-list <span className="mono">{c.allowlist_ip}</span> on the key.{" "}
            </>
          ) : (
            <>Allow-list Coffer's egress IP on the key (ask your operator for it). </>
          )}
          {c.ip_restricted === true ? <span className="good">The key is restricted to IP addresses.</span> : c.ip_restricted === false ? <span>The key is not IP-restricted: anyone with it could use it from anywhere.</span> : null}
        </dd>
        <dt>Last verified</dt>
        <dd>
          <time dateTime={c.verified_at} title={dateTime(c.verified_at)}>
            {ago(c.verified_at)}
          </time>
        </dd>
        <dt>Last sync</dt>
        <dd>
          {coverage?.synced_at ? (
            <time dateTime={coverage.synced_at} title={dateTime(coverage.synced_at)}>
              {ago(coverage.synced_at)}
            </time>
          ) : (
            "not yet"
          )}
          {coverage && coverage.missing.length > 0 ? <span className="muted"> — {coverage.missing.length} part(s) could not be fetched; see the dashboard.</span> : null}
        </dd>
      </dl>
      <div aria-live="polite">
        {busy === "verify" ? <Loading label={`Asking ${name} about the key…`} /> : null}
        {result ? (
          <div className={`notice ${result.tone === "ok" ? "notice-ok" : "notice-error"}`}>
            <p className="notice-what">{result.text}</p>
          </div>
        ) : null}
      </div>
      <ErrorNotice error={error} />
      <div className="row">
        <button type="button" className="button secondary" onClick={verify} disabled={busy !== null} aria-describedby={titleId}>
          Re-verify
        </button>
        <button type="button" className={`button ${status.replaceKey ? "primary" : "secondary"}`} onClick={() => setReplacing(true)} aria-describedby={titleId}>
          Replace key
        </button>
        <button type="button" className="button danger" onClick={() => setRemoving(true)} aria-describedby={titleId}>
          Remove
        </button>
      </div>
      {replacing ? <ReplaceKeyDialog connection={c} onClose={() => setReplacing(false)} onDone={(text) => { setReplacing(false); setResult({ tone: "ok", text }); onChanged(); }} /> : null}
      {removing ? <RemoveDialog connection={c} onClose={() => setRemoving(false)} onDone={onChanged} /> : null}
    </article>
  );
}

function ReplaceKeyDialog({ connection: c, onClose, onDone }: { connection: Connection; onClose: () => void; onDone: (text: string) => void }) {
  const info = exchangeInfo(c.exchange) ?? exchangeInfo("binance")!;
  const [values, setValues] = useState<KeyValues>({ apiKey: "", secret: "" });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const stepUp = useStepUp();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const body = { api_key: values.apiKey.trim(), secret: values.secret.trim() };
    // The secret leaves the page's state at once: it is in this request only.
    setValues({ apiKey: "", secret: "" });
    setBusy(true);
    setError(null);
    try {
      const after = await stepUp.confirm((proof) => api.put<Connection>(`/api/v1/connections/${c.id}/key`, body, proof ? { stepUp: proof } : {}), "Replacing an exchange key needs a fresh code from your authenticator app.");
      if (after) {
        onDone(`The new key was verified with ${info.name} and replaced the old one (its secret was deleted from the vault). It can ${permissionWords(after.permissions).join(" and ").toLowerCase()}. Delete the old key on ${info.name} too.`);
      }
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  const refusal = refusalWords(error, c.exchange);
  return (
    <Dialog open title={`Replace the key of ${c.label}`} onClose={onClose}>
      <form className="stack" onSubmit={submit}>
        <p>
          Create a new key on {info.name} for the same account (read and trade, never withdraw). Coffer checks it with {info.name} first; only then does it swap the
          keys and delete the old secret from the vault.
        </p>
        <KeyFields exchange={info} values={values} onChange={setValues} disabled={busy} />
        <div aria-live="polite">{busy ? <Loading label={`Verifying the new key with ${info.name}…`} /> : null}</div>
        {refusal ? (
          <div className="notice notice-error" role="alert">
            <p className="notice-what">{refusal.title}</p>
            <p>{refusal.what}</p>
            <ul>
              {refusal.fix.map((f) => (
                <li key={f}>{f}</li>
              ))}
            </ul>
          </div>
        ) : (
          <ErrorNotice error={error} />
        )}
        <div className="row">
          <button type="submit" className="button primary" disabled={busy}>
            Replace key
          </button>
          <button type="button" className="button secondary" onClick={onClose} disabled={busy}>
            Cancel
          </button>
        </div>
      </form>
      {stepUp.element}
    </Dialog>
  );
}

function RemoveDialog({ connection: c, onClose, onDone }: { connection: Connection; onClose: () => void; onDone: () => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const remove = async () => {
    setBusy(true);
    setError(null);
    try {
      await api.delete(`/api/v1/connections/${c.id}`);
      onClose();
      onDone();
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  };
  return (
    <ConfirmDialog title={`Remove ${c.label}?`} onClose={onClose} onConfirm={remove} busy={busy} error={error} confirmLabel="Remove connection" busyLabel="Removing…">
      <p>
        Coffer deletes this key's secret from its vault and revokes its credential at once. Its balances leave your portfolio; orders already on{" "}
        {exchangeName(c.exchange)} stay there. The key itself still exists on {exchangeName(c.exchange)}: delete it there too.
      </p>
    </ConfirmDialog>
  );
}
