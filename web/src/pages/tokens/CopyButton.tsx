import { useState } from "react";

/** Copies a value to the clipboard and says so (the value is never stored anywhere else). */
export function CopyValue({ value, label = "Copy" }: { value: string; label?: string }) {
  const [state, setState] = useState<"idle" | "copied" | "failed">("idle");
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
      setState("copied");
    } catch {
      setState("failed");
    }
  };
  return (
    <>
      <button type="button" className="button primary" onClick={copy}>
        {label}
      </button>
      <span aria-live="polite" className="small">
        {state === "copied" ? "Copied to the clipboard." : state === "failed" ? "Could not copy: select the text and copy it yourself." : ""}
      </span>
    </>
  );
}
