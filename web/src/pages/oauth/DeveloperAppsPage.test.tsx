import type { ReactNode } from "react";
import { Link, MemoryRouter, Route, Routes } from "react-router-dom";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Me } from "../../api/types";
import { SessionProvider, useSession } from "../../app/session";
import { button, click, fakeDialogs, render } from "../../test/dom";
import { fakeServer, field, ME, typeInto, until, type Routes as ServerRoutes } from "../../test/server";
import DeveloperAppsPage from "./DeveloperAppsPage";
import type { CreatedApp, OAuthApp } from "./types";

const APP: OAuthApp = {
  client_id: "app_1",
  name: "Tax tool",
  type: "confidential",
  redirect_uris: ["https://tool.example/cb"],
  scopes: ["orders:read", "portfolio:read"],
  trading: null,
  dpop_bound: false,
  owner_id: "u-1",
  owner: "alice",
  created_at: "2026-01-01T00:00:00Z",
  disabled_at: null,
};
const SECRET = "cof_client_s3cr3t_value";
const CREATED: CreatedApp = { ...APP, client_secret: SECRET };

let undoDialogs: () => void;
beforeEach(() => {
  undoDialogs = fakeDialogs();
});
afterEach(() => {
  undoDialogs();
  vi.unstubAllGlobals();
});

function SignedIn({ children }: { children: ReactNode }) {
  return useSession().me ? <>{children}</> : null;
}

/** The page at /apps, with links away and back, over a server holding `apps` (changed by the routes the test adds). */
async function page(routes: ServerRoutes = {}, me: Me = ME, apps: OAuthApp[] = []) {
  const server = fakeServer({ "GET /api/v1/auth/me": { body: me }, "GET /api/v1/apps": () => ({ body: { apps } }), ...routes });
  const host = await render(
    <MemoryRouter initialEntries={["/apps"]}>
      <SessionProvider>
        <SignedIn>
          <Link to="/elsewhere">away</Link> <Link to="/apps">back</Link>
          <Routes>
            <Route path="/apps" element={<DeveloperAppsPage />} />
            <Route path="/elsewhere" element={<p>Elsewhere</p>} />
          </Routes>
        </SignedIn>
      </SessionProvider>
    </MemoryRouter>,
  );
  await until(() => Boolean(host.querySelector("h1")) && !host.querySelector(".loading"));
  return { host, ...server };
}

const link = (host: HTMLElement, text: string) => [...host.querySelectorAll("a")].find((a) => a.textContent === text)!;

async function fillIn(host: HTMLElement, uris: string) {
  await typeInto(field(host, "Name"), "Tax tool");
  await typeInto(field(host, "Redirect URIs"), uris);
}

