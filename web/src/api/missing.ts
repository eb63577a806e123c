import { ApiError } from "./client";

/**
 * Reads from an endpoint an older Coffer server may not have yet (it answers 404 or 405): the answer, or else
 * `fallback` after `onMissing()`, so the page can say what this server cannot show instead of showing an error.
 * Any other failure stays a failure.
 */
export async function unlessMissing<T>(read: Promise<T>, fallback: T, onMissing: () => void): Promise<T> {
  try {
    return await read;
  } catch (e) {
    if (e instanceof ApiError && (e.status === 404 || e.status === 405)) {
      onMissing();
      return fallback;
    }
    throw e;
  }
}
