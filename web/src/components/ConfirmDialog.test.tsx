import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ApiError } from "../api/client";
import { button, click, fakeDialogs, render } from "../test/dom";
import { ConfirmDialog } from "./ConfirmDialog";

let undoDialogs: () => void;
beforeEach(() => {
  undoDialogs = fakeDialogs();
});
afterEach(() => undoDialogs());

const props = { title: "Remove Main?", confirmLabel: "Remove connection", busyLabel: "Removing…", error: null, busy: false };

describe("ConfirmDialog", () => {
  it("opens as a modal titled by its heading, with what will happen, the action and a way out", async () => {
    const host = await render(
      <ConfirmDialog {...props} onClose={() => undefined} onConfirm={() => undefined}>
        <p>It deletes the key.</p>
      </ConfirmDialog>,
    );
    const dialog = host.querySelector("dialog")!;
    expect(dialog.hasAttribute("open")).toBe(true);
    expect(document.getElementById(dialog.getAttribute("aria-labelledby")!)?.textContent).toBe("Remove Main?");
    expect(dialog.textContent).toContain("It deletes the key.");
    expect(button(host, "Remove connection").className).toBe("button danger");
    expect(button(host, "Cancel").className).toBe("button secondary");
  });

  it("runs the action on confirm and closes on the way out, under the caller's labels", async () => {
    const onConfirm = vi.fn();
    const onClose = vi.fn();
    const host = await render(
      <ConfirmDialog {...props} cancelLabel="Keep it" onClose={onClose} onConfirm={onConfirm}>
        <p>x</p>
      </ConfirmDialog>,
    );
    await click(button(host, "Remove connection"));
    expect(onConfirm).toHaveBeenCalledOnce();
    expect(onClose).not.toHaveBeenCalled();
    await click(button(host, "Keep it"));
    expect(onClose).toHaveBeenCalledOnce();
  });

  it("while busy, says so and lets neither button be pressed", async () => {
    const host = await render(
      <ConfirmDialog {...props} busy onClose={() => undefined} onConfirm={() => undefined}>
        <p>x</p>
      </ConfirmDialog>,
    );
    expect(button(host, "Removing…").disabled).toBe(true);
    expect(button(host, "Cancel").disabled).toBe(true);
  });

  it("shows a failed try's error as an alert, and what comes after the buttons (a step-up prompt)", async () => {
    const error = new ApiError({ type: "about:blank", title: "Conflict", status: 409, detail: "busy" });
    const host = await render(
      <ConfirmDialog {...props} error={error} onClose={() => undefined} onConfirm={() => undefined} after={<p id="after">step-up</p>}>
        <p>x</p>
      </ConfirmDialog>,
    );
    expect(host.querySelector('[role="alert"]')).not.toBeNull();
    expect(host.querySelector("dialog #after")?.textContent).toBe("step-up");
  });

  it("renders nothing of its body while closed", async () => {
    const host = await render(
      <ConfirmDialog {...props} open={false} onClose={() => undefined} onConfirm={() => undefined}>
        <p>It deletes the key.</p>
      </ConfirmDialog>,
    );
    expect(host.querySelector("dialog")!.hasAttribute("open")).toBe(false);
    expect(host.textContent).not.toContain("It deletes the key.");
    expect(host.querySelectorAll("button")).toHaveLength(0);
  });
});
