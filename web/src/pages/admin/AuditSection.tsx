import { useState, type FormEvent } from "react";
import { api } from "../../api/client";
import { dateTime } from "../../app/format";
import { useApi } from "../../app/useApi";
import { ErrorNotice } from "../../components/ErrorNotice";
import { Loading } from "../../components/Loading";
import { Pager, useCursorPages } from "../../components/Pager";
import { auditQuery, describeVerification, detailsText, type AuditFilters } from "./audit";
import type { AuditRecord, AuditVerification } from "./types";
import { TableWrap } from "../../components/TableWrap";

const empty: AuditFilters = { action: "", actor: "", since: "", until: "" };

function VerifyStatus() {
  const verify = useApi((signal) => api.get<AuditVerification>("/api/v1/audit/verify", undefined, signal), []);
  const v = verify.data;
  return (
    <div className="stack-tight" aria-labelledby="verify-title">
      <div className="section-head">
        <h3 id="verify-title">Chain verification</h3>
        <button type="button" className="button secondary" onClick={verify.reload} disabled={verify.loading}>
          {verify.loading ? "Verifying…" : "Verify again"}
        </button>
      </div>
      <div aria-live="polite">
        {verify.loading && !v ? <Loading label="Verifying every record's hash…" /> : null}
        {v ? (
          <div className={`notice ${v.ok ? "notice-good" : "notice-error"}`} role={v.ok ? "status" : "alert"}>
            <p className="notice-what">
              <span aria-hidden="true">{v.ok ? "✓ " : "✗ "}</span>
              {describeVerification(v)}
            </p>
            {v.first_broken ? (
              <p>
                {v.first_broken.detail} Records from #{v.first_broken.seq} on cannot be trusted; compare them with the server's separate
                sys.log and your backups.
              </p>
            ) : v.last_hash ? (
              <p className="muted small wrap-anywhere">Last hash {v.last_hash}</p>
            ) : null}
          </div>
        ) : null}
      </div>
      <ErrorNotice error={verify.error} onRetry={verify.reload} />
    </div>
  );
}

export function AuditSection() {
  const [draft, setDraft] = useState<AuditFilters>(empty);
  const [filters, setFilters] = useState<AuditFilters>(empty);
  const pages = useCursorPages();
  const list = useApi(
    (signal) => api.get<{ records: AuditRecord[]; next_after_seq: number | null }>("/api/v1/audit", auditQuery(filters, pages.cursor), signal),
    [filters, pages.cursor],
  );

  const apply = (event: FormEvent) => {
    event.preventDefault();
    pages.reset();
    setFilters(draft);
  };
  const clear = () => {
    setDraft(empty);
    pages.reset();
    setFilters(empty);
  };

  const records = list.data?.records ?? [];
  const set = (key: keyof AuditFilters) => (e: { target: { value: string } }) => setDraft((d) => ({ ...d, [key]: e.target.value }));

  return (
    <section className="card stack" aria-labelledby="audit-title">
      <h2 id="audit-title">Audit log</h2>
      <VerifyStatus />
      <h3>Records</h3>
      <form className="filters" onSubmit={apply} aria-label="Audit log filters">
        <div className="field">
          <label htmlFor="audit-action">Action</label>
          <input id="audit-action" placeholder="e.g. auth.signin or sys.*" value={draft.action} onChange={set("action")} />
        </div>
        <div className="field">
          <label htmlFor="audit-actor">Actor</label>
          <input id="audit-actor" placeholder="username or system" value={draft.actor} onChange={set("actor")} />
        </div>
        <div className="field">
          <label htmlFor="audit-since">From</label>
          <input id="audit-since" type="datetime-local" value={draft.since} onChange={set("since")} />
        </div>
        <div className="field">
          <label htmlFor="audit-until">Until</label>
          <input id="audit-until" type="datetime-local" value={draft.until} onChange={set("until")} />
        </div>
        <div className="row">
          <button type="submit" className="button primary">
            Filter
          </button>
          <button type="button" className="button secondary" onClick={clear}>
            Clear
          </button>
        </div>
      </form>
      {list.loading && !list.data ? <Loading label="Reading the audit log…" /> : null}
      <ErrorNotice error={list.error} onRetry={list.reload} />
      {list.data && records.length === 0 ? <p className="muted">No records match. Clear the filters to see everything.</p> : null}
      {records.length > 0 ? (
        <>
          <TableWrap label="Audit records" busy={list.loading}>
            <table>
              <caption className="visually-hidden">Audit records, oldest first</caption>
              <thead>
                <tr>
                  <th scope="col" className="num">
                    #
                  </th>
                  <th scope="col">When</th>
                  <th scope="col">Actor</th>
                  <th scope="col">Action</th>
                  <th scope="col">Outcome</th>
                  <th scope="col">Target</th>
                  <th scope="col">Address</th>
                  <th scope="col">Details</th>
                </tr>
              </thead>
              <tbody>
                {records.map((r) => (
                  <tr key={r.seq}>
                    <td className="num">{r.seq}</td>
                    <td className="nowrap">{dateTime(r.occurred_at)}</td>
                    <td>{r.actor}</td>
                    <td>
                      <code>{r.action}</code>
                    </td>
                    <td>
                      <span className={`badge ${r.outcome === "success" ? "ok" : r.outcome === "failure" || r.outcome === "denied" ? "bad" : "warn"}`}>{r.outcome}</span>
                    </td>
                    <td className="wrap-anywhere">{r.target ?? "—"}</td>
                    <td>{r.client_ip ?? "—"}</td>
                    <td className="details-cell wrap-anywhere">{detailsText(r.details) || "—"}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
          <Pager
            label="Audit log pages"
            page={pages.page}
            hasNext={list.data?.next_after_seq != null}
            onPrevious={pages.previous}
            onNext={() => list.data?.next_after_seq != null && pages.next(String(list.data.next_after_seq))}
          />
        </>
      ) : null}
    </section>
  );
}
