import { describe, expect, it } from "vitest";
import { button, render } from "../../test/dom";
import { AllowListAddress } from "./AllowListAddress";
import { EGRESS_UNKNOWN, EGRESS_UNSET } from "./exchanges";

describe("AllowListAddress", () => {
  it("shows the exact address with a button to copy it", async () => {
    const host = await render(<AllowListAddress egress={{ kind: "known", ip: "203.0.113.7" }} loading={false} />);
    expect(host.querySelector(".mono")?.textContent).toBe("203.0.113.7");
    expect(button(host, "Copy address").type).toBe("button");
    expect(host.textContent).not.toContain("COFFER_EGRESS_IP");
  });

  it("says what to do when the operator has not set COFFER_EGRESS_IP", async () => {
    const host = await render(<AllowListAddress egress={{ kind: "unset" }} loading={false} />);
    expect(host.textContent).toBe("This server has not been told its outgoing address (COFFER_EGRESS_IP): ask your operator, or skip the IP restriction on the key and add it later.");
    expect(host.textContent).toBe(EGRESS_UNSET);
    expect(host.querySelector("button")).toBeNull();
  });

  it("waits for the setup, then says the address is unknown if it never came", async () => {
    const waiting = await render(<AllowListAddress egress={{ kind: "unknown" }} loading />);
    expect(waiting.querySelector('[role="status"]')?.textContent).toMatch(/outgoing address/);
    const failed = await render(<AllowListAddress egress={{ kind: "unknown" }} loading={false} />);
    expect(failed.textContent).toBe(EGRESS_UNKNOWN);
  });
});
