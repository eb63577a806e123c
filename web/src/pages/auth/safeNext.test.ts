import { describe, expect, it } from "vitest";
import { safeNext } from "./AuthShell";

describe("safeNext", () => {
  it("keeps paths inside the app", () => {
    expect(safeNext("/orders?state=open")).toBe("/orders?state=open");
  });
  it("refuses other origins and auth pages", () => {
    expect(safeNext(null)).toBe("/");
    expect(safeNext("https://evil.example/")).toBe("/");
    expect(safeNext("//evil.example/")).toBe("/");
    expect(safeNext("/\\evil.example")).toBe("/");
    expect(safeNext("/signin?next=/x")).toBe("/");
    expect(safeNext("/frozen")).toBe("/");
  });
});
