import { act } from "react";
import { MemoryRouter } from "react-router-dom";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { ConnectionSetup } from "../../api/connections";
import { render } from "../../test/dom";
import ConnectPage from "./ConnectPage";

afterEach(() => {
  vi.unstubAllGlobals();
});

/** The server: the setup as given, and no connections yet. */
function serve(setup: ConnectionSetup) {
  const fetch = vi.fn(async (input: RequestInfo | URL) => {
    const path = new URL(String(input), "https://coffer.test").pathname;
    const body = path === "/api/v1/connections/setup" ? setup : path === "/api/v1/connections" ? { items: [] } : null;
    return new Response(JSON.stringify(body), { status: body ? 200 : 404, headers: { "Content-Type": "application/json" } });
  });
  vi.stubGlobal("fetch", fetch);
  return fetch;
}

async function wizard(setup: ConnectionSetup) {
  const fetch = serve(setup);
  const host = await render(
    <MemoryRouter>
      <ConnectPage />
    </MemoryRouter>,
  );
  const select = host.querySelector("select")!;
  const setter = Object.getOwnPropertyDescriptor(HTMLSelectElement.prototype, "value")!.set!;
  await act(async () => {
    setter.call(select, "binance");
    select.dispatchEvent(new Event("change", { bubbles: true }));
  });
  return { host, fetch };
}

const exchanges = [
  { id: "binance", name: "Binance" },
  { id: "kraken", name: "Kraken" },
  { id: "coinbase", name: "Coinbase Advanced Trade" },
];

describe("ConnectPage", () => {
  it("shows the server's egress IP to copy before the first connection, and the base URL where custom URLs are allowed", async () => {
    const { host, fetch } = await wizard({ egress_ip: "203.0.113.7", custom_base_url: true, exchanges });

    expect(fetch.mock.calls.map(([url]) => String(url))).toContain("/api/v1/connections/setup");
    expect(host.querySelector(".xc-ip .mono")?.textContent).toBe("203.0.113.7");
    expect([...host.querySelectorAll("button")].map((b) => b.textContent)).toContain("Copy address");
    expect(host.querySelector("details.xc-advanced input[type=url]")).not.toBeNull();
  });

  it("says the address is not set, and hides the base URL the server would refuse", async () => {
    const { host } = await wizard({ egress_ip: null, custom_base_url: false, exchanges });

    expect(host.textContent).toContain("This server has not been told its outgoing address (COFFER_EGRESS_IP): ask your operator, or skip the IP restriction on the key and add it later.");
    expect(host.querySelector(".xc-ip")).toBeNull();
    expect(host.querySelector("details.xc-advanced")).toBeNull();
    expect(host.textContent).not.toContain("Base URL");
  });
});
