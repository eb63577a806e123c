import { useId } from "react";
import { adviseOnPassword, MIN_PASSWORD_LENGTH } from "../app/password";

/**
 * A new password and its confirmation, with the rules said up front (at least 15 characters, no composition rules)
 * and live hints. `valid` tells the form whether it may submit.
 */
export function PasswordFields({
  password,
  confirm,
  onPassword,
  onConfirm,
  username = "",
  label = "Password",
  confirmLabel = "Confirm password",
}: {
  password: string;
  confirm: string;
  onPassword: (value: string) => void;
  onConfirm: (value: string) => void;
  username?: string;
  label?: string;
  confirmLabel?: string;
}) {
  const id = useId();
  const advice = adviseOnPassword(password, username);
  const mismatch = confirm.length > 0 && confirm !== password;
  return (
    <>
      <div className="field">
        <label htmlFor={`${id}-pw`}>
          <span className="field-label">{label}</span>
        </label>
        <small id={`${id}-rule`}>At least {MIN_PASSWORD_LENGTH} characters. A passphrase of a few unrelated words works well; no symbols are required.</small>
        <input
          id={`${id}-pw`}
          type="password"
          autoComplete="new-password"
          required
          minLength={MIN_PASSWORD_LENGTH}
          value={password}
          aria-describedby={`${id}-rule ${id}-meter`}
          onChange={(e) => onPassword(e.target.value)}
        />
        <div className="meter" id={`${id}-meter`} aria-live="polite">
          <span className={`meter-bar s${advice.strength}`} aria-hidden="true">
            <span />
          </span>
          <span>Strength: {password ? advice.label : "—"}</span>
        </div>
        {password ? (
          <ul className="hints">
            {advice.hints.map((h) => (
              <li key={h.text} className={h.ok ? "good" : "muted"}>
                <span aria-hidden="true">{h.ok ? "✓ " : "○ "}</span>
                <span className="visually-hidden">{h.ok ? "Done: " : "To do: "}</span>
                {h.text}
              </li>
            ))}
          </ul>
        ) : null}
      </div>
      <div className="field">
        <label htmlFor={`${id}-confirm`}>
          <span className="field-label">{confirmLabel}</span>
        </label>
        <input
          id={`${id}-confirm`}
          type="password"
          autoComplete="new-password"
          required
          value={confirm}
          aria-invalid={mismatch}
          aria-describedby={mismatch ? `${id}-mismatch` : undefined}
          onChange={(e) => onConfirm(e.target.value)}
        />
        {mismatch ? (
          <small id={`${id}-mismatch`} className="bad">
            The two passwords are not the same.
          </small>
        ) : null}
      </div>
    </>
  );
}

export function passwordsValid(password: string, confirm: string): boolean {
  return adviseOnPassword(password).acceptable && password === confirm;
}
