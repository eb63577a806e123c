using System.Security.Cryptography;
using System.Text;

namespace Coffer.Sandbox.Kraken;

/// <summary>
/// Kraken's API-Sign (spot-rest-auth): base64(HMAC-SHA512(key = base64decode(private key),
/// message = UTF-8(URI path) ‖ SHA-256(UTF-8(nonce) ‖ exact POST body bytes))).
/// </summary>
internal static class KrakenSignature
{
    public static byte[] Compute(byte[] secret, string path, string nonce, ReadOnlySpan<byte> body)
    {
        var nonceBytes = Encoding.UTF8.GetBytes(nonce);
        var hashed = new byte[nonceBytes.Length + body.Length];
        nonceBytes.CopyTo(hashed, 0);
        body.CopyTo(hashed.AsSpan(nonceBytes.Length));
        var pathBytes = Encoding.UTF8.GetBytes(path);
        var message = new byte[pathBytes.Length + SHA256.HashSizeInBytes];
        pathBytes.CopyTo(message, 0);
        SHA256.HashData(hashed, message.AsSpan(pathBytes.Length));
        return HMACSHA512.HashData(secret, message);
    }

    public static bool Verify(string secret, string path, string nonce, ReadOnlySpan<byte> body, string? signature)
    {
        if (signature is null || !TryBase64(secret, out var key) || !TryBase64(signature, out var given))
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(Compute(key, path, nonce, body), given);
    }

    private static bool TryBase64(string text, out byte[] bytes)
    {
        bytes = new byte[((text.Length + 3) / 4) * 3];
        if (!Convert.TryFromBase64String(text, bytes, out var written))
        {
            return false;
        }

        bytes = bytes[..written];
        return true;
    }
}
