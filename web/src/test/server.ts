// A fake Coffer behind `fetch` for page tests: answers by "METHOD /path" (or "METHOD /path?query" when the query
// matters), records every call with its headers and JSON body, and hands out an antiforgery token as the server does.
import { act } from "react";
import { vi } from "vitest";
import type { Me } from "../api/types";

export interface Call {
  method: string;
  path: string;
  search: string;
  headers: Headers;
  body: unknown;
}

export interface Answer {
  status?: number;
  body?: unknown;
}

export type Routes = Record<string, Answer | ((call: Call) => Answer)>;

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body ?? null), { status, headers: { "Content-Type": status >= 400 ? "application/problem+json" : "application/json" } });

/** Stubs the global fetch with `routes` (which the test may change between steps); unanswered routes are a 404 problem. */
export function fakeServer(routes: Routes) {
  const calls: Call[] = [];
  const fetch = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(String(input), "https://coffer.test");
    const method = init?.method ?? "GET";
    const call: Call = { method, path: url.pathname, search: url.search, headers: new Headers(init?.headers), body: typeof init?.body === "string" ? JSON.parse(init.body) : undefined };
    calls.push(call);
    if (url.pathname === "/api/v1/auth/antiforgery") {
      return json(200, { token: "antiforgery-token" });
    }
    const route = routes[`${method} ${url.pathname}${url.search}`] ?? routes[`${method} ${url.pathname}`];
    if (!route) {
      return json(404, { type: "urn:coffer:problem:not-found", title: "Not found", status: 404 });
    }
    const answer = typeof route === "function" ? route(call) : route;
    return json(answer.status ?? 200, answer.body);
  });
  vi.stubGlobal("fetch", fetch);
  /** The calls other than the antiforgery token's, as "METHOD /path?query". */
  const sent = () => calls.filter((c) => c.path !== "/api/v1/auth/antiforgery").map((c) => `${c.method} ${c.path}${c.search}`);
  return { calls, fetch, sent };
}

export function problem(status: number, slug: string, detail?: string): Answer {
  return { status, body: { type: `urn:coffer:problem:${slug}`, title: slug, status, ...(detail ? { detail } : {}) } };
}

export const ME: Me = {
  user_id: "u-1",
  username: "alice",
  roles: ["trader"],
  scopes: ["portfolio:read", "orders:read", "orders:write", "exchanges:read", "exchanges:write", "tokens:read", "tokens:write", "notifications:read", "notifications:write", "account:write"],
  session: { accessor: "acc_session", kind: "session", expires_at: "2099-01-01T00:00:00Z" },
  frozen: false,
  second_factors: { totp: true, passkeys: 0, recovery_codes_left: 10 },
  currency: "USD",
};

/** Lets React and pending fetches settle, up to `tries` rounds, until `done` holds (bounded: it never waits forever). */
export async function until(done: () => boolean, tries = 200): Promise<void> {
  for (let i = 0; i < tries && !done(); i++) {
    await act(async () => {
      await new Promise((resolve) => setTimeout(resolve, 10));
    });
  }
  if (!done()) throw new Error("the page never got there");
}

/** Types into an input or text area the way React sees it (the native setter, then an input event). */
export async function typeInto(element: Element | null, value: string): Promise<void> {
  if (!(element instanceof HTMLInputElement || element instanceof HTMLTextAreaElement)) throw new Error("nothing to type into");
  const proto = element instanceof HTMLTextAreaElement ? HTMLTextAreaElement.prototype : HTMLInputElement.prototype;
  Object.getOwnPropertyDescriptor(proto, "value")!.set!.call(element, value);
  await act(async () => {
    element.dispatchEvent(new Event("input", { bubbles: true }));
  });
}

/** The input a visible label (its first text) names, inside `within`. */
export function field(within: HTMLElement, label: string): HTMLInputElement | HTMLTextAreaElement {
  const found = [...within.querySelectorAll("label")].find((l) => (l.querySelector("span")?.textContent ?? l.textContent)?.trim() === label);
  const input = found?.querySelector("input, textarea") ?? (found?.htmlFor ? within.ownerDocument.getElementById(found.htmlFor) : null);
  if (!(input instanceof HTMLInputElement || input instanceof HTMLTextAreaElement)) throw new Error(`no field "${label}"`);
  return input;
}
