// OAuth apps' properties in the words the consent page, the connected apps and the developer page share.
import type { AppType } from "./types";

export const APP_TYPE_WORDS: Record<AppType, string> = {
  confidential: "Confidential: runs on its maker's server and proves who it is with a secret.",
  public: "Public: runs on your device or in a browser, so it holds no secret; a one-time proof (PKCE) protects each sign-in.",
};

/** How the app's tokens are bound (RFC 9449 DPoP) and what that means if one is copied. */
export function bindingWords(dpopBound: boolean): string {
  return dpopBound
    ? "Bound to a key only the app holds (DPoP): a copied token is useless without it."
    : "Bearer tokens: whoever holds one can use it until it expires, so the app must keep them safe.";
}
