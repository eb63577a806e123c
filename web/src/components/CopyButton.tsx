import { useEffect, useRef, useState } from "react";

const COPIED = "Copied";
const COPY_FAILED = "Could not copy: select the text and copy it yourself.";

/**
 * Copies a value (a token, a code, an invitation) to the clipboard and says so: the button's text changes and a
 * polite live region announces "Copied" to screen readers. Where the Clipboard API is missing (plain http, older
 * browsers) or refused (no permission, no user activation), it falls back to copying from a hidden text area; when
 * that fails too, the live region shows, not only announces, that the user must copy the text themselves.
 */
export function CopyButton({ value, label = "Copy", className = "button secondary" }: { value: string; label?: string; className?: string }) {
  const [state, setState] = useState<"idle" | "copied" | "failed">("idle");
  const button = useRef<HTMLButtonElement>(null);
  const timer = useRef<number | undefined>(undefined);
  useEffect(() => () => window.clearTimeout(timer.current), []);

  const copy = async () => {
    let ok = false;
    try {
      if (navigator.clipboard?.writeText) {
        await navigator.clipboard.writeText(value);
        ok = true;
      }
    } catch {
      ok = false;
    }
    if (!ok) {
      // Inside a modal <dialog> the rest of the page is inert, so the text area must go into the dialog to be selectable.
      ok = legacyCopy(value, button.current?.closest("dialog") ?? document.body);
    }
    setState(ok ? "copied" : "failed");
    window.clearTimeout(timer.current);
    if (ok) {
      // "Copied" gives way to the label again; a failure stays until the next try, as the user has to act on it.
      timer.current = window.setTimeout(() => setState("idle"), 2500);
    }
  };

  return (
    <>
      <button ref={button} type="button" className={className} onClick={() => void copy()}>
        {state === "copied" ? COPIED : label}
      </button>
      <span className={state === "failed" ? "small bad" : "visually-hidden"} role="status" aria-live="polite">
        {state === "copied" ? COPIED : state === "failed" ? COPY_FAILED : ""}
      </span>
    </>
  );
}

function legacyCopy(value: string, container: HTMLElement): boolean {
  const area = document.createElement("textarea");
  area.value = value;
  area.setAttribute("readonly", "");
  area.className = "offscreen";
  container.appendChild(area);
  area.select();
  let ok = false;
  try {
    ok = document.execCommand("copy");
  } catch {
    ok = false;
  }
  area.remove();
  return ok;
}
