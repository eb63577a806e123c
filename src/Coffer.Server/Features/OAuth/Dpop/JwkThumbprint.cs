using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Coffer.Server.Features.OAuth.Dpop;

/// <summary>
/// Public JWKs (RFC 7517) as DPoP proof keys: the RFC 7638 thumbprint a token is bound to (<c>cnf.jkt</c>, RFC 9449
/// §6), and the verifying key. Only the asymmetric key types DPoP allows are read, and only their public halves: a JWK
/// carrying a private member is refused outright (RFC 9449 §4.3 item 7), because a client that sends its private key
/// has already lost it, and a symmetric key would let anyone who saw a proof forge the next one.
/// </summary>
internal static class JwkThumbprint
{
    /// <summary>Members that only a private or symmetric key has (RFC 7518 §6.2.2, §6.3.2, §6.4.1).</summary>
    private static readonly string[] PrivateMembers = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"];

    /// <summary>RSA keys below 2048 bits are refused (NIST SP 800-131A); above 8192 bits cost more to verify than a proof is worth.</summary>
    private const int MinRsaBits = 2048;
    private const int MaxRsaBits = 8192;

    /// <summary>
    /// The base64url SHA-256 thumbprint of a public JWK (RFC 7638 §3): the required members only, in lexicographic
    /// order, without whitespace. Null (with <paramref name="error"/>) when the JWK is not a public EC or RSA key.
    /// </summary>
    public static string? Compute(JsonElement jwk, out string? error)
    {
        var key = Read(jwk, out error);
        return key?.Thumbprint;
    }

    /// <summary>The thumbprint of a JWK given as JSON text.</summary>
    public static string? Compute(string jwkJson, out string? error)
    {
        try
        {
            using var document = JsonDocument.Parse(jwkJson);
            return Compute(document.RootElement, out error);
        }
        catch (JsonException)
        {
            error = "The jwk is not JSON.";
            return null;
        }
    }

    /// <summary>
    /// Reads a public JWK into its thumbprint and a factory for the verifying key; null (with <paramref name="error"/>)
    /// if it is not one. EC points are checked to lie on the named curve when imported.
    /// </summary>
    public static PublicJwk? Read(JsonElement jwk, out string? error)
    {
        if (jwk.ValueKind != JsonValueKind.Object)
        {
            error = "The jwk header is not a JSON object.";
            return null;
        }

        foreach (var member in PrivateMembers)
        {
            if (jwk.TryGetProperty(member, out _))
            {
                error = $"The jwk carries the private or symmetric member '{member}': send the public key only.";
                return null;
            }
        }

        var kty = String(jwk, "kty");
        return kty switch
        {
            "EC" => ReadEc(jwk, out error),
            "RSA" => ReadRsa(jwk, out error),
            "oct" => Fail("The jwk is a symmetric (oct) key; DPoP needs an asymmetric key.", out error),
            null => Fail("The jwk has no kty.", out error),
            _ => Fail("The jwk's kty is not EC or RSA.", out error),
        };
    }

    private static PublicJwk? ReadEc(JsonElement jwk, out string? error)
    {
        var crv = String(jwk, "crv");
        var (curve, size) = crv switch
        {
            "P-256" => (ECCurve.NamedCurves.nistP256, 32),
            "P-384" => (ECCurve.NamedCurves.nistP384, 48),
            "P-521" => (ECCurve.NamedCurves.nistP521, 66),
            _ => (default(ECCurve), 0),
        };
        if (size == 0)
        {
            return Fail("The jwk's crv is not P-256, P-384 or P-521.", out error);
        }

        var x = String(jwk, "x");
        var y = String(jwk, "y");

        // RFC 7518 §6.2.1.2: each coordinate is the full size of the field, so one key has exactly one encoding (and one thumbprint).
        if (Decode(x) is not { } xBytes || Decode(y) is not { } yBytes || xBytes.Length != size || yBytes.Length != size)
        {
            return Fail($"The jwk's x and y must be base64url coordinates of {size} bytes each for {crv}.", out error);
        }

        var parameters = new ECParameters { Curve = curve, Q = new ECPoint { X = xBytes, Y = yBytes } };
        try
        {
            // Importing checks that the point lies on the curve; a point off it (an invalid-curve attack) throws here.
            parameters.Validate();
            using var probe = ECDsa.Create(parameters);
        }
        catch (CryptographicException)
        {
            return Fail($"The jwk's point is not on {crv}.", out error);
        }

        error = null;
        var canonical = $"{{\"crv\":\"{crv}\",\"kty\":\"EC\",\"x\":\"{x}\",\"y\":\"{y}\"}}";
        return new PublicJwk("EC", crv, Hash(canonical), parameters, null);
    }

    private static PublicJwk? ReadRsa(JsonElement jwk, out string? error)
    {
        var n = String(jwk, "n");
        var e = String(jwk, "e");

        // RFC 7518 §6.3.1: unsigned big-endian integers without leading zero octets (again: one key, one thumbprint).
        if (Decode(n) is not { Length: > 0 } modulus || Decode(e) is not { Length: > 0 } exponent || modulus[0] == 0 || exponent[0] == 0)
        {
            return Fail("The jwk's n and e must be base64url integers without leading zero octets.", out error);
        }

        var bits = modulus.Length * 8;
        if (bits < MinRsaBits || bits > MaxRsaBits)
        {
            return Fail($"The jwk's RSA modulus must be {MinRsaBits} to {MaxRsaBits} bits.", out error);
        }

        var parameters = new RSAParameters { Modulus = modulus, Exponent = exponent };
        try
        {
            using var probe = RSA.Create(parameters);
        }
        catch (CryptographicException)
        {
            return Fail("The jwk is not a usable RSA public key.", out error);
        }

        error = null;
        var canonical = $"{{\"e\":\"{e}\",\"kty\":\"RSA\",\"n\":\"{n}\"}}";
        return new PublicJwk("RSA", null, Hash(canonical), null, parameters);
    }

    private static string Hash(string canonical) => Base64Url.EncodeToString(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));

    private static string? String(JsonElement jwk, string name) =>
        jwk.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>Strict unpadded base64url: the thumbprint hashes these strings as sent, so only the one canonical alphabet is let through.</summary>
    internal static byte[]? Decode(string? value)
    {
        if (string.IsNullOrEmpty(value) || value.Length > 4096)
        {
            return null;
        }

        foreach (var c in value)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c == '-' || c == '_'))
            {
                return null;
            }
        }

        try
        {
            var bytes = Base64Url.DecodeFromChars(value);

            // Reject non-canonical trailing bits, so that two strings never decode to the same bytes.
            return Base64Url.EncodeToString(bytes) == value ? bytes : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static PublicJwk? Fail(string message, out string? error)
    {
        error = message;
        return null;
    }
}

/// <summary>A public JWK that passed <see cref="JwkThumbprint.Read"/>: its RFC 7638 thumbprint and its public parameters.</summary>
internal sealed record PublicJwk(string Kty, string? Crv, string Thumbprint, ECParameters? Ec, RSAParameters? Rsa)
{
    /// <summary>A fresh verifying key; the caller disposes it.</summary>
    public ECDsa CreateEcdsa() => ECDsa.Create(Ec ?? throw new InvalidOperationException("Not an EC key."));

    /// <summary>A fresh verifying key; the caller disposes it.</summary>
    public RSA CreateRsa() => RSA.Create(Rsa ?? throw new InvalidOperationException("Not an RSA key."));
}
