import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { api, ApiError } from "../../api/client";
import { button, click, fakeDialogs, render } from "../../test/dom";
import { RevokeTokenDialog } from "./RevokeTokenDialog";
import type { TokenInfo } from "./types";

const token: TokenInfo = {
  accessor: "acc/1",
  kind: "api",
  display_name: "tax export",
  user_id: "u1",
  parent: null,
  scopes: ["portfolio:read"],
  created_at: "2026-01-01T00:00:00Z",
  expires_at: null,
  ip_allowlist: [],
  max_uses: null,
  uses: 0,
  trading: null,
  revoked: false,
  revoked_at: null,
  last_used_at: null,
};

let undoDialogs: () => void;
beforeEach(() => {
  undoDialogs = fakeDialogs();
});
afterEach(() => {
  undoDialogs();
  vi.restoreAllMocks();
});

describe("RevokeTokenDialog", () => {
  it("asks by the token's name and says that what was made from it goes too", async () => {
    const host = await render(<RevokeTokenDialog token={token} current={false} onClose={() => undefined} onRevoked={() => undefined} />);
    expect(host.querySelector("h2")?.textContent).toBe("Revoke tax export?");
    expect(host.textContent).toContain("so does every token made from it");
    expect(host.querySelectorAll(".notice-warn")).toHaveLength(0);
  });

  it("warns when it is this browser's session or holds an exchange key", async () => {
    const host = await render(<RevokeTokenDialog token={{ ...token, kind: "credential", display_name: null }} current onClose={() => undefined} onRevoked={() => undefined} />);
    expect(host.querySelector("h2")?.textContent).toBe("Revoke acc/1?");
    expect(host.textContent).toContain("you will be signed out");
    expect(host.textContent).toContain("its connection stops working");
  });

  it("revokes through the API and hands on how many tokens went", async () => {
    const post = vi.spyOn(api, "post").mockResolvedValue({ revoked: 3 });
    const onRevoked = vi.fn();
    const host = await render(<RevokeTokenDialog token={token} current={false} onClose={() => undefined} onRevoked={onRevoked} />);
    await click(button(host, "Revoke"));
    expect(post).toHaveBeenCalledWith("/api/v1/tokens/acc%2F1/revoke");
    expect(onRevoked).toHaveBeenCalledWith(3);
  });

  it("shows the error and stays open when revoking fails", async () => {
    vi.spyOn(api, "post").mockRejectedValue(new ApiError({ type: "about:blank", title: "Forbidden", status: 403 }));
    const onRevoked = vi.fn();
    const host = await render(<RevokeTokenDialog token={token} current={false} onClose={() => undefined} onRevoked={onRevoked} />);
    await click(button(host, "Revoke"));
    expect(onRevoked).not.toHaveBeenCalled();
    expect(host.querySelector('[role="alert"]')).not.toBeNull();
    expect(button(host, "Revoke").disabled).toBe(false);
  });
});
