import { useEffect, useRef, useState, type FormEvent } from "react";
import { Link, useNavigate, useSearchParams } from "react-router-dom";
import { api, ApiError } from "../../api/client";
import { getAssertion, passkeysSupported } from "../../api/webauthn";
import { useSession } from "../../app/session";
import { ErrorNotice } from "../../components/ErrorNotice";
import { AuthShell, safeNext } from "./AuthShell";

type Step = "password" | "code" | "passkey-only";

export default function SignInPage() {
  const [params] = useSearchParams();
  const next = safeNext(params.get("next"));
  const navigate = useNavigate();
  const { me, reload } = useSession();
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [code, setCode] = useState("");
  const [useRecovery, setUseRecovery] = useState(false);
  const [step, setStep] = useState<Step>("password");
  const [busy, setBusy] = useState<"" | "password" | "passkey">("");
  const [error, setError] = useState<unknown>(null);
  const [frozen, setFrozen] = useState(false);
  const codeRef = useRef<HTMLInputElement>(null);

  // Already signed in (another tab, or back button): go on.
  useEffect(() => {
    if (me) {
      navigate(next, { replace: true });
    }
  }, [me, navigate, next]);

  useEffect(() => {
    if (step === "code") {
      codeRef.current?.focus();
    }
  }, [step, useRecovery]);

  const finish = async () => {
    const who = await reload();
    if (who) {
      navigate(next, { replace: true });
    }
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy("password");
    setError(null);
    setFrozen(false);
    try {
      const body: Record<string, string> = { username: username.trim(), password };
      if (step === "code" && code.trim()) {
        body[useRecovery ? "recovery_code" : "totp_code"] = code.trim();
      }
      await api.post("/api/v1/auth/signin", body, { sessionCookie: true });
      setPassword("");
      setCode("");
      await finish();
    } catch (e) {
      if (e instanceof ApiError && e.slug === "second-factor-required") {
        if (/passkey/i.test(e.problem.detail ?? "")) {
          setStep("passkey-only");
        } else {
          if (step === "code") {
            setError(e);
          }
          setStep("code");
        }
      } else {
        if (e instanceof ApiError && e.slug === "account-frozen") {
          setFrozen(true);
        }
        setError(e);
        if (step === "code") {
          setCode("");
        }
      }
    } finally {
      setBusy("");
    }
  };

  const passkey = async () => {
    setBusy("passkey");
    setError(null);
    setFrozen(false);
    try {
      const { options } = await api.post<{ options: unknown }>("/api/v1/auth/passkeys/signin/begin", {}, { sessionCookie: true });
      const credential = await getAssertion(options);
      await api.post("/api/v1/auth/passkeys/signin", { credential }, { sessionCookie: true });
      setPassword("");
      await finish();
    } catch (e) {
      if (e instanceof ApiError && e.slug === "account-frozen") {
        setFrozen(true);
      }
      setError(e);
    } finally {
      setBusy("");
    }
  };

  const startOver = () => {
    setStep("password");
    setCode("");
    setPassword("");
    setError(null);
  };

  return (
    <AuthShell
      title="Sign in"
      intro={<p>Your exchange keys stay in Coffer's vault; signing in opens your portfolio and trading.</p>}
      footer={
        <ul>
          <li>
            Invited? <Link to="/signup">Create your account with an invitation</Link>
          </li>
          <li>
            Frozen? <Link to="/unfreeze">Unfreeze your account</Link>
          </li>
          <li>
            First start? <Link to="/setup">Set up the admin</Link>
          </li>
        </ul>
      }
    >
      <form className="stack" onSubmit={submit} noValidate={false}>
        <div className="field">
          <label htmlFor="signin-username">Username</label>
          <input
            id="signin-username"
            name="username"
            autoComplete="username webauthn"
            autoCapitalize="none"
            spellCheck={false}
            required
            value={username}
            readOnly={step !== "password"}
            onChange={(e) => setUsername(e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor="signin-password">Password</label>
          <input
            id="signin-password"
            name="password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            readOnly={step !== "password"}
            onChange={(e) => setPassword(e.target.value)}
          />
        </div>
        {step === "code" ? (
          <div className="field">
            <label htmlFor="signin-code">{useRecovery ? "Recovery code" : "Code from your authenticator app"}</label>
            <small id="signin-code-help">
              {useRecovery
                ? "One of the ten recovery codes you saved when you set up two-factor authentication. Each works once."
                : "The six digits your authenticator app shows for Coffer now."}
            </small>
            <input
              ref={codeRef}
              id="signin-code"
              name={useRecovery ? "recovery-code" : "totp-code"}
              autoComplete="one-time-code"
              inputMode={useRecovery ? "text" : "numeric"}
              pattern={useRecovery ? undefined : "[0-9 ]{6,7}"}
              autoCapitalize="none"
              spellCheck={false}
              required
              aria-describedby="signin-code-help"
              value={code}
              onChange={(e) => setCode(e.target.value)}
            />
            <button type="button" className="link-button" onClick={() => { setUseRecovery(!useRecovery); setCode(""); }}>
              {useRecovery ? "Use the code from your authenticator app instead" : "Use a recovery code instead"}
            </button>
          </div>
        ) : null}
        {step === "passkey-only" ? (
          <div className="notice notice-warn" role="status">
            <p className="notice-what">Your password is right. This account's second factor is a passkey.</p>
            <p>Use “Sign in with a passkey” below to finish.</p>
          </div>
        ) : null}
        <ErrorNotice error={error} />
        {frozen ? (
          <p>
            <Link to="/unfreeze" className="button secondary">
              Unfreeze your account
            </Link>
          </p>
        ) : null}
        <div className="row">
          {step !== "passkey-only" ? (
            <button type="submit" className="button primary" disabled={busy !== ""}>
              {busy === "password" ? "Signing in…" : "Sign in"}
            </button>
          ) : null}
          {step !== "password" ? (
            <button type="button" className="button secondary" onClick={startOver}>
              Start over
            </button>
          ) : null}
        </div>
      </form>
      {passkeysSupported() ? (
        <div className="stack divider-top">
          <p className="muted">Or, with a passkey on this device or your phone (no password needed):</p>
          <button type="button" className={step === "passkey-only" ? "button primary" : "button secondary"} onClick={() => void passkey()} disabled={busy !== ""}>
            {busy === "passkey" ? "Waiting for your passkey…" : "Sign in with a passkey"}
          </button>
        </div>
      ) : null}
      <p className="visually-hidden" role="status" aria-live="polite">
        {busy === "password" ? "Signing in" : busy === "passkey" ? "Waiting for your passkey" : ""}
      </p>
    </AuthShell>
  );
}
