import { describe, expect, it } from "vitest";
import { adviseOnPassword, longestRun } from "./password";

describe("password advice", () => {
  it("is not acceptable under 15 characters", () => {
    const advice = adviseOnPassword("short one");
    expect(advice.acceptable).toBe(false);
    expect(advice.strength).toBe(0);
    expect(advice.label).toBe("Too short");
    expect(advice.hints[0]).toEqual({ ok: false, text: "At least 15 characters (9 so far)" });
  });

  it("counts characters, not UTF-16 units", () => {
    expect(adviseOnPassword("🔐".repeat(15)).acceptable).toBe(true);
    expect(adviseOnPassword("🔐".repeat(8)).acceptable).toBe(false);
  });

  it("rates a long passphrase strong", () => {
    const advice = adviseOnPassword("correct horse battery staple", "alice");
    expect(advice.acceptable).toBe(true);
    expect(advice.strength).toBe(3);
    expect(advice.hints.every((h) => h.ok)).toBe(true);
  });

  it("rates weak what is long but obvious, repetitive or contains the username", () => {
    expect(adviseOnPassword("passwordpassword1").strength).toBe(1);
    expect(adviseOnPassword("aaaaaaaaaaaaaaaaaaaa").strength).toBe(1);
    expect(adviseOnPassword("alice-the-great-trader", "alice").strength).toBe(1);
    expect(adviseOnPassword("alice-the-great-trader", "alice").hints[3]!.ok).toBe(false);
  });

  it("accepts 15 characters without composition rules", () => {
    const advice = adviseOnPassword("zebra lamp quiet");
    expect(advice.acceptable).toBe(true);
    expect(advice.strength).toBeGreaterThanOrEqual(2);
  });

  it("finds runs and sequences", () => {
    expect(longestRun("")).toBe(0);
    expect(longestRun("x")).toBe(1);
    expect(longestRun("ab1234z")).toBe(4);
    expect(longestRun("zz9876")).toBe(4);
    expect(longestRun("kkkkk-a")).toBe(5);
  });
});
