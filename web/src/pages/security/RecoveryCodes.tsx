import { useState } from "react";
import { CopyButton } from "../../components/CopyButton";
import { recoveryCodesFile } from "./recovery";

/** Ten recovery codes, shown this once: copy, download, and say they were saved. */
export function RecoveryCodes({ codes, username, onDone }: { codes: string[]; username: string; onDone: () => void }) {
  const [saved, setSaved] = useState(false);
  const download = () => {
    const url = URL.createObjectURL(new Blob([recoveryCodesFile(username, codes)], { type: "text/plain" }));
    const a = document.createElement("a");
    a.href = url;
    a.download = `coffer-recovery-codes-${username}.txt`;
    document.body.appendChild(a);
    a.click();
    a.remove();
    window.setTimeout(() => URL.revokeObjectURL(url), 1000);
  };
  return (
    <div className="stack" role="region" aria-labelledby="recovery-title">
      <h3 id="recovery-title">Your recovery codes</h3>
      <div className="notice notice-warn">
        <p className="notice-what">Save these now: they are shown only this once.</p>
        <p>Each code signs you in once if you lose your phone. Keep them offline, e.g. printed or in a password manager.</p>
      </div>
      <ol className="codes" aria-label="Recovery codes">
        {codes.map((c) => (
          <li key={c}>{c}</li>
        ))}
      </ol>
      <div className="row">
        <CopyButton value={codes.join("\n")} label="Copy codes" />
        <button type="button" className="button secondary" onClick={download}>
          Download codes
        </button>
      </div>
      <label className="check">
        <input type="checkbox" checked={saved} onChange={(e) => setSaved(e.target.checked)} />I have saved my recovery codes
      </label>
      <button type="button" className="button primary" disabled={!saved} onClick={onDone}>
        Done
      </button>
    </div>
  );
}
