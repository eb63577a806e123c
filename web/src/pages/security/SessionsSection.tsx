import { useState } from "react";
import { api } from "../../api/client";
import { ago, dateTime } from "../../app/format";
import { useSession } from "../../app/session";
import { useApi } from "../../app/useApi";
import { ErrorNotice } from "../../components/ErrorNotice";
import { Loading } from "../../components/Loading";
import { SuccessNotice } from "../../components/SuccessNotice";
import type { SessionInfo } from "./types";
import { TableWrap } from "../../components/TableWrap";

/** A session's display name is what the server recorded of the device (browser and address); keep it readable. */
export function describeDevice(name: string | null): string {
  if (!name) {
    return "Unknown device";
  }
  const browser = /Edg\//.test(name) ? "Edge" : /Firefox\//.test(name) ? "Firefox" : /Chrom(e|ium)\//.test(name) ? "Chrome" : /Safari\//.test(name) ? "Safari" : null;
  const os = /Android/.test(name) ? "Android" : /iPhone|iPad/.test(name) ? "iOS" : /Mac OS X|Macintosh/.test(name) ? "macOS" : /Windows/.test(name) ? "Windows" : /Linux/.test(name) ? "Linux" : null;
  if (browser || os) {
    const ip = name.match(/\b(\d{1,3}(?:\.\d{1,3}){3}|[0-9a-f:]{3,39})\b/i)?.[0];
    return [browser, os && `on ${os}`, ip && `from ${ip}`].filter(Boolean).join(" ");
  }
  return name;
}

export function SessionsSection() {
  const list = useApi((signal) => api.get<{ items: SessionInfo[] }>("/api/v1/auth/sessions", undefined, signal), []);
  const { signOut } = useSession();
  const [error, setError] = useState<unknown>(null);
  const [message, setMessage] = useState("");
  const [busy, setBusy] = useState<string | null>(null);

  const revoke = async (s: SessionInfo) => {
    if (s.current) {
      await signOut();
      return;
    }
    setBusy(s.accessor);
    setError(null);
    setMessage("");
    try {
      await api.post(`/api/v1/tokens/${encodeURIComponent(s.accessor)}/revoke`);
      setMessage(`Signed out ${describeDevice(s.display_name)}.`);
      list.reload();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(null);
    }
  };

  const items = [...(list.data?.items ?? [])].sort((a, b) => Number(b.current) - Number(a.current) || b.created_at.localeCompare(a.created_at));
  return (
    <section className="card stack" aria-labelledby="sessions-title">
      <h2 id="sessions-title">Active sessions and devices</h2>
      <p className="muted">Every browser signed in to your account. Sign out any you do not recognise — and if you do not recognise one, change your password or freeze the account.</p>
      {list.loading && !list.data ? <Loading label="Reading your sessions…" /> : null}
      <ErrorNotice error={list.error} onRetry={list.reload} />
      {items.length > 0 ? (
        <TableWrap label="Active sessions">
          <table>
            <caption className="visually-hidden">Active sessions</caption>
            <thead>
              <tr>
                <th scope="col">Device</th>
                <th scope="col">Signed in</th>
                <th scope="col">Expires</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {items.map((s) => (
                <tr key={s.accessor}>
                  <td>
                    {describeDevice(s.display_name)} {s.current ? <span className="badge ok">This browser</span> : null}
                  </td>
                  <td title={dateTime(s.created_at)}>{ago(s.created_at)}</td>
                  <td>{dateTime(s.expires_at)}</td>
                  <td>
                    <button
                      type="button"
                      className="button secondary"
                      disabled={busy === s.accessor}
                      onClick={() => void revoke(s)}
                      aria-label={s.current ? "Sign out of this browser" : `Sign out ${describeDevice(s.display_name)}, signed in ${ago(s.created_at)}`}
                    >
                      {busy === s.accessor ? "Signing out…" : "Sign out"}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      ) : list.data ? (
        <p>No other sessions.</p>
      ) : null}
      <SuccessNotice message={message} />
      <ErrorNotice error={error} />
    </section>
  );
}
