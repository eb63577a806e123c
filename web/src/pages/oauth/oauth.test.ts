import { describe, expect, it } from "vitest";
import { appScopeChoices, buildAppRequest, describeTarget, EMPTY_APP_FORM, forbiddenAppScope, redirectUriProblem, sameTarget, splitRedirectUris } from "./oauth";

describe("redirectUriProblem", () => {
  it.each([
    "https://tool.example/cb",
    "https://tool.example:8443/oauth/callback?tenant=1",
    "http://127.0.0.1/callback",
    "http://127.0.0.1:53682/callback",
    "http://127.1.2.3/cb",
    "http://[::1]/callback",
    "http://[::1]:8080/cb",
  ])("accepts %s", (uri) => {
    expect(redirectUriProblem(uri)).toBeNull();
  });

  it.each([
    ["", "absolute URI"],
    ["tool.example/cb", "not an absolute URI"],
    ["/cb", "not an absolute URI"],
    ["https://tool.example/cb#frag", "fragment"],
    ["https://tool.example/c b", "without spaces"],
    ["https://user:pw@tool.example/cb", "user name or password"],
    ["https://user@tool.example/cb", "user name or password"],
    ["http://tool.example/cb", "only loopback addresses"],
    ["http://localhost/cb", "only loopback addresses"],
    ["http://10.0.0.1/cb", "only loopback addresses"],
    ["http://[::2]/cb", "only loopback addresses"],
    ["com.example.app:/callback", "must use https"],
    ["javascript:alert(1)", "must use https"],
    [`https://tool.example/${"a".repeat(2000)}`, "at most 2000 characters"],
  ])("refuses %s", (uri, why) => {
    expect(redirectUriProblem(uri)).toContain(why);
  });
});

describe("splitRedirectUris", () => {
  it("takes one a line, trimmed, blank lines and repeats dropped, exactly as typed otherwise", () => {
    expect(splitRedirectUris(" https://Tool.example/cb \r\n\nhttp://127.0.0.1/cb\nhttps://Tool.example/cb\n")).toEqual(["https://Tool.example/cb", "http://127.0.0.1/cb"]);
  });
});

describe("appScopeChoices", () => {
  it("offers only the user's own scopes, never admin, sys:*, tokens:write or account:write", () => {
    const scopes = appScopeChoices(["portfolio:read", "orders:write", "tokens:read", "tokens:write", "account:write", "admin", "audit:read"]).map((s) => s.scope);
    expect(scopes).toEqual(["portfolio:read", "orders:write", "tokens:read", "audit:read"]);
    expect(forbiddenAppScope("sys:seal")).toBe(true);
    expect(forbiddenAppScope("orders:write")).toBe(false);
  });
});

const MINE = ["portfolio:read", "orders:read", "orders:write", "tokens:write"];

describe("buildAppRequest", () => {
  it("builds the request, limits only for an app that may trade", () => {
    const { body, errors } = buildAppRequest(
      { ...EMPTY_APP_FORM, name: " Tax tool ", type: "public", redirectUris: "https://tool.example/cb\nhttp://127.0.0.1/cb", scopes: ["orders:read", "portfolio:read"], maxOrderNotional: "100", dpopBound: true },
      MINE,
    );
    expect(errors).toEqual({});
    expect(body).toEqual({ name: "Tax tool", type: "public", redirect_uris: ["https://tool.example/cb", "http://127.0.0.1/cb"], scopes: ["orders:read", "portfolio:read"], trading: null, dpop_bound: true });

    const trading = buildAppRequest({ ...EMPTY_APP_FORM, name: "Bot", redirectUris: "https://bot.example/cb", scopes: ["orders:write"], symbols: "btc/usd", maxOrderNotional: "100" }, MINE);
    expect(trading.body?.trading).toEqual({ symbols: ["BTC/USD"], max_order_notional: 100 });
  });

  it("names each bad field", () => {
    const { body, errors } = buildAppRequest({ ...EMPTY_APP_FORM, name: "", redirectUris: "http://tool.example/cb", scopes: ["orders:write"], priceBandPercent: "150" }, MINE);
    expect(body).toBeNull();
    expect(Object.keys(errors).sort()).toEqual(["name", "priceBandPercent", "redirectUris"]);
    expect(errors.redirectUris).toContain("http://tool.example/cb uses http");
  });

  it("wants a redirect URI, at most ten, and a scope the user may give", () => {
    expect(buildAppRequest({ ...EMPTY_APP_FORM, name: "x" }, MINE).errors.redirectUris).toContain("at least one");
    const eleven = Array.from({ length: 11 }, (_, i) => `https://tool.example/cb${i}`).join("\n");
    expect(buildAppRequest({ ...EMPTY_APP_FORM, name: "x", redirectUris: eleven }, MINE).errors.redirectUris).toBe("At most 10 redirect URIs.");
    expect(buildAppRequest({ ...EMPTY_APP_FORM, name: "x", redirectUris: "https://a.example/cb", scopes: ["tokens:write"] }, MINE).errors.scopes).toContain("at least one");
  });
});

describe("describeTarget and sameTarget", () => {
  it("shows the origin a consent sends the browser to, and whether it is this machine", () => {
    expect(describeTarget("https://tool.example/cb?x=1")).toEqual({ origin: "https://tool.example", local: false });
    expect(describeTarget("http://127.0.0.1:5000/cb")).toEqual({ origin: "http://127.0.0.1:5000", local: true });
    expect(describeTarget("nonsense")).toBeNull();
  });

  it("lets the browser go only to the redirect URI's origin and path", () => {
    expect(sameTarget("https://tool.example/cb?code=1&state=2", "https://tool.example/cb")).toBe(true);
    expect(sameTarget("https://tool.example/cb?tenant=1&code=1", "https://tool.example/cb?tenant=1")).toBe(true);
    expect(sameTarget("https://evil.example/cb?code=1", "https://tool.example/cb")).toBe(false);
    expect(sameTarget("https://tool.example/other?code=1", "https://tool.example/cb")).toBe(false);
    expect(sameTarget("javascript:alert(1)", "https://tool.example/cb")).toBe(false);
    expect(sameTarget("/relative", "https://tool.example/cb")).toBe(false);
  });
});
