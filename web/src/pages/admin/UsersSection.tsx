import { useState } from "react";
import { api } from "../../api/client";
import { unlessMissing } from "../../api/missing";
import { ago, dateTime } from "../../app/format";
import { useApi } from "../../app/useApi";
import { ErrorNotice } from "../../components/ErrorNotice";
import { Loading } from "../../components/Loading";
import { SuccessNotice } from "../../components/SuccessNotice";
import { useStepUp } from "../../components/StepUp";
import type { AdminUser } from "./types";
import { TableWrap } from "../../components/TableWrap";

export function userState(u: AdminUser): { text: string; tone: "ok" | "warn" | "bad" }[] {
  const states: { text: string; tone: "ok" | "warn" | "bad" }[] = [];
  if (u.frozen) states.push({ text: "Frozen", tone: "bad" });
  if (u.disabled) states.push({ text: "Locked until unlocked", tone: "bad" });
  else if (u.locked) states.push({ text: "Locked out", tone: "warn" });
  if (states.length === 0) states.push({ text: "Active", tone: "ok" });
  return states;
}

export function UsersSection() {
  const [missing, setMissing] = useState(false);
  const list = useApi((signal) => unlessMissing(api.get<{ items: AdminUser[] }>("/api/v1/admin/users", undefined, signal), { items: [] }, () => setMissing(true)), []);
  const stepUp = useStepUp();
  const [error, setError] = useState<unknown>(null);
  const [message, setMessage] = useState("");

  const unlock = async (username: string) => {
    setError(null);
    setMessage("");
    try {
      const result = await stepUp.confirm(
        (proof) => api.post<{ username: string; was_frozen: boolean }>(`/api/v1/auth/users/${encodeURIComponent(username)}/unlock`, {}, proof ? { stepUp: proof } : {}),
        `Unlock ${username}? This clears their lockout and any freeze, so they can sign in again.`,
        true,
      );
      if (result) {
        setMessage(`${result.username} is unlocked${result.was_frozen ? " and unfrozen: their exchange keys need re-entering" : ""}.`);
        list.reload();
      }
    } catch (e) {
      setError(e);
    }
  };

  const items = list.data?.items ?? [];
  return (
    <section className="card stack" aria-labelledby="users-title">
      <h2 id="users-title">Users</h2>
      {list.loading && !list.data ? <Loading label="Reading users…" /> : null}
      <ErrorNotice error={list.error} onRetry={list.reload} />
      {missing ? <p className="muted">This server cannot list users yet. You can still invite users below and unlock one by name.</p> : null}
      {!missing && list.data && items.length === 0 ? <p className="muted">No users yet. Invite someone below.</p> : null}
      {items.length > 0 ? (
        <TableWrap label="Users">
          <table>
            <caption className="visually-hidden">Users</caption>
            <thead>
              <tr>
                <th scope="col">Username</th>
                <th scope="col">Roles</th>
                <th scope="col">State</th>
                <th scope="col">Two-factor</th>
                <th scope="col">Last sign-in</th>
                <th scope="col">Created</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {items.map((u) => (
                <tr key={u.username}>
                  <td>{u.username}</td>
                  <td>{u.roles.join(", ")}</td>
                  <td>
                    {userState(u).map((s) => (
                      <span key={s.text} className={`badge ${s.tone}`}>
                        {s.text}
                      </span>
                    ))}
                  </td>
                  <td>{u.two_factor ? "On" : <span className="warn-text">Off</span>}</td>
                  <td title={dateTime(u.last_sign_in_at)}>{u.last_sign_in_at ? ago(u.last_sign_in_at) : "never"}</td>
                  <td>{dateTime(u.created_at)}</td>
                  <td>
                    {u.locked || u.frozen || u.disabled ? (
                      <button type="button" className="button secondary" onClick={() => void unlock(u.username)} aria-label={`Unlock ${u.username}`}>
                        Unlock
                      </button>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      ) : null}
      {missing ? <UnlockByName onUnlock={unlock} /> : null}
      <SuccessNotice message={message} />
      <ErrorNotice error={error} />
      {stepUp.element}
    </section>
  );
}

function UnlockByName({ onUnlock }: { onUnlock: (username: string) => Promise<void> }) {
  const [name, setName] = useState("");
  return (
    <form
      className="row align-end"
      onSubmit={(e) => {
        e.preventDefault();
        void onUnlock(name.trim());
      }}
    >
      <div className="field grow">
        <label htmlFor="unlock-username">Username to unlock</label>
        <input id="unlock-username" autoCapitalize="none" spellCheck={false} required value={name} onChange={(e) => setName(e.target.value)} />
      </div>
      <button type="submit" className="button secondary">
        Unlock
      </button>
    </form>
  );
}
