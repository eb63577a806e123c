import { describe, expect, it, vi } from "vitest";
import { ApiError } from "./client";
import { unlessMissing } from "./missing";

const problem = (status: number) => new ApiError({ type: "about:blank", title: "x", status });

describe("unlessMissing", () => {
  it("passes the answer through when the endpoint exists", async () => {
    const onMissing = vi.fn();
    await expect(unlessMissing(Promise.resolve({ items: [1] }), { items: [] }, onMissing)).resolves.toEqual({ items: [1] });
    expect(onMissing).not.toHaveBeenCalled();
  });

  it.each([404, 405])("gives the fallback and says so when the server answers %i", async (status) => {
    const onMissing = vi.fn();
    await expect(unlessMissing(Promise.reject(problem(status)), { items: [] }, onMissing)).resolves.toEqual({ items: [] });
    expect(onMissing).toHaveBeenCalledOnce();
  });

  it("keeps every other failure a failure", async () => {
    const onMissing = vi.fn();
    await expect(unlessMissing(Promise.reject(problem(403)), { items: [] }, onMissing)).rejects.toBeInstanceOf(ApiError);
    await expect(unlessMissing(Promise.reject(new TypeError("Failed to fetch")), { items: [] }, onMissing)).rejects.toBeInstanceOf(TypeError);
    expect(onMissing).not.toHaveBeenCalled();
  });
});
