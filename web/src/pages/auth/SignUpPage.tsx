import { useState, type FormEvent } from "react";
import { Link, useNavigate, useSearchParams } from "react-router-dom";
import { api } from "../../api/client";
import { useSession } from "../../app/session";
import { ErrorNotice } from "../../components/ErrorNotice";
import { PasswordFields, passwordsValid } from "../../components/PasswordFields";
import { AuthShell } from "./AuthShell";

export default function SignUpPage() {
  const [params] = useSearchParams();
  const fromLink = params.get("invitation") ?? "";
  const [invitation, setInvitation] = useState(fromLink);
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [confirm, setConfirm] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [tried, setTried] = useState(false);
  const { reload } = useSession();
  const navigate = useNavigate();
  const valid = passwordsValid(password, confirm) && username.trim() !== "" && invitation.trim() !== "";

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setTried(true);
    if (!valid) {
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await api.post("/api/v1/auth/signup", { invitation: invitation.trim(), username: username.trim(), password }, { sessionCookie: true });
      let who = await reload();
      if (!who) {
        // The account exists; if sign-up did not open a session, sign in with what was just chosen.
        await api.post("/api/v1/auth/signin", { username: username.trim(), password }, { sessionCookie: true });
        who = await reload();
      }
      setPassword("");
      setConfirm("");
      navigate(who ? "/" : "/signin", { replace: true });
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <AuthShell
      title="Create your account"
      intro={<p>An admin of this Coffer invited you. Choose a username and a password; next, set up two-factor authentication in the Security centre.</p>}
      footer={
        <ul>
          <li>
            Already have an account? <Link to="/signin">Sign in</Link>
          </li>
        </ul>
      }
    >
      <form className="stack" onSubmit={submit}>
        {fromLink ? (
          <p className="badge ok">Invitation from your link</p>
        ) : (
          <div className="field">
            <label htmlFor="signup-invitation">Invitation code</label>
            <small id="signup-invitation-help">Starts with cof_invite_. Ask an admin if you have none.</small>
            <input
              id="signup-invitation"
              name="invitation"
              autoComplete="off"
              autoCapitalize="none"
              spellCheck={false}
              required
              aria-describedby="signup-invitation-help"
              value={invitation}
              onChange={(e) => setInvitation(e.target.value)}
            />
          </div>
        )}
        <div className="field">
          <label htmlFor="signup-username">Username</label>
          <small id="signup-username-help">3 or more letters, digits, dots, dashes or underscores; you sign in with it.</small>
          <input
            id="signup-username"
            name="username"
            autoComplete="username"
            autoCapitalize="none"
            spellCheck={false}
            required
            aria-describedby="signup-username-help"
            value={username}
            onChange={(e) => setUsername(e.target.value)}
          />
        </div>
        <PasswordFields password={password} confirm={confirm} onPassword={setPassword} onConfirm={setConfirm} username={username} />
        {tried && !valid ? (
          <p className="bad" role="alert">
            {invitation.trim() === "" ? "Enter the invitation code. " : ""}
            {username.trim() === "" ? "Choose a username. " : ""}
            {!passwordsValid(password, confirm) ? "The password needs at least 15 characters, typed the same twice." : ""}
          </p>
        ) : null}
        <ErrorNotice error={error} />
        <button type="submit" className="button primary" disabled={busy}>
          {busy ? "Creating your account…" : "Create account"}
        </button>
      </form>
    </AuthShell>
  );
}