describe("DeveloperAppsPage", () => {
  it("registers an app, shows its client id and secret once, and forgets the secret when closed", async () => {
    const apps: OAuthApp[] = [];
    const { host, calls } = await page({ "POST /api/v1/apps": () => (apps.push(APP), { status: 201, body: CREATED }) }, ME, apps);

    await fillIn(host, "https://tool.example/cb\n");
    await click(button(host, "Register app"));
    await until(() => Boolean(host.querySelector("dialog[open]")));

    const post = calls.find((c) => c.method === "POST" && c.path === "/api/v1/apps")!;
    expect(post.body).toEqual({ name: "Tax tool", type: "confidential", redirect_uris: ["https://tool.example/cb"], scopes: ["portfolio:read"], trading: null, dpop_bound: false });
    const dialog = host.querySelector("dialog[open]") as HTMLElement;
    expect(dialog.querySelector('[aria-label="Client ID"]')?.textContent).toBe("app_1");
    expect(dialog.querySelector('[aria-label="Client secret"]')?.textContent).toBe(SECRET);
    expect(dialog.textContent).toContain("you won't see this again");
    expect([...dialog.querySelectorAll("button")].map((b) => b.textContent)).toEqual(expect.arrayContaining(["Copy client ID", "Copy client secret"]));

    await click(button(dialog, "I have copied it"));
    await until(() => Boolean(host.querySelector("tbody tr")));
    expect(host.innerHTML).not.toContain(SECRET);
    expect(host.querySelector("tbody")?.textContent).toContain("app_1");
  });

  it("does not show the secret again after leaving the page and coming back", async () => {
    const { host } = await page({ "POST /api/v1/apps": { status: 201, body: CREATED } });
    await fillIn(host, "https://tool.example/cb");
    await click(button(host, "Register app"));
    await until(() => host.innerHTML.includes(SECRET));

    await click(link(host, "away"));
    await until(() => host.textContent!.includes("Elsewhere"));
    await click(link(host, "back"));
    await until(() => Boolean(host.querySelector("h1")) && !host.querySelector(".loading"));
    expect(host.innerHTML).not.toContain(SECRET);
  });

  it("says a public app has no secret", async () => {
    const { host, calls } = await page({ "POST /api/v1/apps": { status: 201, body: { ...APP, type: "public" } } });
    await fillIn(host, "http://127.0.0.1/callback");
    await click(host.querySelector('input[type=radio][value="public"]'));
    await click(button(host, "Register app"));
    await until(() => Boolean(host.querySelector("dialog[open]")));
    expect(calls.find((c) => c.method === "POST" && c.path === "/api/v1/apps")?.body).toMatchObject({ type: "public", redirect_uris: ["http://127.0.0.1/callback"] });
    expect(host.querySelector('dialog[open] [aria-label="Client secret"]')).toBeNull();
    expect(host.querySelector("dialog[open]")?.textContent).toContain("A public app has no secret");
  });

  it("refuses redirect URIs the server would, next to the field, and sends nothing", async () => {
    const { host, sent } = await page();
    await fillIn(host, "https://tool.example/cb\nhttp://tool.example/cb\nhttps://tool.example/cb#x");
    await click(button(host, "Register app"));

    const textarea = field(host, "Redirect URIs");
    expect(textarea.getAttribute("aria-invalid")).toBe("true");
    const error = host.ownerDocument.getElementById(textarea.getAttribute("aria-describedby")!.split(" ")[0]!);
    expect(error?.textContent).toContain("http://tool.example/cb uses http: only loopback addresses");
    expect(error?.textContent).toContain("has a fragment");
    expect(document.activeElement).toBe(textarea);
    expect(sent().filter((s) => s.startsWith("POST"))).toEqual([]);
  });

  it("offers only scopes an app may hold, and the trading limits once it may trade", async () => {
    const { host } = await page({}, { ...ME, scopes: [...ME.scopes, "admin"] });
    const offered = [...host.querySelectorAll(".tk-scopes .mono")].map((s) => s.textContent);
    expect(offered).toContain("orders:write");
    expect(offered).not.toContain("admin");
    expect(offered).not.toContain("tokens:write");
    expect(offered).not.toContain("account:write");
    expect(host.textContent).not.toContain("Maximum order value");

    const orders = [...host.querySelectorAll(".tk-scopes label")].find((l) => l.querySelector(".mono")?.textContent === "orders:write")!.querySelector("input");
    await click(orders);
    expect(field(host, "Maximum order value")).toBeTruthy();
  });

  it("disables an app after a confirmation that says every grant is revoked", async () => {
    const apps = [APP];
    const { host, calls } = await page({ "POST /api/v1/apps/app_1/disable": () => ((apps[0] = { ...APP, disabled_at: "2026-02-01T00:00:00Z" }), { body: apps[0] }) }, ME, apps);

    await click(button(host, "Disable"));
    const dialog = host.querySelector("dialog[open]") as HTMLElement;
    expect(dialog.querySelector("h2")?.textContent).toBe("Disable Tax tool?");
    expect(dialog.textContent).toContain("every grant it holds is revoked at once");
    await click(button(dialog, "Disable app"));
    await until(() => Boolean(host.querySelector(".notice-ok")));

    expect(calls.filter((c) => c.method === "POST").map((c) => c.path)).toEqual(["/api/v1/apps/app_1/disable"]);
    expect(host.querySelector(".notice-ok")?.textContent).toContain("every grant it held was revoked");
    await until(() => Boolean(host.querySelector(".badge.bad")));
    expect([...host.querySelectorAll("tbody button")].map((b) => b.textContent)).not.toContain("Disable");
  });

  it("lets an admin list every user's apps, with their owners", async () => {
    const theirs = { ...APP, client_id: "app_2", name: "Bob's bot", owner: "bob", owner_id: "u-2" };
    const { host, sent } = await page({ "GET /api/v1/apps?all=true": { body: { apps: [APP, theirs] } } }, { ...ME, scopes: [...ME.scopes, "admin"] }, [APP]);
    expect(host.querySelectorAll("tbody tr")).toHaveLength(1);

    const toggle = [...host.querySelectorAll("label.check")].find((l) => l.textContent === "All users' apps")!.querySelector("input");
    await click(toggle);
    await until(() => host.querySelectorAll("tbody tr").length === 2);
    expect(sent()).toContain("GET /api/v1/apps?all=true");
    expect([...host.querySelectorAll('td[data-label="Owner"]')].map((td) => td.textContent)).toEqual(["alice", "bob"]);
  });

  it("shows no such toggle to anyone else", async () => {
    const { host } = await page();
    expect(host.textContent).not.toContain("All users' apps");
  });
});
