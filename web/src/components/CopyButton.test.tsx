import { act } from "react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { click, render } from "../test/dom";
import { CopyButton } from "./CopyButton";

afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
  vi.useRealTimers();
  document.body.innerHTML = "";
});

function stubClipboard(writeText: ((text: string) => Promise<void>) | undefined) {
  vi.stubGlobal("navigator", { ...navigator, clipboard: writeText ? { writeText } : undefined });
}

/** jsdom has no execCommand; the fallback calls it, so give it one. */
function stubExecCommand(result: boolean | "throws") {
  const exec = vi.fn((command: string) => {
    if (result === "throws") throw new Error(`${command} is not allowed`);
    return result;
  });
  Object.defineProperty(document, "execCommand", { configurable: true, value: exec });
  return exec;
}

async function renderButton(element: Parameters<typeof render>[0], parent?: HTMLElement) {
  const host = await render(element, parent);
  return { button: host.querySelector("button")!, status: host.querySelector('[role="status"]')! };
}

describe("CopyButton", () => {
  it("is a real button named by its label, with an empty polite live region before any copy", async () => {
    stubClipboard(async () => undefined);
    const { button, status } = await renderButton(<CopyButton value="cof_x" label="Copy token" className="button primary" />);
    expect(button.tagName).toBe("BUTTON");
    expect(button.type).toBe("button");
    expect(button.textContent).toBe("Copy token");
    expect(button.className).toBe("button primary");
    expect(status.getAttribute("aria-live")).toBe("polite");
    expect(status.textContent).toBe("");
  });

  it("writes the value with the Clipboard API, says Copied, then shows the label again", async () => {
    vi.useFakeTimers();
    const writeText = vi.fn(async (_text: string) => undefined);
    stubClipboard(writeText);
    const exec = stubExecCommand(true);
    const { button, status } = await renderButton(<CopyButton value="cof_secret" label="Copy key" />);
    await click(button);
    expect(writeText).toHaveBeenCalledWith("cof_secret");
    expect(exec).not.toHaveBeenCalled();
    expect(button.textContent).toBe("Copied");
    expect(status.textContent).toBe("Copied");
    expect(status.className).toBe("visually-hidden");
    await act(async () => vi.advanceTimersByTime(2500));
    expect(button.textContent).toBe("Copy key");
    expect(status.textContent).toBe("");
  });

  it("falls back to a selected text area when the Clipboard API refuses, and removes it afterwards", async () => {
    stubClipboard(() => Promise.reject(new DOMException("Write permission denied.", "NotAllowedError")));
    let copied: string | undefined;
    const exec = stubExecCommand(true);
    exec.mockImplementation(() => {
      const area = document.querySelector("textarea");
      copied = area && area.selectionEnd - area.selectionStart === area.value.length ? area.value : undefined;
      return true;
    });
    const { button, status } = await renderButton(<CopyButton value={"line 1\nline 2"} />);
    await click(button);
    expect(exec).toHaveBeenCalledWith("copy");
    expect(copied).toBe("line 1\nline 2");
    expect(document.querySelector("textarea")).toBeNull();
    expect(status.textContent).toBe("Copied");
  });

  it("falls back when there is no Clipboard API at all (plain http)", async () => {
    stubClipboard(undefined);
    const exec = stubExecCommand(true);
    const { button, status } = await renderButton(<CopyButton value="abc" />);
    await click(button);
    expect(exec).toHaveBeenCalledWith("copy");
    expect(status.textContent).toBe("Copied");
  });

  it("puts the fallback text area inside an open modal dialog, where the rest of the page is inert", async () => {
    stubClipboard(undefined);
    const dialog = document.createElement("dialog");
    document.body.appendChild(dialog);
    let parent: Element | null = null;
    stubExecCommand(true).mockImplementation(() => {
      parent = document.querySelector("textarea")?.parentElement ?? null;
      return true;
    });
    const { button } = await renderButton(<CopyButton value="abc" />, dialog);
    await click(button);
    expect(parent).toBe(dialog);
  });

  it("shows, not only announces, that the user must copy by hand when both ways fail, until the next try", async () => {
    vi.useFakeTimers();
    stubClipboard(() => Promise.reject(new Error("denied")));
    stubExecCommand("throws");
    const { button, status } = await renderButton(<CopyButton value="abc" label="Copy codes" />);
    await click(button);
    expect(button.textContent).toBe("Copy codes");
    expect(status.textContent).toBe("Could not copy: select the text and copy it yourself.");
    expect(status.className).not.toContain("visually-hidden");
    await act(async () => vi.advanceTimersByTime(10_000));
    expect(status.textContent).toBe("Could not copy: select the text and copy it yourself.");
  });
});
