import { toError } from "./client";

/**
 * First run: the admin user exists without a password, and the server printed its root token once. This is the one
 * place the app sends a token it is given: as `Authorization: Bearer` on this one call, without the session cookie
 * (credentials "omit", so no antiforgery is involved), and it is never stored anywhere — the caller drops it as soon
 * as this returns.
 */
export async function setFirstPassword(adminToken: string, newPassword: string): Promise<{ username: string }> {
  const response = await fetch("/api/v1/auth/password", {
    method: "POST",
    credentials: "omit",
    cache: "no-store",
    headers: {
      Accept: "application/json",
      "Content-Type": "application/json",
      Authorization: `Bearer ${adminToken.trim()}`,
    },
    body: JSON.stringify({ new_password: newPassword }),
  });
  if (!response.ok) {
    throw await toError(response);
  }
  return (await response.json()) as { username: string };
}

/** Rough shape check before anything is sent: Coffer tokens are `cof_<kind>_<43 base62>_<6-char checksum>`. */
export function looksLikeToken(value: string): boolean {
  return /^cof_[a-z]+_[0-9A-Za-z]{20,}_[0-9A-Za-z]{4,}$/.test(value.trim());
}
