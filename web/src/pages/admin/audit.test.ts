import { describe, expect, it } from "vitest";
import { auditQuery, describeVerification, detailsText } from "./audit";

describe("audit helpers", () => {
  it("builds the query without empty filters", () => {
    expect(auditQuery({ action: " sys.* ", actor: "", since: "", until: "" }, "42")).toEqual({
      limit: 50,
      after_seq: "42",
      action: "sys.*",
      actor: undefined,
      since: undefined,
      until: undefined,
    });
  });

  it("turns the local date-time filters into instants", () => {
    expect(auditQuery({ action: "", actor: "", since: "2026-01-02T03:04", until: "garbage" }, undefined)).toMatchObject({
      since: new Date(2026, 0, 2, 3, 4).toISOString(),
      until: undefined,
    });
  });

  it("says whether the chain verifies and names the first broken record", () => {
    expect(describeVerification({ ok: true, records: 12, first_broken: null })).toBe("Verified: all 12 records are intact and in order.");
    expect(describeVerification({ ok: false, records: 6, first_broken: { seq: 7, problem: "edited", detail: "hash mismatch" } })).toBe(
      "Broken at record #7: it was changed after it was written. 6 records before it verify.",
    );
  });

  it("shows details briefly", () => {
    expect(detailsText({ method: "passkey", ip: null, n: 2 })).toBe("method: passkey, n: 2");
    expect(detailsText("raw")).toBe("raw");
    expect(detailsText(null)).toBe("");
  });
});
