import { useState, type FormEvent } from "react";
import { Link, useNavigate } from "react-router-dom";
import { api } from "../../api/client";
import { looksLikeToken, setFirstPassword } from "../../api/setup";
import { useSession } from "../../app/session";
import { ErrorNotice } from "../../components/ErrorNotice";
import { PasswordFields, passwordsValid } from "../../components/PasswordFields";
import { AuthShell } from "./AuthShell";

/**
 * First run: the server created the admin user without a password and printed its token once. The token is used for
 * one call here (setting the password) and is then forgotten: it lives only in this component's state, is cleared
 * after use, and is never written to any storage.
 */
export default function SetupPage() {
  const [token, setToken] = useState("");
  const [password, setPassword] = useState("");
  const [confirm, setConfirm] = useState("");
  const [busy, setBusy] = useState<"" | "password" | "signin">("");
  const [error, setError] = useState<unknown>(null);
  const [tried, setTried] = useState(false);
  const [done, setDone] = useState<string | null>(null);
  const { reload } = useSession();
  const navigate = useNavigate();
  const tokenOk = looksLikeToken(token);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setTried(true);
    if (!tokenOk || !passwordsValid(password, confirm)) {
      return;
    }
    setBusy("password");
    setError(null);
    let username: string;
    try {
      username = (await setFirstPassword(token, password)).username;
      setToken("");
    } catch (e) {
      setError(e);
      setBusy("");
      return;
    }
    setDone(username);
    setBusy("signin");
    try {
      await api.post("/api/v1/auth/signin", { username, password }, { sessionCookie: true });
      setPassword("");
      setConfirm("");
      const who = await reload();
      navigate(who ? "/security" : "/signin", { replace: true });
    } catch (e) {
      setPassword("");
      setConfirm("");
      setError(e);
    } finally {
      setBusy("");
    }
  };

  return (
    <AuthShell
      title="Set up Coffer"
      intro={
        <p>
          On its first start the server printed an admin token (it starts with <code>cof_trader_</code>). Paste it here once to choose the
          admin's password. The token is used for this one request and is not kept.
        </p>
      }
      footer={
        <ul>
          <li>
            Already set up? <Link to="/signin">Sign in</Link>
          </li>
        </ul>
      }
    >
      {done && !busy ? (
        <div className="notice" role="status">
          <p className="notice-what">The password of “{done}” is set.</p>
          <p>
            <Link to="/signin">Sign in</Link> with it, then turn on two-factor authentication in the Security centre.
          </p>
        </div>
      ) : null}
      <form className="stack" onSubmit={submit}>
        <div className="field">
          <label htmlFor="setup-token">Admin token</label>
          <small id="setup-token-help">Printed once in the server's output at first start. It is not stored by this page.</small>
          <input
            id="setup-token"
            name="admin-token"
            type="password"
            autoComplete="off"
            autoCapitalize="none"
            spellCheck={false}
            required
            aria-describedby="setup-token-help"
            aria-invalid={tried && !tokenOk}
            value={token}
            onChange={(e) => setToken(e.target.value)}
            disabled={done !== null}
          />
          {tried && !tokenOk && !done ? <small className="bad">That does not look like a Coffer token (cof_…_…). Copy the whole line the server printed.</small> : null}
        </div>
        <PasswordFields password={password} confirm={confirm} onPassword={setPassword} onConfirm={setConfirm} username="admin" label="New admin password" confirmLabel="Confirm password" />
        <ErrorNotice error={error} />
        <button type="submit" className="button primary" disabled={busy !== "" || done !== null}>
          {busy === "password" ? "Setting the password…" : busy === "signin" ? "Signing in…" : "Set password and sign in"}
        </button>
        <p className="visually-hidden" role="status" aria-live="polite">
          {busy === "password" ? "Setting the password" : busy === "signin" ? "Signing in" : ""}
        </p>
      </form>
    </AuthShell>
  );
}
