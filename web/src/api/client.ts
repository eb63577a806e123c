// The one way the app talks to Coffer: same-origin fetches to /api/v1 carrying the HTTP-only session cookie (the app
// never sees or stores a token), an antiforgery header on every state-changing call, and RFC 9457 problems turned into
// ApiError values that say what happened and what to do.

export const ANTIFORGERY_HEADER = "X-Coffer-Antiforgery";
/** Asks the sign-in endpoints to put the new session in the HTTP-only cookie instead of the response body. */
export const SESSION_MODE_HEADER = "Coffer-Session";
export const STEP_UP_HEADER = "Coffer-Step-Up";

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  [extension: string]: unknown;
}

export class ApiError extends Error {
  readonly status: number;
  readonly problem: Problem;
  readonly retryAfterSeconds: number | null;

  constructor(problem: Problem, retryAfterSeconds: number | null = null) {
    super(problem.detail ?? problem.title);
    this.name = "ApiError";
    this.status = problem.status;
    this.problem = problem;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  /** The stable slug of the problem type (`urn:coffer:problem:<slug>`), for switching on. */
  get slug(): string {
    return problemSlug(this.problem.type);
  }
}

export function problemSlug(type: string): string {
  const prefix = "urn:coffer:problem:";
  return type.startsWith(prefix) ? type.slice(prefix.length) : type;
}

export type Query = Record<string, string | number | boolean | null | undefined | readonly string[]>;

export interface RequestOptions {
  query?: Query;
  body?: unknown;
  /** A step-up proof: `totp=123456` or `passkey=<base64url>`. */
  stepUp?: string;
  idempotencyKey?: string;
  /** Ask a sign-in endpoint to set the session cookie. */
  sessionCookie?: boolean;
  accept?: string;
  signal?: AbortSignal;
}

type Listener = () => void;
const signedOutListeners = new Set<Listener>();

/** Called when the server answers 401 to an authenticated call: the session ended (expired, revoked, frozen). */
export function onSignedOut(listener: Listener): () => void {
  signedOutListeners.add(listener);
  return () => signedOutListeners.delete(listener);
}

let antiforgery: Promise<string> | null = null;

/** Antiforgery tokens are bound to who is signed in: drop the cached one whenever that changes. */
export function resetAntiforgery(): void {
  antiforgery = null;
}

async function antiforgeryToken(): Promise<string> {
  antiforgery ??= fetch("/api/v1/auth/antiforgery", { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then(async (response) => {
      if (!response.ok) {
        throw await toError(response);
      }
      const body = (await response.json()) as { token: string };
      return body.token;
    })
    .catch((error: unknown) => {
      antiforgery = null;
      throw error;
    });
  return antiforgery;
}

export function buildUrl(path: string, query?: Query): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value === undefined || value === null || value === "") {
      continue;
    }
    params.set(key, Array.isArray(value) ? value.join(",") : String(value));
  }
  const search = params.toString();
  return search ? `${path}?${search}` : path;
}

const SAFE = new Set(["GET", "HEAD", "OPTIONS"]);

export async function request(method: string, path: string, options: RequestOptions = {}): Promise<Response> {
  const send = async (): Promise<Response> => {
    const headers = new Headers({ Accept: options.accept ?? "application/json" });
    if (options.body !== undefined) {
      headers.set("Content-Type", "application/json");
    }
    if (!SAFE.has(method)) {
      headers.set(ANTIFORGERY_HEADER, await antiforgeryToken());
    }
    if (options.stepUp) {
      headers.set(STEP_UP_HEADER, options.stepUp);
    }
    if (options.idempotencyKey) {
      headers.set("Idempotency-Key", options.idempotencyKey);
    }
    if (options.sessionCookie) {
      headers.set(SESSION_MODE_HEADER, "cookie");
    }
    return fetch(buildUrl(path, options.query), {
      method,
      headers,
      credentials: "same-origin",
      body: options.body === undefined ? null : JSON.stringify(options.body),
      signal: options.signal ?? null,
    });
  };

  let response = await send();
  if (response.status === 403 && !SAFE.has(method)) {
    // The token may be stale (signed in or out in another tab): fetch a fresh one and try once more.
    const problem = await peekProblem(response);
    if (problem && problemSlug(problem.type) === "antiforgery-failed") {
      resetAntiforgery();
      response = await send();
    } else if (problem) {
      throw new ApiError(problem, null);
    }
  }
  if (!response.ok) {
    const error = await toError(response);
    if (response.status === 401 && !path.startsWith("/api/v1/auth/signin") && !path.startsWith("/api/v1/auth/passkeys/signin")) {
      signedOutListeners.forEach((listener) => listener());
    }
    throw error;
  }
  return response;
}

async function peekProblem(response: Response): Promise<Problem | null> {
  try {
    const problem = (await response.clone().json()) as Problem;
    return typeof problem.type === "string" ? problem : null;
  } catch {
    return null;
  }
}

export async function toError(response: Response): Promise<ApiError> {
  const retryAfter = Number.parseInt(response.headers.get("Retry-After") ?? "", 10);
  const problem = (await peekProblem(response)) ?? {
    type: "about:blank",
    title: response.statusText || `HTTP ${response.status}`,
    status: response.status,
  };
  return new ApiError({ ...problem, status: problem.status ?? response.status }, Number.isFinite(retryAfter) ? retryAfter : null);
}

async function json<T>(response: Response): Promise<T> {
  if (response.status === 204 || response.headers.get("Content-Length") === "0") {
    return undefined as T;
  }
  return (await response.json()) as T;
}

export const api = {
  get: async <T>(path: string, query?: Query, signal?: AbortSignal): Promise<T> =>
    json<T>(await request("GET", path, { query, ...(signal ? { signal } : {}) })),
  post: async <T>(path: string, body?: unknown, options: Omit<RequestOptions, "body"> = {}): Promise<T> =>
    json<T>(await request("POST", path, { ...options, body: body ?? {} })),
  put: async <T>(path: string, body?: unknown, options: Omit<RequestOptions, "body"> = {}): Promise<T> =>
    json<T>(await request("PUT", path, { ...options, body: body ?? {} })),
  patch: async <T>(path: string, body?: unknown, options: Omit<RequestOptions, "body"> = {}): Promise<T> =>
    json<T>(await request("PATCH", path, { ...options, body: body ?? {} })),
  delete: async <T>(path: string, options: Omit<RequestOptions, "body"> = {}): Promise<T> =>
    json<T>(await request("DELETE", path, options)),
};

/** Reads an `application/x-ndjson` response line by line as the server writes it (progress of long work). */
export async function* ndjson<T>(response: Response): AsyncGenerator<T> {
  if (!response.body) {
    return;
  }
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) {
      break;
    }
    buffer += value;
    let newline: number;
    while ((newline = buffer.indexOf("\n")) >= 0) {
      const line = buffer.slice(0, newline).trim();
      buffer = buffer.slice(newline + 1);
      if (line) {
        yield JSON.parse(line) as T;
      }
    }
  }
  if (buffer.trim()) {
    yield JSON.parse(buffer) as T;
  }
}

/** A fresh idempotency key for one user intention (one click of "Place order"). */
export function newIdempotencyKey(): string {
  return crypto.randomUUID();
}
