import { useEffect } from "react";
import { useMe } from "../../app/session";
import { FreezeButton } from "../../components/FreezeButton";
import { NotificationsSection } from "./NotificationsSection";
import { PasskeysSection } from "./PasskeysSection";
import { PasswordSection } from "./PasswordSection";
import { SessionsSection } from "./SessionsSection";
import { SignInHistorySection } from "./SignInHistorySection";
import { TwoFactorSection } from "./TwoFactorSection";

const SECTIONS = [
  { id: "freeze-title", label: "Freeze" },
  { id: "twofa-title", label: "Two-factor" },
  { id: "passkeys-title", label: "Passkeys" },
  { id: "sessions-title", label: "Sessions" },
  { id: "signins-title", label: "Sign-in history" },
  { id: "password-title", label: "Password" },
  { id: "notifications-title", label: "Notifications" },
];

export default function SecurityPage() {
  const me = useMe();
  useEffect(() => {
    document.title = "Security centre · Coffer";
  }, []);
  const noSecondFactor = !me.second_factors?.totp && !(me.second_factors?.passkeys > 0);
  return (
    <section className="stack" aria-labelledby="security-title">
      <h1 id="security-title">Security centre</h1>
      <nav aria-label="Security sections" className="jump">
        <ul>
          {SECTIONS.map((s) => (
            <li key={s.id}>
              <a href={`#${s.id}`}>{s.label}</a>
            </li>
          ))}
        </ul>
      </nav>
      {noSecondFactor ? (
        <div className="notice notice-warn" role="status">
          <p className="notice-what">Your account has only a password.</p>
          <p>Set up an authenticator app or a passkey below: Coffer needs a second factor before you can connect exchange keys or create trading tokens.</p>
        </div>
      ) : null}

      <section className="card stack freeze-zone" aria-labelledby="freeze-title">
        <h2 id="freeze-title">Freeze your account</h2>
        <p>
          Lost your phone, or think someone else is signed in? Freezing signs out every browser, revokes every token and app at once, stops
          trading and keeps your exchange keys locked. Unfreeze later with your password and second factor.
        </p>
        <div>
          <FreezeButton label="Freeze my account" className="button danger big" />
        </div>
      </section>

      <TwoFactorSection />
      <PasskeysSection />
      <SessionsSection />
      <SignInHistorySection />
      <PasswordSection />
      <NotificationsSection />
    </section>
  );
}
