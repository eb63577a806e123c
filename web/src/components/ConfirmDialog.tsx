import type { ReactNode } from "react";
import { Dialog } from "./Dialog";
import { ErrorNotice } from "./ErrorNotice";

/**
 * The confirmation before an action that cannot be taken back (freeze, seal, revoke, remove, cancel orders): what will
 * happen, the error of a failed try, the action's button and a way out. While the action runs both buttons are
 * disabled and the action's button says what is happening. `after` is rendered inside the dialog below the buttons,
 * for a step-up prompt the action may open.
 */
export function ConfirmDialog({
  open = true,
  title,
  onClose,
  onConfirm,
  busy,
  error,
  confirmLabel,
  busyLabel,
  cancelLabel = "Cancel",
  children,
  after,
}: {
  open?: boolean;
  title: string;
  onClose: () => void;
  onConfirm: () => void | Promise<void>;
  busy: boolean;
  error: unknown;
  confirmLabel: string;
  busyLabel: string;
  cancelLabel?: string;
  children: ReactNode;
  after?: ReactNode;
}) {
  return (
    <Dialog open={open} title={title} onClose={onClose}>
      <div className="stack">
        {children}
        <ErrorNotice error={error} />
        <div className="row">
          <button type="button" className="button danger" onClick={() => void onConfirm()} disabled={busy}>
            {busy ? busyLabel : confirmLabel}
          </button>
          <button type="button" className="button secondary" onClick={onClose} disabled={busy}>
            {cancelLabel}
          </button>
        </div>
      </div>
      {after}
    </Dialog>
  );
}
