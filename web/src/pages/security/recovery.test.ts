import { describe, expect, it } from "vitest";
import { groupSecret, otpauthLabel, recoveryCodesFile } from "./recovery";

describe("recovery helpers", () => {
  it("writes the recovery codes file", () => {
    const text = recoveryCodesFile("alice", ["aaaa-bbbb", "cccc-dddd"], new Date("2026-01-01T00:00:00Z"));
    expect(text).toContain("Coffer recovery codes for alice");
    expect(text).toContain("2026-01-01T00:00:00.000Z");
    expect(text).toContain(" 1. aaaa-bbbb\n 2. cccc-dddd");
  });

  it("groups a base32 secret in fours", () => {
    expect(groupSecret("JBSWY3DPEHPK3PXP")).toBe("JBSW Y3DP EHPK 3PXP");
    expect(groupSecret("JBSWY3DPEHPK3PX")).toBe("JBSW Y3DP EHPK 3PX");
  });

  it("reads the otpauth label", () => {
    expect(otpauthLabel("otpauth://totp/Coffer:alice?secret=X&issuer=Coffer")).toBe("Coffer:alice");
    expect(otpauthLabel("otpauth://totp/alice?secret=X&issuer=Coffer")).toBe("Coffer: alice");
    expect(otpauthLabel("not a uri")).toBe("");
  });
});
