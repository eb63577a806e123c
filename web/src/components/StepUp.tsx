import { useCallback, useRef, useState, type FormEvent } from "react";
import { ApiError } from "../api/client";
import { passkeyStepUp, passkeysSupported } from "../api/webauthn";
import { Dialog } from "./Dialog";
import { ErrorNotice } from "./ErrorNotice";

type Action<T> = (proof: string | undefined) => Promise<T>;

interface Pending {
  reason: string;
  resolve: (proof: string | null) => void;
}

/**
 * Sensitive actions need a fresh second factor (DESIGN §4 step-up). `confirm(action, reason)` runs the action; when the
 * server answers `step-up-required` (or `step-up-failed`), it asks for a code and runs it again with the proof. The
 * returned element must be rendered by the caller.
 */
export function useStepUp() {
  const [pending, setPending] = useState<Pending | null>(null);
  const [code, setCode] = useState("");
  const [lastError, setLastError] = useState<unknown>(null);
  const [waiting, setWaiting] = useState(false);
  const inputRef = useRef<HTMLInputElement>(null);

  const ask = useCallback((reason: string, error: unknown) => {
    setCode("");
    setLastError(error);
    return new Promise<string | null>((resolve) => setPending({ reason, resolve }));
  }, []);

  const confirm = useCallback(
    async <T,>(action: Action<T>, reason: string, alwaysAsk = false): Promise<T | null> => {
      let proof: string | undefined;
      if (alwaysAsk) {
        const entered = await ask(reason, null);
        if (entered === null) {
          return null;
        }
        proof = entered;
      }
      for (;;) {
        try {
          return await action(proof);
        } catch (error) {
          if (error instanceof ApiError && (error.slug === "step-up-required" || error.slug === "step-up-failed")) {
            const entered = await ask(reason, error.slug === "step-up-failed" ? error : null);
            if (entered === null) {
              return null;
            }
            proof = entered;
            continue;
          }
          throw error;
        }
      }
    },
    [ask],
  );

  const submit = (event: FormEvent) => {
    event.preventDefault();
    pending?.resolve(`totp=${code.trim()}`);
    setPending(null);
  };
  const withPasskey = async () => {
    setWaiting(true);
    setLastError(null);
    try {
      const proof = await passkeyStepUp();
      pending?.resolve(proof);
      setPending(null);
    } catch (error) {
      setLastError(error);
    } finally {
      setWaiting(false);
    }
  };
  const cancel = () => {
    pending?.resolve(null);
    setPending(null);
  };

  const element = (
    <Dialog open={pending !== null} title="Confirm it is you" onClose={cancel}>
      <form onSubmit={submit} className="stack">
        <p>{pending?.reason}</p>
        <ErrorNotice error={lastError} />
        <label className="field">
          <span>Code from your authenticator app</span>
          <input
            ref={inputRef}
            name="step-up-code"
            inputMode="numeric"
            autoComplete="one-time-code"
            pattern="[0-9]{6}"
            maxLength={6}
            required
            autoFocus
            value={code}
            onChange={(e) => setCode(e.target.value)}
          />
        </label>
        <div className="row">
          <button type="submit" className="button primary" disabled={waiting}>
            Confirm
          </button>
          {passkeysSupported() ? (
            <button type="button" className="button secondary" onClick={() => void withPasskey()} disabled={waiting}>
              {waiting ? "Waiting for your passkey…" : "Use a passkey instead"}
            </button>
          ) : null}
          <button type="button" className="button secondary" onClick={cancel}>
            Cancel
          </button>
        </div>
      </form>
    </Dialog>
  );

  return { confirm, element };
}
