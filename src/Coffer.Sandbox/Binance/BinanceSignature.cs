using System.Security.Cryptography;
using System.Text;

namespace Coffer.Sandbox.Binance;

/// <summary>
/// Binance HMAC keys (rest-api.md "SIGNED Endpoint security"): the payload is the query string concatenated without a
/// separator to the body, over the exact bytes sent, without the <c>signature</c> parameter; hex HMAC-SHA256 keyed with the
/// secret's bytes; the signature is case-insensitive.
/// </summary>
internal static class BinanceSignature
{
    /// <summary>Removes the <c>signature=…</c> pair from a raw query string or body, keeping every other byte as sent.</summary>
    public static (string Remainder, string? Signature) Strip(string raw)
    {
        if (raw.Length == 0)
        {
            return (raw, null);
        }

        string? signature = null;
        var kept = new List<string>();
        foreach (var pair in raw.Split('&'))
        {
            if (pair.StartsWith("signature=", StringComparison.Ordinal))
            {
                signature ??= pair["signature=".Length..];
            }
            else
            {
                kept.Add(pair);
            }
        }

        return (string.Join('&', kept), signature);
    }

    public static string Compute(string secret, string payload) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(payload)));

    public static bool Verify(string secret, string payload, string signature)
    {
        var expected = Encoding.ASCII.GetBytes(Compute(secret, payload));
        var given = Encoding.ASCII.GetBytes(signature.ToLowerInvariant());
        return CryptographicOperations.FixedTimeEquals(expected, given);
    }
}
