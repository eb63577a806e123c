import type { ReactNode } from "react";
import { MemoryRouter, Route, Routes } from "react-router-dom";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { App } from "../../app/App";
import { leaveTo } from "../../app/leave";
import { SessionProvider, useSession } from "../../app/session";
import { button, click, fakeDialogs, render } from "../../test/dom";
import { fakeServer, field, ME, problem, typeInto, until, type Routes as ServerRoutes } from "../../test/server";
import ConsentPage from "./ConsentPage";
import type { AuthorizationRequest } from "./types";

vi.mock("../../app/leave", () => ({ leaveTo: vi.fn() }));

const REQUEST: AuthorizationRequest = {
  id: "req_1",
  app: { client_id: "app_1", name: "Tax tool", type: "confidential", owner: "bob", dpop_bound: true },
  scopes: ["portfolio:read", "orders:write"],
  trading: { exchanges: ["kraken"], symbols: ["BTC/USD"], max_order_notional: 500, price_band_percent: 2, daily_volume_cap: 5000 },
  redirect_uri: "https://tool.example/cb",
  expires_at: "2099-01-01T00:10:00Z",
};

const APPROVED = "https://tool.example/cb?code=c0de&state=s1&iss=https%3A%2F%2Fcoffer.test";
const DENIED = "https://tool.example/cb?error=access_denied&state=s1&iss=https%3A%2F%2Fcoffer.test";

let undoDialogs: () => void;
beforeEach(() => {
  undoDialogs = fakeDialogs();
});
afterEach(() => {
  undoDialogs();
  vi.unstubAllGlobals();
  vi.mocked(leaveTo).mockReset();
});

function SignedIn({ children }: { children: ReactNode }) {
  return useSession().me ? <>{children}</> : null;
}

async function consent(routes: ServerRoutes = {}) {
  const server = fakeServer({ "GET /api/v1/auth/me": { body: ME }, "GET /api/v1/oauth/requests/req_1": { body: REQUEST }, ...routes });
  const host = await render(
    <MemoryRouter initialEntries={["/consent/req_1"]}>
      <SessionProvider>
        <SignedIn>
          <Routes>
            <Route path="/consent/:id" element={<ConsentPage />} />
          </Routes>
        </SignedIn>
      </SessionProvider>
    </MemoryRouter>,
  );
  await until(() => Boolean(host.querySelector("h1")) && !host.querySelector('[role="status"].loading'));
  return { host, ...server };
}

async function enterCode(host: HTMLElement, code: string) {
  await until(() => Boolean(host.querySelector("dialog[open] input[name=step-up-code]")));
  await typeInto(host.querySelector("dialog[open] input[name=step-up-code]"), code);
  await click(button(host.querySelector("dialog[open]")!, "Confirm"));
}

