// Rendering React components in Vitest's jsdom without a testing library: React's own act() and a root per test.
import { act, type ReactElement } from "react";
import { createRoot, type Root } from "react-dom/client";
import { afterEach } from "vitest";

// act() warns unless the environment says it is a test.
(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

let mounted: { host: HTMLElement; root: Root }[] = [];

afterEach(() => {
  for (const { host, root } of mounted) {
    act(() => root.unmount());
    host.remove();
  }
  mounted = [];
});

/** Renders `element` into a fresh element appended to `parent` (the body by default); unmounted after the test. */
export async function render(element: ReactElement, parent: HTMLElement = document.body): Promise<HTMLElement> {
  const host = document.createElement("div");
  parent.appendChild(host);
  const root = createRoot(host);
  mounted.push({ host, root });
  await act(async () => root.render(element));
  return host;
}

/** Clicks and lets React settle, promises included (a click handler that awaits the clipboard or the API). */
export async function click(element: Element | null): Promise<void> {
  if (!(element instanceof HTMLElement)) throw new Error("nothing to click");
  await act(async () => element.click());
}

/** The button whose text is `name`, in `within`. */
export function button(within: HTMLElement, name: string): HTMLButtonElement {
  const found = [...within.querySelectorAll("button")].find((b) => b.textContent === name);
  if (!found) throw new Error(`no button "${name}" in: ${within.innerHTML}`);
  return found;
}

/**
 * jsdom has no modal <dialog> (showModal, close): enough of it for components that open one. Call in beforeEach; it
 * returns the undo for afterEach.
 */
export function fakeDialogs(): () => void {
  const proto = HTMLDialogElement.prototype;
  const saved = { showModal: proto.showModal, close: proto.close };
  proto.showModal = function (this: HTMLDialogElement) {
    this.setAttribute("open", "");
  };
  proto.close = function (this: HTMLDialogElement) {
    this.removeAttribute("open");
    this.dispatchEvent(new Event("close"));
  };
  return () => Object.assign(proto, saved);
}
