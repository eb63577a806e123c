import { useEffect, useState, type FormEvent } from "react";
import { api } from "../../api/client";
import { useMe, useSession } from "../../app/session";
import { useApi } from "../../app/useApi";
import { CopyButton } from "../../components/CopyButton";
import { ErrorNotice } from "../../components/ErrorNotice";
import { Loading } from "../../components/Loading";
import { useStepUp } from "../../components/StepUp";
import { RecoveryCodes } from "./RecoveryCodes";
import { groupSecret, otpauthLabel } from "./recovery";
import type { TotpEnrolment, TwoFactorStatus } from "./types";

function QrCode({ uri }: { uri: string }) {
  const [src, setSrc] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    let live = true;
    import("qrcode")
      .then((qr) => qr.toDataURL(uri, { errorCorrectionLevel: "M", margin: 1, width: 200 }))
      .then((url) => live && setSrc(url))
      .catch((e: unknown) => live && setError(e));
    return () => {
      live = false;
    };
  }, [uri]);
  if (error) {
    return <p className="muted">The QR code could not be drawn; type the key below into your app instead.</p>;
  }
  return src ? <img className="qr" src={src} width={216} height={216} alt="QR code to scan with your authenticator app" /> : <Loading label="Drawing the QR code…" />;
}

export function TwoFactorSection() {
  const me = useMe();
  const { reload: reloadMe } = useSession();
  const status = useApi((signal) => api.get<TwoFactorStatus>("/api/v1/auth/2fa", undefined, signal), []);
  const [enrolment, setEnrolment] = useState<TotpEnrolment | null>(null);
  const [code, setCode] = useState("");
  const [codes, setCodes] = useState<string[] | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [message, setMessage] = useState("");
  const stepUp = useStepUp();

  const begin = async () => {
    setBusy(true);
    setError(null);
    setMessage("");
    try {
      setEnrolment(await api.post<TotpEnrolment>("/api/v1/auth/2fa/totp"));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  const confirm = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const result = await api.post<{ recovery_codes: string[] }>("/api/v1/auth/2fa/totp/confirm", { code: code.replace(/\s+/g, "") });
      setEnrolment(null);
      setCode("");
      setCodes(result.recovery_codes);
      setMessage("Two-factor authentication is on.");
      status.reload();
      void reloadMe().catch(() => null);
    } catch (e) {
      setError(e);
      setCode("");
    } finally {
      setBusy(false);
    }
  };

  const newCodes = async () => {
    setError(null);
    setMessage("");
    try {
      const result = await stepUp.confirm(
        (proof) => api.post<{ recovery_codes: string[] }>("/api/v1/auth/2fa/recovery-codes", {}, proof ? { stepUp: proof } : {}),
        "New recovery codes replace the old ones, which stop working at once.",
        true,
      );
      if (result) {
        setCodes(result.recovery_codes);
        status.reload();
      }
    } catch (e) {
      setError(e);
    }
  };

  const disable = async () => {
    setError(null);
    setMessage("");
    try {
      const done = await stepUp.confirm(
        async (proof) => {
          await api.delete("/api/v1/auth/2fa/totp", proof ? { stepUp: proof } : {});
          return true;
        },
        "Turning off the authenticator app removes it and your recovery codes. Sensitive actions will then need a passkey.",
        true,
      );
      if (done) {
        setMessage("Two-factor authentication with an authenticator app is off.");
        status.reload();
        void reloadMe().catch(() => null);
      }
    } catch (e) {
      setError(e);
    }
  };

  const s = status.data;
  return (
    <section className="card stack" aria-labelledby="twofa-title">
      <div className="section-head">
        <h2 id="twofa-title">Two-factor authentication</h2>
        {s ? <span className={`badge ${s.totp_enabled ? "ok" : "warn"}`}>{s.totp_enabled ? "On" : "Off"}</span> : null}
      </div>
      <p className="visually-hidden" role="status" aria-live="polite">
        {message}
      </p>
      {message ? <p className="good">{message}</p> : null}
      {status.loading && !s ? <Loading label="Reading your second factors…" /> : null}
      <ErrorNotice error={status.error} onRetry={status.reload} />
      {codes ? <RecoveryCodes codes={codes} username={me.username} onDone={() => setCodes(null)} /> : null}
      {s && !codes && !s.totp_enabled && !enrolment ? (
        <div className="stack-tight">
          <p>
            Protect your account with a code from an authenticator app (such as Aegis, Google Authenticator, 1Password or Authy) in addition to
            your password. You need it for sensitive actions such as adding an exchange key, creating a token that can trade, or unfreezing.
          </p>
          <div>
            <button type="button" className="button primary" onClick={() => void begin()} disabled={busy}>
              {busy ? "Preparing…" : "Set up an authenticator app"}
            </button>
          </div>
        </div>
      ) : null}
      {enrolment ? (
        <div className="stack">
          <ol className="steps">
            <li>Scan this QR code with your authenticator app, or type the key into it.</li>
            <li>Enter the six-digit code the app shows to finish.</li>
          </ol>
          <div className="row align-start">
            <QrCode uri={enrolment.otpauth_uri} />
            <div className="stack-tight min0">
              <p className="muted">{otpauthLabel(enrolment.otpauth_uri)}</p>
              <p id="totp-key-label">Key for manual entry ({enrolment.digits} digits, every {enrolment.period} s, {enrolment.algorithm}):</p>
              <p className="secret" aria-labelledby="totp-key-label">
                {groupSecret(enrolment.secret)}
              </p>
              <div>
                <CopyButton value={enrolment.secret} label="Copy key" />
              </div>
            </div>
          </div>
          <form className="stack-tight" onSubmit={confirm}>
            <div className="field">
              <label htmlFor="totp-confirm-code">Code from your authenticator app</label>
              <input
                id="totp-confirm-code"
                name="totp-code"
                inputMode="numeric"
                autoComplete="one-time-code"
                pattern="[0-9 ]{6,7}"
                maxLength={7}
                required
                value={code}
                onChange={(e) => setCode(e.target.value)}
              />
            </div>
            <div className="row">
              <button type="submit" className="button primary" disabled={busy}>
                {busy ? "Checking…" : "Turn on two-factor authentication"}
              </button>
              <button type="button" className="button secondary" onClick={() => { setEnrolment(null); setCode(""); }}>
                Cancel
              </button>
            </div>
          </form>
        </div>
      ) : null}
      {s && s.totp_enabled && !codes ? (
        <div className="stack-tight">
          <p>Your authenticator app is set up. Sign-in and sensitive actions ask for its code.</p>
          <p className={s.recovery_codes_left <= 3 ? "warn-text" : "muted"}>
            {s.recovery_codes_left} recovery code{s.recovery_codes_left === 1 ? "" : "s"} left
            {s.recovery_codes_left <= 3 ? " — make new ones before you run out." : "."}
          </p>
          <div className="row">
            <button type="button" className="button secondary" onClick={() => void newCodes()}>
              New recovery codes
            </button>
            <button type="button" className="button secondary danger-outline" onClick={() => void disable()}>
              Turn off two-factor authentication
            </button>
          </div>
        </div>
      ) : null}
      <ErrorNotice error={error} />
      {stepUp.element}
    </section>
  );
}
