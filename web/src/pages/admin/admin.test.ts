import { describe, expect, it } from "vitest";
import { invitationState, signUpLink } from "./InvitationsSection";
import { userState } from "./UsersSection";

describe("admin helpers", () => {
  it("builds the sign-up link", () => {
    expect(signUpLink("cof_invite_abc_123", "https://coffer.example")).toBe("https://coffer.example/signup?invitation=cof_invite_abc_123");
  });

  it("names an invitation's state", () => {
    const now = new Date("2026-01-10T00:00:00Z");
    const base = { id: "1", role: "trader", expires_at: "2026-01-12T00:00:00Z" };
    expect(invitationState(base, now)).toEqual({ text: "Open", tone: "ok", open: true });
    expect(invitationState({ ...base, expires_at: "2026-01-09T00:00:00Z" }, now).text).toBe("Expired");
    expect(invitationState({ ...base, used_at: "2026-01-09T00:00:00Z", used_by: "bob" }, now).text).toBe("Used by bob");
    expect(invitationState({ ...base, revoked_at: "2026-01-09T00:00:00Z" }, now).open).toBe(false);
  });

  it("names a user's state", () => {
    const u = { username: "a", roles: ["trader"], created_at: "", last_sign_in_at: null, locked: false, frozen: false, disabled: false, two_factor: true };
    expect(userState(u).map((s) => s.text)).toEqual(["Active"]);
    expect(userState({ ...u, frozen: true, locked: true }).map((s) => s.text)).toEqual(["Frozen", "Locked out"]);
    expect(userState({ ...u, disabled: true, locked: true }).map((s) => s.text)).toEqual(["Locked until unlocked"]);
  });
});
