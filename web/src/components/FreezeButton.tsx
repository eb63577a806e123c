import { useState } from "react";
import { api } from "../api/client";
import { ConfirmDialog } from "./ConfirmDialog";

/**
 * The user's break-glass (DESIGN §4): one tap opens the confirmation, a second freezes. Every session and token of the
 * user is revoked at once and trading stops until they unfreeze with password and second factor.
 */
export function FreezeButton({ label = "Freeze", className = "button danger freeze" }: { label?: string; className?: string } = {}) {
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const freeze = async () => {
    setBusy(true);
    setError(null);
    try {
      await api.post("/api/v1/account/freeze");
      setOpen(false);
      // A full load of the frozen page: the freeze revokes this session at once, so other calls of the page may meet
      // 401 before this answer arrives and the sign-in guard unmounts this component; a router navigation from here
      // would then be lost.
      window.location.replace("/frozen");
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <button type="button" className={className} onClick={() => setOpen(true)}>
        {label}
      </button>
      <ConfirmDialog open={open} title="Freeze your account?" onClose={() => setOpen(false)} onConfirm={freeze} busy={busy} error={error} confirmLabel="Freeze now" busyLabel="Freezing…">
        <p>
          This signs out every browser and revokes every token and app at once, and blocks trading. Your exchange keys stay
          locked in the vault. To unfreeze you need your password and your second factor.
        </p>
      </ConfirmDialog>
    </>
  );
}