describe("ConsentPage", () => {
  it("shows who is asking, where the browser goes, each scope in words, the limits, the trading warning and the binding", async () => {
    const { host } = await consent();

    expect(host.querySelector("h1")?.textContent).toBe("Allow Tax tool to use your Coffer?");
    const facts = Object.fromEntries([...host.querySelectorAll("dl.kv dt")].map((dt) => [dt.textContent, dt.nextElementSibling?.textContent]));
    expect(facts["Registered by"]).toBe("bob");
    expect(facts["Kind"]).toContain("Confidential");
    expect(facts["Sends you to"]).toBe("https://tool.example");
    expect(facts["Tokens"]).toContain("DPoP");
    expect(host.querySelector("dl.kv time")?.getAttribute("datetime")).toBe(REQUEST.expires_at);
    const scopes = [...host.querySelectorAll(".oa-scopes li strong")].map((s) => s.textContent);
    expect(scopes).toEqual(["Read the portfolio", "Place and cancel orders"]);
    expect(host.querySelector('[role="note"]')?.textContent).toContain("Tax tool could place and cancel orders on your exchanges");
    const limits = [...host.querySelectorAll(".small-list li")].map((li) => li.textContent);
    expect(limits).toEqual(["Only on kraken", "Only BTC/USD", "At most 500 USD per order", "Prices within 2% of the market price", "At most 5,000 USD traded per 24 hours"]);
    expect(host.textContent).toContain("Signed in as alice");
  });

  it("says there are no limits beyond the account's, and warns without a trading scope only when it trades", async () => {
    const { host } = await consent({ "GET /api/v1/oauth/requests/req_1": { body: { ...REQUEST, trading: null, app: { ...REQUEST.app, dpop_bound: false } } } });
    expect(host.textContent).toContain("No trading limits beyond your account's.");
    expect(host.querySelector('[role="note"]')?.textContent).toContain("Approve only if you trust it to trade for you.");
    expect(host.textContent).toContain("Bearer tokens");

    const readOnly = await consent({ "GET /api/v1/oauth/requests/req_1": { body: { ...REQUEST, scopes: ["portfolio:read"], trading: null } } });
    expect(readOnly.host.querySelector('[role="note"]')).toBeNull();
  });

  it("approves with the step-up code in the header, then leaves for the app's redirect", async () => {
    const { host, calls } = await consent({ "POST /api/v1/oauth/requests/req_1/approve": { body: { redirect_to: APPROVED } } });

    await click(button(host, "Approve"));
    expect(calls.some((c) => c.path.endsWith("/approve"))).toBe(false); // The code is asked for first, always.
    await enterCode(host, "123456");
    await until(() => vi.mocked(leaveTo).mock.calls.length > 0);

    const approve = calls.filter((c) => c.path === "/api/v1/oauth/requests/req_1/approve");
    expect(approve).toHaveLength(1);
    expect(approve[0]!.method).toBe("POST");
    expect(approve[0]!.headers.get("Coffer-Step-Up")).toBe("totp=123456");
    expect(approve[0]!.headers.get("X-Coffer-Antiforgery")).toBe("antiforgery-token");
    expect(leaveTo).toHaveBeenCalledWith(APPROVED);
    expect(host.textContent).toContain("Taking you to https://tool.example…");
  });

  it("asks again when the code was wrong, saying so, and sends the new one", async () => {
    let tries = 0;
    const { host, calls } = await consent({
      "POST /api/v1/oauth/requests/req_1/approve": () => (++tries === 1 ? problem(403, "step-up-failed", "The code was wrong.") : { body: { redirect_to: APPROVED } }),
    });

    await click(button(host, "Approve"));
    await enterCode(host, "111111");
    await until(() => Boolean(host.querySelector('dialog[open] [role="alert"]')));
    expect(host.querySelector('dialog[open] [role="alert"]')?.textContent).toContain("The code was wrong");
    expect(leaveTo).not.toHaveBeenCalled();
    await enterCode(host, "222222");
    await until(() => vi.mocked(leaveTo).mock.calls.length > 0);

    expect(calls.filter((c) => c.path.endsWith("/approve")).map((c) => c.headers.get("Coffer-Step-Up"))).toEqual(["totp=111111", "totp=222222"]);
    expect(leaveTo).toHaveBeenCalledWith(APPROVED);
  });

  it("decides nothing when the step-up is cancelled", async () => {
    const { host, sent } = await consent();
    await click(button(host, "Approve"));
    await until(() => Boolean(host.querySelector("dialog[open]")));
    await click(button(host.querySelector("dialog[open]")!, "Cancel"));
    expect(sent().filter((s) => s.startsWith("POST"))).toEqual([]);
    expect(button(host, "Approve").disabled).toBe(false);
  });

  it("denies without a step-up and leaves with the app's error redirect", async () => {
    const { host, calls } = await consent({ "POST /api/v1/oauth/requests/req_1/deny": { body: { redirect_to: DENIED } } });

    await click(button(host, "Deny"));
    await until(() => vi.mocked(leaveTo).mock.calls.length > 0);

    const deny = calls.filter((c) => c.path === "/api/v1/oauth/requests/req_1/deny");
    expect(deny).toHaveLength(1);
    expect(deny[0]!.headers.has("Coffer-Step-Up")).toBe(false);
    expect(leaveTo).toHaveBeenCalledWith(DENIED);
  });

  it("does not go anywhere it did not show", async () => {
    const { host } = await consent({ "POST /api/v1/oauth/requests/req_1/deny": { body: { redirect_to: "https://evil.example/cb?error=access_denied" } } });
    await click(button(host, "Deny"));
    await until(() => Boolean(host.querySelector('[role="alert"]')));
    expect(leaveTo).not.toHaveBeenCalled();
    expect(host.querySelector('[role="alert"]')?.textContent).toContain("somewhere other than https://tool.example");
  });

  it("says an unknown or expired request is gone and what to do", async () => {
    const { host, sent } = await consent({ "GET /api/v1/oauth/requests/req_1": problem(404, "not-found") });
    expect(host.querySelector("h1")?.textContent).toBe("This request is no longer valid");
    expect(host.textContent).toContain("Go back to the app and start connecting it again");
    expect([...host.querySelectorAll("button")].map((b) => b.textContent)).not.toContain("Approve");
    expect(sent().filter((s) => s.startsWith("POST"))).toEqual([]);
  });

  it("says so when the request expired while the page was open", async () => {
    const { host } = await consent({ "POST /api/v1/oauth/requests/req_1/approve": problem(404, "not-found") });
    await click(button(host, "Approve"));
    await enterCode(host, "123456");
    await until(() => host.querySelector("h1")?.textContent === "This request is no longer valid");
    expect(leaveTo).not.toHaveBeenCalled();
  });

  it("cannot approve without a second factor, and says how to get one", async () => {
    const { host } = await consent({ "GET /api/v1/auth/me": { body: { ...ME, second_factors: { totp: false, passkeys: 0, recovery_codes_left: 0 } } } });
    expect(button(host, "Approve").disabled).toBe(true);
    expect(button(host, "Deny").disabled).toBe(false);
    expect(host.querySelector('a[href="/security"]')?.textContent).toBe("Set up an authenticator app or a passkey");
  });
});

describe("ConsentPage when signed out", () => {
  afterEach(() => {
    window.history.replaceState(null, "", "/");
  });

  it("sends the person to sign in, and back to the consent afterwards", async () => {
    let signedIn = false;
    fakeServer({
      "GET /api/v1/auth/me": () => (signedIn ? { body: ME } : problem(401, "unauthorized")),
      "POST /api/v1/auth/signin": () => {
        signedIn = true;
        return { body: {} };
      },
      "GET /api/v1/oauth/requests/req_1": { body: REQUEST },
    });
    window.history.replaceState(null, "", "/consent/req_1");
    const host = await render(<App />);

    await until(() => window.location.pathname === "/signin" && Boolean(host.querySelector("#signin-username")));
    expect(new URLSearchParams(window.location.search).get("next")).toBe("/consent/req_1");

    await typeInto(field(host, "Username"), "alice");
    await typeInto(field(host, "Password"), "correct horse battery staple");
    await click(button(host, "Sign in"));
    await until(() => window.location.pathname === "/consent/req_1" && host.querySelector("h1")?.textContent === "Allow Tax tool to use your Coffer?");
  }, 20_000);
});
