using System.Text;
using Coffer.Exchanges.Signing;
using Coffer.Vault.Signing;

namespace Coffer.Exchanges.Binance;

/// <summary>
/// Builds Binance's wire requests and signs SIGNED (TRADE, USER_DATA) ones. Binance rest-api.md, "Request Security" /
/// "SIGNED Endpoint security": the payload is the query string concatenated without separator to the form body, every
/// value percent-encoded (UTF-8) before signing; <c>signature = hex(HMAC-SHA256(secret, payload))</c> is appended to the
/// query string after the signed parameters, and the key goes in <c>X-MBX-APIKEY</c>. The bytes signed are the bytes
/// sent: the query and body built here are never re-encoded.
/// </summary>
internal static class BinanceRequest
{
    public const string ApiKeyHeader = "X-MBX-APIKEY";

    /// <summary>rest-api.md "Timing security": 5000 ms is Binance's default window; Coffer states it explicitly.</summary>
    public const int RecvWindow = 5000;

    /// <summary><c>k=v&amp;k=v</c> with keys and values percent-encoded (RFC 3986 unreserved characters kept).</summary>
    public static string Encode(IEnumerable<KeyValuePair<string, string>> parameters) =>
        string.Join('&', parameters.Select(p => Uri.EscapeDataString(p.Key) + "=" + Uri.EscapeDataString(p.Value)));

    /// <summary>The signed payload: query string + body, no separator (rest-api.md, "SIGNED Endpoint security").</summary>
    public static string Payload(string query, string body) => query + body;

    public static ValueTask<string> SignAsync(IRequestSigner signer, string query, string body, CancellationToken cancellationToken) =>
        signer.SignAsync(SigningMechanism.HmacSha256Hex, Encoding.UTF8.GetBytes(Payload(query, body)), cancellationToken);

    /// <summary>
    /// A request with <paramref name="parameters"/> in the query (GET, DELETE) or in a form body (POST). Signed requests
    /// get <c>recvWindow</c> and <c>timestamp</c> (from the exchange clock) after the caller's parameters, and then the
    /// signature — in the query for GET/DELETE, at the end of the body for POST.
    /// </summary>
    public static async ValueTask<HttpRequestMessage> BuildAsync(
        Uri baseUri,
        HttpMethod method,
        string path,
        IReadOnlyList<KeyValuePair<string, string>> parameters,
        ExchangeCredentials? credentials,
        DateTimeOffset? timestamp,
        CancellationToken cancellationToken)
    {
        var list = new List<KeyValuePair<string, string>>(parameters);
        string? signature = null;
        if (timestamp is { } at)
        {
            if (credentials is null)
            {
                throw new ExchangeException("binance", ExchangeErrorKind.Authentication, $"Binance {path} needs an API key; this connection has none.", transient: false);
            }

            list.Add(new("recvWindow", RecvWindow.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            list.Add(new("timestamp", at.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        var inBody = method == HttpMethod.Post;
        var encoded = Encode(list);
        var query = inBody ? string.Empty : encoded;
        var body = inBody ? encoded : string.Empty;
        if (timestamp is not null)
        {
            signature = await SignAsync(credentials!.Signer, query, body, cancellationToken);
            if (inBody)
            {
                body += (body.Length > 0 ? "&" : string.Empty) + "signature=" + signature;
            }
            else
            {
                query += (query.Length > 0 ? "&" : string.Empty) + "signature=" + signature;
            }
        }

        var uri = new Uri(baseUri, path + (query.Length > 0 ? "?" + query : string.Empty));
        var request = new HttpRequestMessage(method, uri);
        if (inBody)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/x-www-form-urlencoded");
        }

        if (credentials is not null)
        {
            request.Headers.TryAddWithoutValidation(ApiKeyHeader, credentials.ApiKey);
        }

        return request;
    }
}
