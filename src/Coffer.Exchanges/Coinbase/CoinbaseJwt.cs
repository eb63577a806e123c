using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Coffer.Exchanges.Signing;
using Coffer.Exchanges.Transport;
using Coffer.Vault;
using Coffer.Vault.Signing;

namespace Coffer.Exchanges.Coinbase;

/// <summary>
/// The per-request bearer token of a Coinbase CDP API key: an ES256 JWT (RFC 7519, RFC 7515, alg per RFC 7518 §3.4).
/// Header <c>{alg:ES256, kid:key name, nonce:random hex, typ:JWT}</c>, claims <c>{sub:key name, iss:"cdp", nbf, exp:nbf+120,
/// uri:"METHOD host/path"}</c> — as the official SDK builds it (coinbase/coinbase-advanced-py coinbase/jwt_generator.py
/// @54fb8ed; exchanges.md §3.2). The signature comes from the vault's oracle; the PEM key never leaves the vault.
/// </summary>
internal static class CoinbaseJwt
{
    /// <summary>"Your JWT expires after 2 minutes" (docs.cdp.coinbase.com/get-started/authentication/jwt-authentication).</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(120);

    /// <summary>
    /// The <c>uri</c> claim: method, a space, host (and non-default port) and path — no scheme and no query string (the SDK
    /// signs the path alone; query parameters travel separately).
    /// </summary>
    public static string UriClaim(HttpMethod method, Uri requestUri) => $"{method.Method} {requestUri.Authority}{requestUri.AbsolutePath}";

    /// <summary>Builds and signs one JWT for one request; <paramref name="now"/> is the exchange clock's time.</summary>
    public static async ValueTask<string> CreateAsync(ExchangeCredentials credentials, HttpMethod method, Uri requestUri, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var keyName = credentials.ApiKey;
        var nbf = now.ToUnixTimeSeconds();

        // secrets.token_hex() in the SDK: 32 random bytes as lowercase hex, fresh for every request.
        var nonce = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        var header = Json(w =>
        {
            w.WriteString("alg", "ES256");
            w.WriteString("kid", keyName);
            w.WriteString("nonce", nonce);
            w.WriteString("typ", "JWT");
        });
        var claims = Json(w =>
        {
            w.WriteString("sub", keyName);
            w.WriteString("iss", "cdp");
            w.WriteNumber("nbf", nbf);
            w.WriteNumber("exp", nbf + (long)Lifetime.TotalSeconds);
            w.WriteString("uri", UriClaim(method, requestUri));
        });
        var signingInput = $"{Base64Url.EncodeToString(header)}.{Base64Url.EncodeToString(claims)}";
        string signature;
        try
        {
            signature = await credentials.Signer.SignAsync(SigningMechanism.Es256, Encoding.ASCII.GetBytes(signingInput), cancellationToken);
        }
        catch (VaultException ex) when (ex.Code == VaultError.InvalidSecretForMechanism)
        {
            // The vault names what is wrong with the stored key (not PEM, not P-256) without quoting it.
            throw new ExchangeException(CoinbaseClient.Id, ExchangeErrorKind.Authentication, $"The stored Coinbase secret cannot sign ES256 requests: {ex.Message} Coinbase Advanced Trade needs a CDP key created with the ECDSA (ES256) algorithm.", transient: false, inner: ex);
        }

        return $"{signingInput}.{signature}";
    }

    /// <summary>Signs <paramref name="request"/> with a fresh JWT as its bearer token, stamped with the exchange's time.</summary>
    public static async ValueTask AuthorizeAsync(HttpRequestMessage request, ExchangeCredentials credentials, ExchangeClock clock, CancellationToken cancellationToken)
    {
        var jwt = await CreateAsync(credentials, request.Method, request.RequestUri!, clock.Now, cancellationToken);
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", jwt);
    }

    private static byte[] Json(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            write(writer);
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }
}
