import { useState, type FormEvent } from "react";
import { Link, useLocation } from "react-router-dom";
import { api } from "../../api/client";
import { getAssertion, passkeysSupported } from "../../api/webauthn";
import { useSession } from "../../app/session";
import { ErrorNotice } from "../../components/ErrorNotice";
import { AuthShell } from "./AuthShell";

type Factor = "totp" | "recovery" | "passkey";

export default function UnfreezePage() {
  const justFrozen = useLocation().pathname === "/frozen";
  const { reload } = useSession();
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [factor, setFactor] = useState<Factor>("totp");
  const [code, setCode] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const body: Record<string, unknown> = { username: username.trim(), password };
      if (factor === "passkey") {
        const { options } = await api.post<{ options: unknown }>("/api/v1/account/unfreeze/begin");
        body.passkey = await getAssertion(options);
      } else {
        body[factor === "totp" ? "totp_code" : "recovery_code"] = code.trim();
      }
      await api.post("/api/v1/account/unfreeze", body, { sessionCookie: true });
      setPassword("");
      setCode("");
      await reload().catch(() => null);
      setDone(true);
    } catch (e) {
      setError(e);
      setCode("");
    } finally {
      setBusy(false);
    }
  };

  if (done) {
    return (
      <AuthShell title="Your account is unfrozen">
        <div className="stack" role="status">
          <p>You are signed in again. The freeze revoked every old session, token and app, and they stay revoked.</p>
          <p>
            Your exchange keys were locked too: each connection now asks for its key to be entered again before Coffer signs anything with
            it. Apps and bots need new tokens.
          </p>
        </div>
        <div className="row">
          <Link to="/exchanges" className="button primary">
            Re-enter exchange keys
          </Link>
          <Link to="/" className="button secondary">
            Go to the dashboard
          </Link>
        </div>
      </AuthShell>
    );
  }

  return (
    <AuthShell
      title={justFrozen ? "Your account is frozen" : "Unfreeze your account"}
      intro={
        <div className="stack-tight">
          {justFrozen ? <p role="status">Done: every browser session and every token and app of your account was revoked at once.</p> : null}
          <p>
            While frozen nobody can sign in or trade as you, and your exchange keys stay locked in the vault. When you are sure your account is
            safe (for example after changing your password elsewhere, or finding the lost phone), unfreeze it with your password and your
            second factor.
          </p>
        </div>
      }
      footer={
        <ul>
          <li>
            Not frozen? <Link to="/signin">Sign in</Link>
          </li>
          <li>Lost your second factor too? Ask an admin of this Coffer to unlock your account.</li>
        </ul>
      }
    >
      <form className="stack" onSubmit={submit}>
        {justFrozen ? <h2>Unfreeze</h2> : null}
        <div className="field">
          <label htmlFor="unfreeze-username">Username</label>
          <input id="unfreeze-username" name="username" autoComplete="username" autoCapitalize="none" spellCheck={false} required value={username} onChange={(e) => setUsername(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="unfreeze-password">Password</label>
          <input id="unfreeze-password" name="password" type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
        </div>
        <fieldset>
          <legend>Second factor</legend>
          <div className="stack-tight">
            <label className="check">
              <input type="radio" name="factor" value="totp" checked={factor === "totp"} onChange={() => setFactor("totp")} />
              Code from my authenticator app
            </label>
            <label className="check">
              <input type="radio" name="factor" value="recovery" checked={factor === "recovery"} onChange={() => setFactor("recovery")} />
              A recovery code
            </label>
            {passkeysSupported() ? (
              <label className="check">
                <input type="radio" name="factor" value="passkey" checked={factor === "passkey"} onChange={() => setFactor("passkey")} />
                My passkey
              </label>
            ) : null}
          </div>
        </fieldset>
        {factor !== "passkey" ? (
          <div className="field">
            <label htmlFor="unfreeze-code">{factor === "totp" ? "Code from your authenticator app" : "Recovery code"}</label>
            <input
              id="unfreeze-code"
              name="code"
              autoComplete="one-time-code"
              inputMode={factor === "totp" ? "numeric" : "text"}
              autoCapitalize="none"
              spellCheck={false}
              required
              value={code}
              onChange={(e) => setCode(e.target.value)}
            />
          </div>
        ) : (
          <p className="muted">When you press Unfreeze, your browser asks for your passkey.</p>
        )}
        <ErrorNotice error={error} />
        <button type="submit" className="button primary" disabled={busy}>
          {busy ? "Unfreezing…" : "Unfreeze"}
        </button>
        <p className="visually-hidden" role="status" aria-live="polite">
          {busy ? "Unfreezing" : ""}
        </p>
      </form>
    </AuthShell>
  );
}
