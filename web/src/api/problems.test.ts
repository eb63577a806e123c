import { describe, expect, it } from "vitest";
import { ApiError } from "./client";
import { explain, fieldErrors } from "./problems";

const problem = (slug: string, status: number, detail?: string) =>
  new ApiError({ type: `urn:coffer:problem:${slug}`, title: "T", status, ...(detail ? { detail } : {}) });

describe("explain", () => {
  it("uses the server's detail and adds the fix for the type", () => {
    const e = explain(problem("exchange-key-can-withdraw", 422, "The key can withdraw."));
    expect(e.what).toBe("The key can withdraw.");
    expect(e.fix).toMatch(/withdrawals and transfers switched off/);
  });

  it("says API-speak details in the app's words", () => {
    const e = explain(problem("account-frozen", 403, "Unfreeze it at POST /api/v1/account/unfreeze."));
    expect(e.what).not.toMatch(/api\/v1/);
    expect(e.fix).toMatch(/Unfreeze/);
  });

  it("adds Retry-After to what happened", () => {
    const e = explain(new ApiError({ type: "urn:coffer:problem:account-locked", title: "Locked", status: 429 }, 60));
    expect(e.what).toBe("Locked (try again in 60 s)");
    expect(e.fix).toMatch(/lockout/);
  });

  it("falls back by status for unknown types", () => {
    expect(explain(problem("something-new", 503)).fix).toMatch(/server/);
    expect(explain(problem("something-new", 400)).fix).toMatch(/Check what you entered/);
  });

  it("explains network failures, cancelled passkeys and plain errors", () => {
    expect(explain(new TypeError("Failed to fetch")).what).toBe("Coffer could not be reached.");
    const cancelled = new Error("x");
    cancelled.name = "PasskeyCancelled";
    expect(explain(cancelled).what).toMatch(/cancelled/);
    expect(explain("boom").what).toBe("boom");
  });
});

describe("fieldErrors", () => {
  it("reads the validation problem's errors", () => {
    const e = new ApiError({ type: "urn:coffer:problem:invalid-request", title: "Bad", status: 400, errors: { username: ["required"] } });
    expect(fieldErrors(e)).toEqual({ username: ["required"] });
    expect(fieldErrors(new Error("x"))).toEqual({});
  });
});
