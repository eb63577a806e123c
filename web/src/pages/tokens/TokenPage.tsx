import { useId, useState } from "react";
import { Link, useNavigate, useParams } from "react-router-dom";
import { api } from "../../api/client";
import type { Page } from "../../api/types";
import { ago, dateTime } from "../../app/format";
import { useMe } from "../../app/session";
import { useApi } from "../../app/useApi";
import { ErrorNotice } from "../../components/ErrorNotice";
import { Loading } from "../../components/Loading";
import { Pager, useCursorPages } from "../../components/Pager";
import { SuccessNotice } from "../../components/SuccessNotice";
import { TableWrap } from "../../components/TableWrap";
import "../common/common.css";
import { useResetOn } from "../common/useResetOn";
import { limitWords } from "../trade/limits";
import { RevokeTokenDialog } from "./RevokeTokenDialog";
import { scopeLabel } from "./tokens";
import "./tokens.css";
import { KIND_NAMES, type AccessLogEntry, type TokenInfo } from "./types";

const PAGE = 100;

export default function TokenPage() {
  const id = useId();
  const { accessor = "" } = useParams();
  const me = useMe();
  const navigate = useNavigate();
  const token = useApi((signal) => api.get<TokenInfo>(`/api/v1/tokens/${encodeURIComponent(accessor)}`, undefined, signal), [accessor]);
  // The access log pages by id: `before` is the id after which older entries follow.
  const pages = useCursorPages<number>();
  useResetOn(accessor, pages.reset);
  const before = pages.cursor;
  const log = useApi((signal) => api.get<Page<AccessLogEntry, number>>(`/api/v1/tokens/${encodeURIComponent(accessor)}/access-log`, { limit: PAGE, before }, signal), [accessor, before]);
  const [confirm, setConfirm] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const t = token.data;
  const current = accessor === me.session.accessor;

  const revoked = (count: number) => {
    setConfirm(false);
    setNotice(`Revoked: ${count} token(s) in all — this one and everything below it.`);
    if (current) {
      navigate("/signin");
      return;
    }
    token.reload();
  };

  return (
    <section className="stack" aria-labelledby={`${id}-title`}>
      <p>
        <Link to="/tokens">← Tokens and apps</Link>
      </p>
      <h1 id={`${id}-title`}>{t?.display_name || accessor}</h1>
      <ErrorNotice error={token.error} onRetry={token.reload} />
      {token.loading && !t ? <Loading /> : null}
      <SuccessNotice message={notice} boxed />
      {t ? (
        <div className="card stack">
          <dl className="kv">
            <dt>Accessor</dt>
            <dd className="mono">{t.accessor}</dd>
            <dt>Kind</dt>
            <dd>{KIND_NAMES[t.kind] ?? t.kind}</dd>
            <dt>State</dt>
            <dd>{t.revoked ? <span className="badge bad">revoked {dateTime(t.revoked_at)}</span> : t.expires_at && new Date(t.expires_at) < new Date() ? <span className="badge warn">expired</span> : <span className="badge ok">active</span>}</dd>
            <dt>May</dt>
            <dd>{t.scopes.map(scopeLabel).join(", ")}</dd>
            <dt>Limits</dt>
            <dd>{[...limitWords(t.trading, me.currency), ...(t.ip_allowlist.length ? [`From ${t.ip_allowlist.join(", ")}`] : [])].join("; ") || "none of its own"}</dd>
            <dt>Made from</dt>
            <dd className="mono">{t.parent ? <Link to={`/tokens/${encodeURIComponent(t.parent)}`}>{t.parent}</Link> : "—"}</dd>
            <dt>Created</dt>
            <dd>{dateTime(t.created_at)}</dd>
            <dt>Expires</dt>
            <dd>{t.expires_at ? dateTime(t.expires_at) : "never"}</dd>
            <dt>Uses</dt>
            <dd>
              {t.uses}
              {t.max_uses ? ` of ${t.max_uses}` : ""}
            </dd>
            <dt>Last used</dt>
            <dd>{t.last_used_at ? <time dateTime={t.last_used_at} title={dateTime(t.last_used_at)}>{ago(t.last_used_at)}</time> : "never"}</dd>
            <dt>Last used</dt>
            <dd>{log.data && before === undefined ? (log.data.items[0] ? `${ago(log.data.items[0].occurred_at)} from ${log.data.items[0].client_ip ?? "an unknown address"}` : "never") : "—"}</dd>
          </dl>
          {!t.revoked && t.kind !== "trader" ? (
            <div className="row">
              <button type="button" className="button danger" onClick={() => setConfirm(true)}>
                Revoke
              </button>
            </div>
          ) : null}
        </div>
      ) : null}

      <div className="stack">
        <h2>Access log</h2>
        <p className="muted small">Every request made with this token, newest first.</p>
        <ErrorNotice error={log.error} onRetry={log.reload} />
        {log.loading && !log.data ? <Loading label="Loading the access log…" /> : null}
        {log.data && log.data.items.length === 0 ? <p className="card empty">This token has not been used yet.</p> : null}
        {log.data && log.data.items.length > 0 ? (
          <TableWrap label="Access log">
            <table className="rt">
              <caption className="visually-hidden">Access log</caption>
              <thead>
                <tr>
                  <th scope="col">Time</th>
                  <th scope="col">IP address</th>
                  <th scope="col">Method</th>
                  <th scope="col">Route</th>
                  <th scope="col" className="num">Status</th>
                  <th scope="col" className="num">Took</th>
                </tr>
              </thead>
              <tbody>
                {log.data.items.map((e) => (
                  <tr key={e.id}>
                    <td data-label="Time">
                      <time dateTime={e.occurred_at}>{dateTime(e.occurred_at)}</time>
                    </td>
                    <td data-label="IP address" className="mono">{e.client_ip ?? "—"}</td>
                    <td data-label="Method">{e.method}</td>
                    <td data-label="Route" className="mono small">{e.route}</td>
                    <td data-label="Status" className="num">
                      <span className={e.status >= 400 ? "sign-neg" : undefined}>{e.status}</span>
                      {e.status >= 400 ? <span className="visually-hidden"> (refused or failed)</span> : null}
                    </td>
                    <td data-label="Took" className="num">{Math.round(e.latency_ms)} ms</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
        ) : null}
        {log.data && (log.data.next !== null || pages.page > 0) ? (
          <Pager page={pages.page} hasNext={log.data.next !== null} onPrevious={pages.previous} onNext={() => log.data?.next != null && pages.next(log.data.next)} previousLabel="Newer" nextLabel="Older" />
        ) : null}
      </div>

      {confirm && t ? <RevokeTokenDialog token={t} current={current} onClose={() => setConfirm(false)} onRevoked={revoked} /> : null}
    </section>
  );
}
