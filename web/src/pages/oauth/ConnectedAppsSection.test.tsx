import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { button, click, fakeDialogs, render } from "../../test/dom";
import { fakeServer, problem, until, type Routes } from "../../test/server";
import { ConnectedAppsSection } from "./ConnectedAppsSection";
import type { Grant } from "./types";

const GRANT: Grant = {
  accessor: "acc_g1",
  client_id: "app_1",
  app_name: "Tax tool",
  app_owner: "bob",
  grant_type: "authorization_code",
  scopes: ["portfolio:read", "orders:read"],
  trading: { exchanges: null, symbols: null, max_order_notional: 250, price_band_percent: null, daily_volume_cap: null },
  dpop_bound: true,
  created_at: "2026-01-01T00:00:00Z",
  expires_at: "2026-04-01T00:00:00Z",
  last_used_at: null,
};

let undoDialogs: () => void;
beforeEach(() => {
  undoDialogs = fakeDialogs();
});
afterEach(() => {
  undoDialogs();
  vi.unstubAllGlobals();
});

/** The section over a server whose list answers `grants[0]`, then `grants[1]` ... (the last one from then on). */
async function section(grants: Grant[][], routes: Routes = {}) {
  let reads = 0;
  const server = fakeServer({ "GET /api/v1/oauth/grants": () => ({ body: { grants: grants[Math.min(reads++, grants.length - 1)] } }), ...routes });
  const host = await render(<ConnectedAppsSection currency="EUR" />);
  await until(() => !host.querySelector(".loading"));
  return { host, ...server };
}

describe("ConnectedAppsSection", () => {
  it("lists each app the user approved: who made it, what it may do, its limits, when it was granted, used and expires", async () => {
    const { host } = await section([[GRANT]]);
    const row = host.querySelector("tbody tr")!;
    const cell = (label: string) => row.querySelector(`td[data-label="${label}"]`)?.textContent;
    expect(cell("App")).toContain("Tax tool");
    expect(cell("App")).toContain("by bob");
    expect(cell("App")).toContain("DPoP-bound");
    expect(cell("May")).toBe("Read the portfolio, Read orders and trades");
    expect(cell("Limits")).toBe("At most 250 EUR per order");
    expect(cell("Last used")).toBe("never");
    expect(row.querySelector('td[data-label="Granted"] time')?.getAttribute("datetime")).toBe(GRANT.created_at);
    expect(row.querySelector('td[data-label="Expires"] time')?.getAttribute("datetime")).toBe(GRANT.expires_at);
  });

  it("says when there are none", async () => {
    const { host } = await section([[]]);
    expect(host.textContent).toContain("No connected apps.");
    expect(host.querySelector("table")).toBeNull();
  });

  it("revokes after a confirmation, says how many tokens went, and reads the list again", async () => {
    const { host, calls, sent } = await section([[GRANT], []], { "POST /api/v1/oauth/grants/acc_g1/revoke": { body: { revoked: 3 } } });

    await click(button(host, "Revoke"));
    const dialog = host.querySelector("dialog[open]")!;
    expect(dialog.querySelector("h2")?.textContent).toBe("Disconnect Tax tool?");
    expect(dialog.textContent).toContain("every access and refresh token it holds is revoked");
    expect(sent().filter((s) => s.startsWith("POST"))).toEqual([]); // Nothing happens before the confirmation.

    await click(button(dialog as HTMLElement, "Revoke access"));
    await until(() => host.textContent!.includes("No connected apps."));

    const revoke = calls.filter((c) => c.method === "POST");
    expect(revoke.map((c) => c.path)).toEqual(["/api/v1/oauth/grants/acc_g1/revoke"]);
    expect(revoke[0]!.headers.get("X-Coffer-Antiforgery")).toBe("antiforgery-token");
    expect(host.querySelector(".notice-ok")?.textContent).toBe("Disconnected Tax tool: 3 token(s) revoked, on every node at once.");
    expect(sent().filter((s) => s === "GET /api/v1/oauth/grants")).toHaveLength(2);
  });

  it("keeps the app and shows why when revoking fails", async () => {
    const { host } = await section([[GRANT]], { "POST /api/v1/oauth/grants/acc_g1/revoke": problem(503, "audit-unavailable", "The audit log cannot be written.") });
    await click(button(host, "Revoke"));
    const dialog = host.querySelector("dialog[open]") as HTMLElement;
    await click(button(dialog, "Revoke access"));
    await until(() => Boolean(dialog.querySelector('[role="alert"]')));
    expect(dialog.querySelector('[role="alert"]')?.textContent).toContain("nothing was done");
    expect(host.querySelector("dialog[open]")).not.toBeNull();
    expect(host.querySelector("tbody tr")).not.toBeNull();
  });
});
