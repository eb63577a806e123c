import { useState, type FormEvent } from "react";
import { api } from "../../api/client";
import { createCredential, passkeysSupported } from "../../api/webauthn";
import { ago, dateTime } from "../../app/format";
import { useSession } from "../../app/session";
import { useApi } from "../../app/useApi";
import { ErrorNotice } from "../../components/ErrorNotice";
import { Loading } from "../../components/Loading";
import { SuccessNotice } from "../../components/SuccessNotice";
import { useStepUp } from "../../components/StepUp";
import type { Passkey } from "./types";
import { TableWrap } from "../../components/TableWrap";

function defaultName(): string {
  const ua = navigator.userAgent;
  const os = /Android/.test(ua) ? "Android" : /iPhone|iPad/.test(ua) ? "iPhone" : /Mac/.test(ua) ? "Mac" : /Windows/.test(ua) ? "Windows" : /Linux/.test(ua) ? "Linux" : "This device";
  return `${os} passkey`;
}

export function PasskeysSection() {
  const list = useApi((signal) => api.get<{ items: Passkey[] }>("/api/v1/auth/passkeys", undefined, signal), []);
  const { reload: reloadMe } = useSession();
  const [name, setName] = useState(defaultName);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [message, setMessage] = useState("");
  const stepUp = useStepUp();
  const supported = passkeysSupported();

  const add = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    setMessage("");
    try {
      const begun = await stepUp.confirm(
        (proof) => api.post<{ options: unknown }>("/api/v1/auth/passkeys/registration", {}, proof ? { stepUp: proof } : {}),
        "Adding a way to sign in is sensitive: confirm it is you.",
      );
      if (!begun) {
        return;
      }
      setMessage("Follow your browser's prompt to create the passkey…");
      const credential = await createCredential(begun.options);
      const added = await api.post<Passkey>("/api/v1/auth/passkeys/registration/finish", { credential, name: name.trim() });
      setMessage(`Passkey “${added.name ?? name}” added. You can now sign in with it, without a password.`);
      list.reload();
      void reloadMe().catch(() => null);
    } catch (e) {
      setMessage("");
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  const remove = async (passkey: Passkey) => {
    setError(null);
    setMessage("");
    try {
      const done = await stepUp.confirm(
        async (proof) => {
          await api.delete(`/api/v1/auth/passkeys/${encodeURIComponent(passkey.id)}`, proof ? { stepUp: proof } : {});
          return true;
        },
        `Delete the passkey “${passkey.name ?? "unnamed"}”? It will no longer sign you in.`,
        true,
      );
      if (done) {
        setMessage(`Passkey “${passkey.name ?? "unnamed"}” deleted.`);
        list.reload();
        void reloadMe().catch(() => null);
      }
    } catch (e) {
      setError(e);
    }
  };

  const items = list.data?.items ?? [];
  return (
    <section className="card stack" aria-labelledby="passkeys-title">
      <h2 id="passkeys-title">Passkeys</h2>
      <p className="muted">
        A passkey signs you in with your device's screen lock or a security key — no password, and nothing a phishing site can reuse.
      </p>
      {list.loading && !list.data ? <Loading label="Reading your passkeys…" /> : null}
      <ErrorNotice error={list.error} onRetry={list.reload} />
      {list.data && items.length === 0 ? <p>You have no passkeys yet. Add one below.</p> : null}
      {items.length > 0 ? (
        <TableWrap label="Passkeys">
          <table>
            <caption className="visually-hidden">Your passkeys</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Added</th>
                <th scope="col">Last used</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {items.map((p) => (
                <tr key={p.id}>
                  <td>{p.name ?? "Unnamed"}</td>
                  <td>{dateTime(p.created_at)}</td>
                  <td>{p.last_used_at ? ago(p.last_used_at) : "never"}</td>
                  <td>
                    <button type="button" className="button secondary" onClick={() => void remove(p)} aria-label={`Delete passkey ${p.name ?? "unnamed"}`}>
                      Delete
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      ) : null}
      {supported ? (
        <form className="row align-end" onSubmit={add}>
          <div className="field grow">
            <label htmlFor="passkey-name">Passkey name</label>
            <input id="passkey-name" name="passkey-name" maxLength={64} required value={name} onChange={(e) => setName(e.target.value)} />
          </div>
          <button type="submit" className="button primary" disabled={busy}>
            {busy ? "Adding…" : "Add a passkey"}
          </button>
        </form>
      ) : (
        <p className="muted">This browser does not support passkeys.</p>
      )}
      <SuccessNotice message={message} />
      <ErrorNotice error={error} />
      {stepUp.element}
    </section>
  );
}
