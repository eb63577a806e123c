import { afterEach, describe, expect, it, vi } from "vitest";
import { base64urlToBytes, bytesToBase64url, createCredential, credentialToJson, decodeCreationOptions, decodeRequestOptions, getAssertion, PasskeyCancelled, unwrapOptions } from "./webauthn";

const bytes = (...values: number[]) => new Uint8Array(values);

describe("base64url", () => {
  it("round-trips every length without padding", () => {
    for (let n = 0; n < 40; n++) {
      const input = new Uint8Array(n).map((_, i) => (i * 37 + 11) % 256);
      const text = bytesToBase64url(input);
      expect(text).not.toMatch(/[+/=]/);
      expect(Array.from(base64urlToBytes(text))).toEqual(Array.from(input));
    }
  });

  it("uses the URL-safe alphabet (RFC 4648 §5)", () => {
    expect(bytesToBase64url(bytes(0xfb, 0xff))).toBe("-_8");
    expect(Array.from(base64urlToBytes("-_8"))).toEqual([0xfb, 0xff]);
  });

  it("accepts a view into a larger buffer", () => {
    const whole = bytes(1, 2, 3, 4, 5);
    expect(bytesToBase64url(whole.subarray(1, 3))).toBe(bytesToBase64url(bytes(2, 3)));
  });
});

describe("options decoding", () => {
  it("decodes request options: challenge and allowed credential ids", () => {
    const options = decodeRequestOptions({
      challenge: "AQID",
      rpId: "localhost",
      timeout: 60000,
      userVerification: "required",
      allowCredentials: [{ type: "public-key", id: "BAUG", transports: ["internal"] }],
    });
    expect(Array.from(new Uint8Array(options.challenge as ArrayBuffer))).toEqual([1, 2, 3]);
    expect(options.rpId).toBe("localhost");
    expect(options.userVerification).toBe("required");
    const allowed = options.allowCredentials![0]!;
    expect(Array.from(new Uint8Array(allowed.id as ArrayBuffer))).toEqual([4, 5, 6]);
    expect(allowed.transports).toEqual(["internal"]);
  });

  it("leaves usernameless request options without allowCredentials", () => {
    const options = decodeRequestOptions({ challenge: "AQID" });
    expect(options.allowCredentials).toBeUndefined();
  });

  it("decodes creation options: challenge, user id and excluded credentials", () => {
    const options = decodeCreationOptions({
      challenge: "AAEC",
      rp: { id: "localhost", name: "Coffer" },
      user: { id: "_w", name: "alice", displayName: "alice" },
      pubKeyCredParams: [{ type: "public-key", alg: -7 }],
      excludeCredentials: [{ type: "public-key", id: "AQ" }],
      authenticatorSelection: { residentKey: "required", userVerification: "required" },
    });
    expect(Array.from(new Uint8Array(options.challenge as ArrayBuffer))).toEqual([0, 1, 2]);
    expect(Array.from(new Uint8Array(options.user.id as ArrayBuffer))).toEqual([0xff]);
    expect(options.user.name).toBe("alice");
    expect(options.rp.name).toBe("Coffer");
    expect(Array.from(new Uint8Array(options.excludeCredentials![0]!.id as ArrayBuffer))).toEqual([1]);
    expect(options.pubKeyCredParams[0]!.alg).toBe(-7);
  });

  it("unwraps {publicKey: …}", () => {
    expect(unwrapOptions({ publicKey: { challenge: "x" } })).toEqual({ challenge: "x" });
    expect(unwrapOptions({ challenge: "x" })).toEqual({ challenge: "x" });
  });
});

describe("credentialToJson", () => {
  const buf = (...v: number[]) => bytes(...v).buffer;

  it("uses the browser's toJSON when there is one", () => {
    const json = credentialToJson({ id: "a", rawId: buf(1), type: "public-key", response: { clientDataJSON: buf(1) }, toJSON: () => ({ native: true }) });
    expect(json).toEqual({ native: true });
  });

  it("serializes an assertion by hand", () => {
    const json = credentialToJson({
      id: "AQI",
      rawId: buf(1, 2),
      type: "public-key",
      authenticatorAttachment: "platform",
      response: { clientDataJSON: buf(3), authenticatorData: buf(4), signature: buf(5), userHandle: buf(6) },
      getClientExtensionResults: () => ({}),
    });
    expect(json).toEqual({
      id: "AQI",
      rawId: "AQI",
      type: "public-key",
      authenticatorAttachment: "platform",
      response: { clientDataJSON: "Aw", authenticatorData: "BA", signature: "BQ", userHandle: "Bg" },
      clientExtensionResults: {},
    });
  });

  it("serializes an attestation by hand", () => {
    const json = credentialToJson({
      id: "AQ",
      rawId: buf(1),
      type: "public-key",
      response: { clientDataJSON: buf(3), attestationObject: buf(7), getTransports: () => ["usb"], getPublicKeyAlgorithm: () => -7, getPublicKey: () => null },
    });
    expect(json.response).toEqual({ clientDataJSON: "Aw", attestationObject: "Bw", transports: ["usb"], publicKeyAlgorithm: -7 });
    expect(json.authenticatorAttachment).toBeNull();
  });
});

describe("getAssertion and createCredential", () => {
  afterEach(() => vi.unstubAllGlobals());
  const request = { challenge: "AQID" };
  const creation = { challenge: "AAEC", rp: { id: "localhost", name: "Coffer" }, user: { id: "_w", name: "alice", displayName: "alice" }, pubKeyCredParams: [{ type: "public-key", alg: -7 }] };
  const credential = { id: "a", rawId: bytes(1).buffer, type: "public-key", response: { clientDataJSON: bytes(1).buffer }, toJSON: () => ({ ok: true }) };
  const stub = (answer: () => Promise<unknown>) => {
    const call = vi.fn(answer);
    vi.stubGlobal("navigator", { ...navigator, credentials: { get: call, create: call } });
    return call;
  };
  const ceremonies = [
    ["getAssertion", () => getAssertion(request), [1, 2, 3]],
    ["createCredential", () => createCredential(creation), [0, 1, 2]],
  ] as const;

  it.each(ceremonies)("%s returns the credential's JSON, for the decoded options", async (_, run, challenge) => {
    const call = stub(async () => credential);
    await expect(run()).resolves.toEqual({ ok: true });
    const publicKey = (call.mock.calls[0] as unknown as [{ publicKey: { challenge: Uint8Array } }])[0].publicKey;
    expect(Array.from(publicKey.challenge)).toEqual(challenge);
  });

  it.each(ceremonies)("%s: the user dismissing the prompt, or no credential, is PasskeyCancelled", async (_, run) => {
    for (const name of ["NotAllowedError", "AbortError"]) {
      stub(() => Promise.reject(new DOMException("no", name)));
      await expect(run()).rejects.toBeInstanceOf(PasskeyCancelled);
    }
    stub(async () => null);
    await expect(run()).rejects.toBeInstanceOf(PasskeyCancelled);
  });

  it.each(ceremonies)("%s lets any other failure through as it is", async (_, run) => {
    const failure = new DOMException("wrong rp", "SecurityError");
    stub(() => Promise.reject(failure));
    await expect(run()).rejects.toBe(failure);
  });
});
