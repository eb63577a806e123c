using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Coffer.Sandbox.Keys;

namespace Coffer.Sandbox.Coinbase;

/// <summary>What a request's JWT claims to be, once its signature and claims have been checked.</summary>
internal sealed record VerifiedJwt(SandboxKey Key, string Nonce, DateTimeOffset Expires);

/// <summary>
/// Checks a CDP API key's per-request JWT as Advanced Trade does (reference §3.2; coinbase-advanced-py jwt_generator.py):
/// a JWS with header <c>{alg: ES256, kid: key name, nonce, typ: JWT}</c>, signed with the key's P-256 private key over
/// <c>base64url(header).base64url(claims)</c> with the 64-byte R‖S signature (RFC 7518 §3.4), and claims
/// <c>{sub: key name, iss: "cdp", nbf, exp, uri: "METHOD host/path"}</c> with a lifetime of at most 120 s.
/// </summary>
internal static class CoinbaseJwt
{
    /// <summary>The JWT lifetime the SDK uses and the docs state ("Your JWT expires after 2 minutes").</summary>
    public const int MaxLifetimeSeconds = 120;

    /// <summary>Checks the bearer token; the failure text goes to the request log only, never on the wire.</summary>
    public static (VerifiedJwt? Jwt, string? Failure) Verify(
        string? authorization, string expectedUri, DateTimeOffset now, KeyStore keys, int skewSeconds)
    {
        const string Scheme = "Bearer ";
        if (authorization is null || !authorization.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            return (null, "no-bearer");
        }

        var parts = authorization[Scheme.Length..].Trim().Split('.');
        if (parts.Length != 3)
        {
            return (null, "not-a-jws");
        }

        if (Json(parts[0]) is not { } header || Json(parts[1]) is not { } claims || Bytes(parts[2]) is not { } signature)
        {
            return (null, "malformed");
        }

        if (Text(header, "alg") != "ES256" || Text(header, "typ") != "JWT")
        {
            return (null, "alg");
        }

        if (Text(header, "kid") is not { Length: > 0 } kid || Text(header, "nonce") is not { Length: > 0 } nonce)
        {
            return (null, "kid-or-nonce");
        }

        if (keys.Find(SandboxExchange.Coinbase, kid) is not { } key)
        {
            return (null, "unknown-key");
        }

        if (signature.Length != 64 || !SignatureValid(key.Secret, parts[0] + "." + parts[1], signature))
        {
            return (null, "signature");
        }

        if (Text(claims, "sub") != kid || Text(claims, "iss") != "cdp")
        {
            return (null, "sub-or-iss");
        }

        if (Seconds(claims, "nbf") is not { } nbf || Seconds(claims, "exp") is not { } exp)
        {
            return (null, "nbf-or-exp");
        }

        var nowSeconds = now.ToUnixTimeSeconds();
        if (nbf > nowSeconds + skewSeconds || exp <= nowSeconds || exp <= nbf || exp - nbf > MaxLifetimeSeconds)
        {
            return (null, "expired-or-not-yet-valid");
        }

        // uri = "METHOD host+path", no scheme, no query (SDK format_jwt_uri; one JWT per method and path).
        if (Text(claims, "uri") != expectedUri)
        {
            return (null, "uri");
        }

        return (new VerifiedJwt(key, nonce, DateTimeOffset.FromUnixTimeSeconds(exp)), null);
    }

    /// <summary>The <c>kid</c> of a bearer token without verifying anything: for the request log only.</summary>
    public static string? UnverifiedKid(string? authorization)
    {
        const string Scheme = "Bearer ";
        if (authorization is null || !authorization.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var dot = authorization.IndexOf('.', StringComparison.Ordinal);
        return dot < 0 || Json(authorization[Scheme.Length..dot].Trim()) is not { } header ? null : Text(header, "kid");
    }

    private static bool SignatureValid(string pem, string signingInput, byte[] signature)
    {
        using var ec = ECDsa.Create();
        ec.ImportFromPem(pem);
        return ec.VerifyData(Encoding.ASCII.GetBytes(signingInput), signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
    }

    private static byte[]? Bytes(string part)
    {
        // JWS uses base64url without padding (RFC 7515 §2); padding or other alphabets make the token malformed.
        if (part.Length == 0 || part.Contains('=', StringComparison.Ordinal) || !Base64Url.IsValid(part))
        {
            return null;
        }

        return Base64Url.DecodeFromChars(part);
    }

    private static JsonElement? Json(string part)
    {
        if (Bytes(part) is not { } bytes)
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(bytes);
            return document.RootElement.ValueKind == JsonValueKind.Object ? document.RootElement.Clone() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? Text(JsonElement json, string name) =>
        json.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>NumericDate (RFC 7519 §2): a JSON number of seconds; the SDK sends integers.</summary>
    private static long? Seconds(JsonElement json, string name) =>
        json.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var seconds) ? seconds : null;
}
