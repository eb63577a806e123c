import { useState } from "react";
import { api } from "../../api/client";
import { ago, dateTime } from "../../app/format";
import { useApi } from "../../app/useApi";
import { ConfirmDialog } from "../../components/ConfirmDialog";
import { ErrorNotice } from "../../components/ErrorNotice";
import { Loading } from "../../components/Loading";
import { SuccessNotice } from "../../components/SuccessNotice";
import { TableWrap } from "../../components/TableWrap";
import "../common/common.css";
import { limitWords } from "../trade/limits";
import { scopeLabel } from "../tokens/tokens";
import type { Grant } from "./types";
import "./oauth.css";

/**
 * "Connected apps": every app the user let act for them (an OAuth grant: a branch of their token tree), what it may
 * do and when it last did, and Revoke, which ends the grant with every access and refresh token below it at once.
 */
export function ConnectedAppsSection({ currency }: { currency: string }) {
  const grants = useApi((signal) => api.get<{ grants: Grant[] }>("/api/v1/oauth/grants", undefined, signal), []);
  const [notice, setNotice] = useState<string | null>(null);
  const items = grants.data?.grants ?? [];
  return (
    <section className="stack" aria-labelledby="connected-apps">
      <h2 id="connected-apps">Connected apps</h2>
      <p className="muted">Apps you approved to use your Coffer. Each one holds its own tokens, within the scopes and limits you approved; revoke any you no longer use.</p>
      <SuccessNotice message={notice} boxed />
      <ErrorNotice error={grants.error} onRetry={grants.reload} />
      {grants.loading && !grants.data ? <Loading label="Loading connected apps…" /> : null}
      {grants.data && items.length === 0 ? (
        <div className="card empty">
          <p>No connected apps.</p>
          <p className="muted">When an app asks to use your Coffer and you approve it, it shows up here.</p>
        </div>
      ) : null}
      {items.length > 0 ? (
        <TableWrap label="Connected apps">
          <table className="rt">
            <caption className="visually-hidden">Connected apps</caption>
            <thead>
              <tr>
                <th scope="col">App</th>
                <th scope="col">May</th>
                <th scope="col">Limits</th>
                <th scope="col">Granted</th>
                <th scope="col">Last used</th>
                <th scope="col">Expires</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {items.map((g) => (
                <GrantRow
                  key={g.accessor}
                  grant={g}
                  currency={currency}
                  onRevoked={(n) => {
                    setNotice(n);
                    grants.reload();
                  }}
                />
              ))}
            </tbody>
          </table>
        </TableWrap>
      ) : null}
    </section>
  );
}

function GrantRow({ grant: g, currency, onRevoked }: { grant: Grant; currency: string; onRevoked: (notice: string) => void }) {
  const [confirm, setConfirm] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const nameId = `grant-${g.accessor}`;
  const limits = limitWords(g.trading, currency);
  const revoke = async () => {
    setBusy(true);
    setError(null);
    try {
      const result = await api.post<{ revoked: number }>(`/api/v1/oauth/grants/${encodeURIComponent(g.accessor)}/revoke`);
      setConfirm(false);
      onRevoked(result.revoked === 0 ? `${g.app_name} was already disconnected.` : `Disconnected ${g.app_name}: ${result.revoked} token(s) revoked, on every node at once.`);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <tr>
      <td data-label="App">
        <strong id={nameId}>{g.app_name}</strong>
        <div className="small muted">by {g.app_owner}</div>
        {g.grant_type === "client_credentials" ? <span className="badge">your own app, as you</span> : null}
        {g.dpop_bound ? <span className="badge ok">DPoP-bound</span> : null}
      </td>
      <td data-label="May" className="small">{g.scopes.map(scopeLabel).join(", ")}</td>
      <td data-label="Limits" className="small">{limits.join("; ") || "none beyond your account's"}</td>
      <td data-label="Granted">
        <time dateTime={g.created_at}>{dateTime(g.created_at)}</time>
      </td>
      <td data-label="Last used">{g.last_used_at ? <time dateTime={g.last_used_at} title={dateTime(g.last_used_at)}>{ago(g.last_used_at)}</time> : "never"}</td>
      <td data-label="Expires">
        <time dateTime={g.expires_at}>{dateTime(g.expires_at)}</time>
      </td>
      <td data-label="Actions">
        <button type="button" className="button danger small-button" onClick={() => setConfirm(true)} aria-describedby={nameId}>
          Revoke
        </button>
        {confirm ? (
          <ConfirmDialog title={`Disconnect ${g.app_name}?`} onClose={() => setConfirm(false)} onConfirm={revoke} busy={busy} error={error} confirmLabel="Revoke access" busyLabel="Revoking…" cancelLabel="Keep it">
            <p>It stops working at once, on every node: every access and refresh token it holds is revoked. To use your Coffer again it must ask you again.</p>
          </ConfirmDialog>
        ) : null}
      </td>
    </tr>
  );
}
