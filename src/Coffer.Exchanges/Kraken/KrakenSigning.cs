using System.Security.Cryptography;
using System.Text;
using Coffer.Exchanges.Signing;
using Coffer.Vault.Signing;

namespace Coffer.Exchanges.Kraken;

/// <summary>
/// Kraken's API-Sign (https://docs.kraken.com/api/docs/guides/spot-rest-auth): HMAC-SHA512, keyed with the base64-decoded
/// secret, over the URI path followed by SHA-256(nonce + POST data), base64. Coffer builds the message; the vault's
/// oracle does the HMAC, so the secret never reaches the connector.
/// </summary>
internal static class KrakenSigning
{
    /// <summary>UTF-8(path) ‖ SHA-256(UTF-8(nonce + body)), the 32-byte binary digest.</summary>
    public static byte[] Message(string uriPath, string nonce, string body)
    {
        var path = Encoding.UTF8.GetBytes(uriPath);
        var digest = SHA256.HashData(Encoding.UTF8.GetBytes(nonce + body));
        var message = new byte[path.Length + digest.Length];
        path.CopyTo(message, 0);
        digest.CopyTo(message, path.Length);
        return message;
    }

    /// <summary>The API-Sign header value for one request, from the vault.</summary>
    public static ValueTask<string> SignAsync(IRequestSigner signer, string uriPath, string nonce, string body, CancellationToken cancellationToken) =>
        signer.SignAsync(SigningMechanism.HmacSha512Base64OfBase64Secret, Message(uriPath, nonce, body), cancellationToken);

    /// <summary>
    /// A form-encoded body (application/x-www-form-urlencoded) in the given order, values percent-encoded (RFC 3986
    /// unreserved characters kept; "+" of relative prices becomes %2B as Kraken asks).
    /// </summary>
    public static string FormBody(IEnumerable<KeyValuePair<string, string>> fields) =>
        string.Join('&', fields.Select(f => Uri.EscapeDataString(f.Key) + "=" + Uri.EscapeDataString(f.Value)));
}
