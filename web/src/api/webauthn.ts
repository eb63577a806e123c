// WebAuthn in the browser for Coffer's passkey ceremonies. The server sends options in the WebAuthn JSON form (binary
// fields as base64url, WebAuthn L3 §5.1.9 / §5.5 "JSON-serializable" types) and wants the credential back as
// PublicKeyCredential.toJSON() gives it. Browsers that have parse*OptionsFromJSON / toJSON are used as they are; for the
// others the same mapping is done here.

import { api } from "./client";

export function base64urlToBytes(value: string): Uint8Array<ArrayBuffer> {
  const base64 = value.replace(/-/g, "+").replace(/_/g, "/");
  const padded = base64 + "===".slice((base64.length + 3) % 4);
  const binary = atob(padded);
  const bytes = new Uint8Array(new ArrayBuffer(binary.length));
  for (let i = 0; i < binary.length; i++) {
    bytes[i] = binary.charCodeAt(i);
  }
  return bytes;
}

export function bytesToBase64url(value: ArrayBuffer | ArrayBufferView): string {
  const bytes = value instanceof ArrayBuffer ? new Uint8Array(value) : new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  let binary = "";
  for (const byte of bytes) {
    binary += String.fromCharCode(byte);
  }
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

type Json = Record<string, unknown>;

interface DescriptorJson {
  id: string;
  type: string;
  transports?: string[];
}

function descriptors(list: unknown): PublicKeyCredentialDescriptor[] | undefined {
  if (!Array.isArray(list)) {
    return undefined;
  }
  return (list as DescriptorJson[]).map((d) => {
    const descriptor: PublicKeyCredentialDescriptor = { type: d.type as PublicKeyCredentialType, id: base64urlToBytes(d.id) };
    if (d.transports) {
      descriptor.transports = d.transports as AuthenticatorTransport[];
    }
    return descriptor;
  });
}

/** Options for navigator.credentials.get from their JSON form (challenge and allowCredentials ids decoded). */
export function decodeRequestOptions(json: Json): PublicKeyCredentialRequestOptions {
  const allow = descriptors(json.allowCredentials);
  return {
    ...(json as object),
    challenge: base64urlToBytes(String(json.challenge)),
    ...(allow ? { allowCredentials: allow } : {}),
  } as PublicKeyCredentialRequestOptions;
}

/** Options for navigator.credentials.create from their JSON form (challenge, user.id and excludeCredentials decoded). */
export function decodeCreationOptions(json: Json): PublicKeyCredentialCreationOptions {
  const user = json.user as Json;
  const exclude = descriptors(json.excludeCredentials);
  return {
    ...(json as object),
    challenge: base64urlToBytes(String(json.challenge)),
    user: { ...user, id: base64urlToBytes(String(user.id)) },
    ...(exclude ? { excludeCredentials: exclude } : {}),
  } as unknown as PublicKeyCredentialCreationOptions;
}

interface ParsingStatics {
  parseRequestOptionsFromJSON?: (json: unknown) => PublicKeyCredentialRequestOptions;
  parseCreationOptionsFromJSON?: (json: unknown) => PublicKeyCredentialCreationOptions;
}

/** The server may wrap the options as `{publicKey: {...}}` (the CredentialRequestOptions shape); accept both. */
export function unwrapOptions(options: unknown): Json {
  const json = (options ?? {}) as Json;
  return typeof json.publicKey === "object" && json.publicKey !== null ? (json.publicKey as Json) : json;
}

function statics(): ParsingStatics {
  return (typeof PublicKeyCredential === "undefined" ? {} : PublicKeyCredential) as unknown as ParsingStatics;
}

export function toRequestOptions(options: unknown): PublicKeyCredentialRequestOptions {
  const json = unwrapOptions(options);
  const parse = statics().parseRequestOptionsFromJSON;
  return parse ? parse.call(PublicKeyCredential, json) : decodeRequestOptions(json);
}

export function toCreationOptions(options: unknown): PublicKeyCredentialCreationOptions {
  const json = unwrapOptions(options);
  const parse = statics().parseCreationOptionsFromJSON;
  return parse ? parse.call(PublicKeyCredential, json) : decodeCreationOptions(json);
}

interface AnyResponse {
  clientDataJSON: ArrayBuffer;
  attestationObject?: ArrayBuffer;
  authenticatorData?: ArrayBuffer;
  signature?: ArrayBuffer;
  userHandle?: ArrayBuffer | null;
  getTransports?: () => string[];
  getPublicKey?: () => ArrayBuffer | null;
  getPublicKeyAlgorithm?: () => number;
  getAuthenticatorData?: () => ArrayBuffer;
}

interface CredentialLike {
  id: string;
  rawId: ArrayBuffer;
  type: string;
  authenticatorAttachment?: string | null;
  response: AnyResponse;
  getClientExtensionResults?: () => unknown;
  toJSON?: () => unknown;
}

/** PublicKeyCredential.toJSON() (WebAuthn L3 §5.1), or the same object built by hand where the browser lacks it. */
export function credentialToJson(credential: CredentialLike): Json {
  if (typeof credential.toJSON === "function") {
    return credential.toJSON() as Json;
  }
  const r = credential.response;
  const response: Json = { clientDataJSON: bytesToBase64url(r.clientDataJSON) };
  if (r.attestationObject) {
    response.attestationObject = bytesToBase64url(r.attestationObject);
    response.transports = r.getTransports?.() ?? [];
    const authenticatorData = r.getAuthenticatorData?.();
    if (authenticatorData) {
      response.authenticatorData = bytesToBase64url(authenticatorData);
    }
    const publicKey = r.getPublicKey?.();
    if (publicKey) {
      response.publicKey = bytesToBase64url(publicKey);
    }
    const algorithm = r.getPublicKeyAlgorithm?.();
    if (algorithm !== undefined) {
      response.publicKeyAlgorithm = algorithm;
    }
  } else {
    if (r.authenticatorData) {
      response.authenticatorData = bytesToBase64url(r.authenticatorData);
    }
    if (r.signature) {
      response.signature = bytesToBase64url(r.signature);
    }
    if (r.userHandle) {
      response.userHandle = bytesToBase64url(r.userHandle);
    }
  }
  return {
    id: credential.id,
    rawId: bytesToBase64url(credential.rawId),
    type: credential.type,
    authenticatorAttachment: credential.authenticatorAttachment ?? null,
    response,
    clientExtensionResults: credential.getClientExtensionResults?.() ?? {},
  };
}

export function passkeysSupported(): boolean {
  return typeof window !== "undefined" && typeof window.PublicKeyCredential === "function" && !!navigator.credentials;
}

/** A passkey ceremony the user cancelled or that timed out: not an error worth an alarm, say so gently. */
export class PasskeyCancelled extends Error {
  constructor() {
    super("The passkey request was cancelled or timed out.");
    this.name = "PasskeyCancelled";
  }
}

/** Runs one WebAuthn ceremony; the user dismissing it (or the browser refusing it) becomes PasskeyCancelled. */
async function ceremony(run: () => Promise<Credential | null>): Promise<Json> {
  let credential: Credential | null;
  try {
    credential = await run();
  } catch (error) {
    if (error instanceof DOMException && (error.name === "NotAllowedError" || error.name === "AbortError")) {
      throw new PasskeyCancelled();
    }
    throw error;
  }
  if (!credential) {
    throw new PasskeyCancelled();
  }
  return credentialToJson(credential as unknown as CredentialLike);
}

/** Runs navigator.credentials.get for the server's options and returns the assertion's JSON. */
export function getAssertion(options: unknown): Promise<Json> {
  return ceremony(() => navigator.credentials.get({ publicKey: toRequestOptions(options) }));
}

/** Runs navigator.credentials.create for the server's options and returns the new credential's JSON. */
export function createCredential(options: unknown): Promise<Json> {
  return ceremony(() => navigator.credentials.create({ publicKey: toCreationOptions(options) }));
}

/** A step-up proof by passkey: options from the server, the assertion, sent as `passkey=<base64url of its JSON>`. */
export async function passkeyStepUp(): Promise<string> {
  const { options } = await api.post<{ options: unknown }>("/api/v1/auth/passkeys/step-up");
  const assertion = await getAssertion(options);
  return `passkey=${bytesToBase64url(new TextEncoder().encode(JSON.stringify(assertion)))}`;
}
