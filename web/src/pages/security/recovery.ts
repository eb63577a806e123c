/** The text file a user keeps with their recovery codes. */
export function recoveryCodesFile(username: string, codes: readonly string[], when: Date = new Date()): string {
  return [
    `Coffer recovery codes for ${username}`,
    `Created ${when.toISOString()}`,
    "",
    "Each code signs you in once in place of the authenticator app's code. Keep them somewhere safe and offline.",
    "",
    ...codes.map((c, i) => `${String(i + 1).padStart(2, " ")}. ${c}`),
    "",
  ].join("\n");
}

/** A base32 secret in groups of four, easier to type into an authenticator app by hand. */
export function groupSecret(secret: string): string {
  return secret.replace(/\s+/g, "").replace(/(.{4})(?=.)/g, "$1 ");
}

/** The text of an otpauth:// URI's issuer and account, to show next to the QR code. */
export function otpauthLabel(uri: string): string {
  try {
    const url = new URL(uri);
    const label = decodeURIComponent(url.pathname.replace(/^\/+/, ""));
    const issuer = url.searchParams.get("issuer");
    return issuer && !label.startsWith(`${issuer}:`) ? `${issuer}: ${label}` : label;
  } catch {
    return "";
  }
}
