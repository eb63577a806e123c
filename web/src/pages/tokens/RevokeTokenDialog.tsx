import { useState } from "react";
import { api } from "../../api/client";
import { ConfirmDialog } from "../../components/ConfirmDialog";
import type { TokenInfo } from "./types";

/**
 * The confirmation before revoking a token, from the list or from the token's own page. Revoking takes every token
 * made from it too; `onRevoked` gets how many the server revoked in all (0 when it already was).
 */
export function RevokeTokenDialog({ token: t, current, onClose, onRevoked }: { token: TokenInfo; current: boolean; onClose: () => void; onRevoked: (revoked: number) => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const revoke = async () => {
    setBusy(true);
    setError(null);
    try {
      const result = await api.post<{ revoked: number }>(`/api/v1/tokens/${encodeURIComponent(t.accessor)}/revoke`);
      onRevoked(result.revoked);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <ConfirmDialog title={`Revoke ${t.display_name || t.accessor}?`} onClose={onClose} onConfirm={revoke} busy={busy} error={error} confirmLabel="Revoke" busyLabel="Revoking…" cancelLabel="Keep it">
      <p>It stops working at once, on every node, and so does every token made from it.</p>
      {current ? <p className="notice notice-warn">This is the session of this browser: you will be signed out.</p> : null}
      {t.kind === "credential" ? <p className="notice notice-warn">This holds an exchange key: its connection stops working until the key is replaced.</p> : null}
    </ConfirmDialog>
  );
}
