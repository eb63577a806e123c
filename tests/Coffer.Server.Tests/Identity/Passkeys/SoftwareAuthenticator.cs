using System.Buffers.Binary;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Coffer.Server.Tests.Identity.Passkeys;

/// <summary>
/// A platform authenticator in software (W3C WebAuthn Level 3 §6): one discoverable ES256 credential on a P-256 key,
/// with a sign counter, producing the credential JSON a browser's <c>PublicKeyCredential.toJSON()</c> would give.
/// Every part a test may want wrong can be made wrong: origin, challenge, counter, signing key, flags.
/// </summary>
internal sealed class SoftwareAuthenticator : IDisposable
{
    /// <summary>User present, user verified (§6.1 flags), attested credential data included.</summary>
    public const byte UserPresent = 0x01;
    public const byte UserVerified = 0x04;
    public const byte AttestedCredentialData = 0x40;

    private static readonly byte[] Aaguid = Convert.FromHexString("c0ffee00c0ffee00c0ffee00c0ffee00");

    public SoftwareAuthenticator(string origin)
    {
        Origin = origin;
        CredentialId = RandomNumberGenerator.GetBytes(16);
    }

    public string Origin { get; }

    public byte[] CredentialId { get; }

    public string Id => Base64Url.EncodeToString(CredentialId);

    public ECDsa Key { get; } = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    /// <summary>The counter of the last signature; each new one is one more (§6.1.1).</summary>
    public uint SignCount { get; set; }

    /// <summary>The user handle the relying party gave at registration (user.id), returned with each assertion.</summary>
    public string? UserHandle { get; private set; }

    /// <summary>The response to <c>navigator.credentials.create(options)</c>: attestation format "none" (§8.7).</summary>
    public JsonObject Register(JsonElement options, string? origin = null, string? challenge = null, byte flags = UserPresent | UserVerified | AttestedCredentialData)
    {
        var rpId = options.GetProperty("rp").GetProperty("id").GetString()!;
        UserHandle = options.GetProperty("user").GetProperty("id").GetString()!;
        var clientData = ClientData("webauthn.create", challenge ?? options.GetProperty("challenge").GetString()!, origin ?? Origin);
        var authData = AuthenticatorData(rpId, flags, SignCount, attested: true);
        var attestationObject = Cbor.Map(
            (Cbor.Text("fmt"), Cbor.Text("none")),
            (Cbor.Text("attStmt"), Cbor.Map()),
            (Cbor.Text("authData"), Cbor.Bytes(authData)));
        return Credential(new JsonObject
        {
            ["clientDataJSON"] = Base64Url.EncodeToString(clientData),
            ["attestationObject"] = Base64Url.EncodeToString(attestationObject),
            ["transports"] = new JsonArray("internal"),
        });
    }

    /// <summary>
    /// The response to <c>navigator.credentials.get(options)</c>: the counter advances (unless <paramref name="signCount"/>
    /// says otherwise) and the signature is ECDSA over authenticatorData ‖ SHA-256(clientDataJSON), DER-encoded (§6.3.3).
    /// </summary>
    public JsonObject Assert(JsonElement options, string? origin = null, string? challenge = null, uint? signCount = null, ECDsa? signer = null, string? rpId = null)
    {
        SignCount = signCount ?? SignCount + 1;
        var clientData = ClientData("webauthn.get", challenge ?? options.GetProperty("challenge").GetString()!, origin ?? Origin);
        var authData = AuthenticatorData(rpId ?? options.GetProperty("rpId").GetString()!, UserPresent | UserVerified, SignCount, attested: false);
        byte[] signed = [.. authData, .. SHA256.HashData(clientData)];
        var signature = (signer ?? Key).SignData(signed, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        return Credential(new JsonObject
        {
            ["clientDataJSON"] = Base64Url.EncodeToString(clientData),
            ["authenticatorData"] = Base64Url.EncodeToString(authData),
            ["signature"] = Base64Url.EncodeToString(signature),
            ["userHandle"] = UserHandle,
        });
    }

    public void Dispose() => Key.Dispose();

    /// <summary>A challenge that the server never issued, in the form of a real one.</summary>
    public static string ForeignChallenge() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    private static byte[] ClientData(string type, string challenge, string origin) =>
        Encoding.UTF8.GetBytes(new JsonObject { ["type"] = type, ["challenge"] = challenge, ["origin"] = origin, ["crossOrigin"] = false }.ToJsonString());

    /// <summary>rpIdHash ‖ flags ‖ signCount (big-endian) [‖ AAGUID ‖ credential id length ‖ credential id ‖ COSE key] (§6.1).</summary>
    private byte[] AuthenticatorData(string rpId, byte flags, uint signCount, bool attested)
    {
        var data = new List<byte>(SHA256.HashData(Encoding.UTF8.GetBytes(rpId))) { flags };
        var counter = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(counter, signCount);
        data.AddRange(counter);
        if (attested)
        {
            data.AddRange(Aaguid);
            data.Add((byte)(CredentialId.Length >> 8));
            data.Add((byte)CredentialId.Length);
            data.AddRange(CredentialId);
            data.AddRange(CoseKey());
        }

        return [.. data];
    }

    /// <summary>The public key as a COSE_Key (RFC 9053 §7.1.1): kty EC2, alg ES256, crv P-256, x, y.</summary>
    private byte[] CoseKey()
    {
        var point = Key.ExportParameters(false).Q;
        return Cbor.Map(
            (Cbor.Integer(1), Cbor.Integer(2)),
            (Cbor.Integer(3), Cbor.Integer(-7)),
            (Cbor.Integer(-1), Cbor.Integer(1)),
            (Cbor.Integer(-2), Cbor.Bytes(point.X)),
            (Cbor.Integer(-3), Cbor.Bytes(point.Y)));
    }

    private JsonObject Credential(JsonObject response) => new()
    {
        ["id"] = Id,
        ["rawId"] = Id,
        ["type"] = "public-key",
        ["response"] = response,
        ["clientExtensionResults"] = new JsonObject(),
        ["authenticatorAttachment"] = "platform",
    };
}
