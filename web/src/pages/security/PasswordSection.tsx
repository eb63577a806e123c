import { useState, type FormEvent } from "react";
import { api } from "../../api/client";
import { useMe } from "../../app/session";
import { ErrorNotice } from "../../components/ErrorNotice";
import { PasswordFields, passwordsValid } from "../../components/PasswordFields";

export function PasswordSection() {
  const me = useMe();
  const [current, setCurrent] = useState("");
  const [password, setPassword] = useState("");
  const [confirm, setConfirm] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!passwordsValid(password, confirm)) {
      return;
    }
    setBusy(true);
    setError(null);
    setDone(false);
    try {
      await api.post("/api/v1/auth/password", { current_password: current, new_password: password });
      setCurrent("");
      setPassword("");
      setConfirm("");
      setDone(true);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card stack" aria-labelledby="password-title">
      <h2 id="password-title">Password</h2>
      <form className="stack" onSubmit={submit}>
        <input type="text" name="username" autoComplete="username" value={me.username} readOnly hidden />
        <div className="field">
          <label htmlFor="current-password">Current password</label>
          <input id="current-password" name="current-password" type="password" autoComplete="current-password" required value={current} onChange={(e) => setCurrent(e.target.value)} />
        </div>
        <PasswordFields password={password} confirm={confirm} onPassword={setPassword} onConfirm={setConfirm} username={me.username} label="New password" confirmLabel="Confirm new password" />
        <ErrorNotice error={error} />
        <p role="status" aria-live="polite" className={done ? "good" : "visually-hidden"}>
          {done ? "Your password is changed. Use the new one next time you sign in." : ""}
        </p>
        <div>
          <button type="submit" className="button primary" disabled={busy || !passwordsValid(password, confirm) || !current}>
            {busy ? "Changing…" : "Change password"}
          </button>
        </div>
      </form>
    </section>
  );
}
