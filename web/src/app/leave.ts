/**
 * Leaves the app for another site (an OAuth client's redirect URI): a full navigation, not a router push, so the
 * browser's history and the Referer are the platform's own. A module of its own so tests can stand in for it, since
 * jsdom cannot navigate.
 */
export function leaveTo(url: string): void {
  window.location.assign(url);
}
