import { useState, type FormEvent } from "react";
import { api } from "../../api/client";
import { unlessMissing } from "../../api/missing";
import { dateTime } from "../../app/format";
import { useApi } from "../../app/useApi";
import { CopyButton } from "../../components/CopyButton";
import { ErrorNotice } from "../../components/ErrorNotice";
import { Loading } from "../../components/Loading";
import { SuccessNotice } from "../../components/SuccessNotice";
import { ROLES, type CreatedInvitation, type Invitation } from "./types";
import { TableWrap } from "../../components/TableWrap";

export function signUpLink(code: string, origin = window.location.origin): string {
  return `${origin}/signup?invitation=${encodeURIComponent(code)}`;
}

export function invitationState(i: Invitation, now = new Date()): { text: string; tone: "ok" | "warn" | "bad"; open: boolean } {
  if (i.revoked_at) return { text: "Revoked", tone: "bad", open: false };
  if (i.used_at) return { text: i.used_by ? `Used by ${i.used_by}` : "Used", tone: "ok", open: false };
  if (Date.parse(i.expires_at) <= now.getTime()) return { text: "Expired", tone: "warn", open: false };
  return { text: "Open", tone: "ok", open: true };
}

export function InvitationsSection() {
  const [missing, setMissing] = useState(false);
  const list = useApi((signal) => unlessMissing(api.get<{ items: Invitation[] }>("/api/v1/auth/invitations", undefined, signal), { items: [] }, () => setMissing(true)), []);
  const [role, setRole] = useState("trader");
  const [created, setCreated] = useState<CreatedInvitation | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [message, setMessage] = useState("");

  const create = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    setMessage("");
    try {
      setCreated(await api.post<CreatedInvitation>("/api/v1/auth/invitations", { role }));
      list.reload();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  const revoke = async (i: Invitation) => {
    setError(null);
    setMessage("");
    try {
      await api.delete(`/api/v1/auth/invitations/${encodeURIComponent(i.id)}`);
      setMessage("Invitation revoked: it can no longer be used.");
      list.reload();
    } catch (e) {
      setError(e);
    }
  };

  const items = list.data?.items ?? [];
  return (
    <section className="card stack" aria-labelledby="invitations-title">
      <h2 id="invitations-title">Invitations</h2>
      <form className="row align-end" onSubmit={create}>
        <div className="field grow">
          <label htmlFor="invite-role">Role</label>
          <select id="invite-role" value={role} onChange={(e) => setRole(e.target.value)} aria-describedby="invite-role-help">
            {ROLES.map((r) => (
              <option key={r.id} value={r.id}>
                {r.label}
              </option>
            ))}
          </select>
          <small id="invite-role-help">{ROLES.find((r) => r.id === role)?.help}. Invitations work once, for 7 days.</small>
        </div>
        <button type="submit" className="button primary" disabled={busy}>
          {busy ? "Creating…" : "Create invitation"}
        </button>
      </form>
      {created ? (
        <div className="notice notice-warn stack-tight" role="status">
          <p className="notice-what">
            Invitation for a new {created.role} — shown only this once. It expires {dateTime(created.expires_at)}.
          </p>
          <p>Send the link (or the code) to the person you invite, over a channel you trust.</p>
          <p id="invite-code-label" className="muted">
            Code
          </p>
          <p className="secret" aria-labelledby="invite-code-label">
            {created.invitation}
          </p>
          <p id="invite-link-label" className="muted">
            Sign-up link
          </p>
          <p className="secret" aria-labelledby="invite-link-label">
            {signUpLink(created.invitation)}
          </p>
          <div className="row">
            <CopyButton value={signUpLink(created.invitation)} label="Copy link" />
            <CopyButton value={created.invitation} label="Copy code" />
            <button type="button" className="button secondary" onClick={() => setCreated(null)}>
              Done
            </button>
          </div>
        </div>
      ) : null}
      <h3>Sent invitations</h3>
      {list.loading && !list.data ? <Loading label="Reading invitations…" /> : null}
      <ErrorNotice error={list.error} onRetry={list.reload} />
      {missing ? <p className="muted">This server cannot list invitations yet; the ones you create still work.</p> : null}
      {!missing && list.data && items.length === 0 ? <p className="muted">No invitations yet. Create one above to add a user.</p> : null}
      {items.length > 0 ? (
        <TableWrap label="Invitations">
          <table>
            <caption className="visually-hidden">Invitations</caption>
            <thead>
              <tr>
                <th scope="col">Role</th>
                <th scope="col">State</th>
                <th scope="col">Created</th>
                <th scope="col">Expires</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {items.map((i) => {
                const state = invitationState(i);
                return (
                  <tr key={i.id}>
                    <td>{i.role}</td>
                    <td>
                      <span className={`badge ${state.tone}`}>{state.text}</span>
                    </td>
                    <td>{dateTime(i.created_at)}</td>
                    <td>{dateTime(i.expires_at)}</td>
                    <td>
                      {state.open ? (
                        <button type="button" className="button secondary" onClick={() => void revoke(i)} aria-label={`Revoke the ${i.role} invitation created ${dateTime(i.created_at)}`}>
                          Revoke
                        </button>
                      ) : null}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </TableWrap>
      ) : null}
      <SuccessNotice message={message} />
      <ErrorNotice error={error} />
    </section>
  );
}
