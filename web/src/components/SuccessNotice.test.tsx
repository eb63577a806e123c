import { describe, expect, it } from "vitest";
import { render } from "../test/dom";
import { SuccessNotice } from "./SuccessNotice";

describe("SuccessNotice", () => {
  it("keeps its polite live region in the page while there is nothing to say", async () => {
    for (const boxed of [false, true]) {
      const host = await render(<SuccessNotice message={null} boxed={boxed} />);
      const region = host.querySelector('[aria-live="polite"]');
      expect(region).not.toBeNull();
      expect(region!.textContent).toBe("");
    }
  });

  it("shows the message as a line of text, or boxed as a notice", async () => {
    const line = await render(<SuccessNotice message="Passkey deleted." />);
    expect(line.querySelector('[role="status"]')?.className).toBe("good");
    expect(line.textContent).toBe("Passkey deleted.");
    const boxed = await render(<SuccessNotice message="Order cancelled." boxed />);
    expect(boxed.querySelector('[aria-live="polite"] .notice.notice-ok')?.textContent).toBe("Order cancelled.");
  });
});
