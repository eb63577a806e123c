import { useState } from "react";
import { api } from "../../api/client";
import { ConfirmDialog } from "../../components/ConfirmDialog";

/** Break-glass for the whole server (DESIGN §3, §4): every key out of memory until a quorum of operators unseals. */
export function SealSection() {
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [sealed, setSealed] = useState(false);

  const seal = async () => {
    setBusy(true);
    setError(null);
    try {
      await api.post("/api/v1/sys/seal");
      setSealed(true);
      setOpen(false);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card stack freeze-zone" aria-labelledby="seal-title">
      <h2 id="seal-title">Seal Coffer</h2>
      <p>
        Sealing is the break-glass for the whole server: it throws every key out of memory at once. Until operators unseal it, Coffer signs
        nothing, trades nothing and answers every request — for every user — with “sealed”.
      </p>
      {sealed ? (
        <div className="notice notice-warn" role="alert">
          <p className="notice-what">Coffer is sealed.</p>
          <p>
            Operators must now unseal it with their shares: each runs <code>coffer operator unseal</code> until the threshold is reached. This
            app will not work until then.
          </p>
        </div>
      ) : (
        <div>
          <button type="button" className="button danger big" onClick={() => setOpen(true)}>
            Seal Coffer…
          </button>
        </div>
      )}
      <ConfirmDialog open={open} title="Seal Coffer now?" onClose={() => setOpen(false)} onConfirm={seal} busy={busy} error={error} confirmLabel="Seal now" busyLabel="Sealing…">
        <p>
          Every key leaves memory and every user is stopped: no sign-in, no portfolio, no trading, on every node. This cannot be undone from
          the app.
        </p>
        <p>
          To bring Coffer back, a quorum of operators must unseal it with their shares (<code>coffer operator unseal</code>). Make sure they
          can be reached.
        </p>
      </ConfirmDialog>
    </section>
  );
}
