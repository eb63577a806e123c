using System.Globalization;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Coffer.Sandbox.Tests.Support;

/// <summary>
/// A deliberately separate, hand-written Kraken signer (no sandbox code): API-Sign = base64(HMAC-SHA512(key =
/// base64decode(secret), message = path ‖ SHA-256(nonce ‖ body))) over the exact body sent (spot-rest-auth).
/// </summary>
internal sealed class KrakenTestClient(HttpClient http)
{
    private long _nonce = 1_772_000_000_000;

    public HttpClient Http { get; } = http;

    public static string Sign(string secret, string path, string nonce, string body)
    {
        var digest = SHA256.HashData(Encoding.UTF8.GetBytes(nonce + body));
        var message = Encoding.UTF8.GetBytes(path).Concat(digest).ToArray();
        return Convert.ToBase64String(HMACSHA512.HashData(Convert.FromBase64String(secret), message));
    }

    public long NextNonce() => Interlocked.Increment(ref _nonce);

    /// <summary>POSTs <c>nonce=…&amp;parameters</c> form-encoded to <c>/0/private/method</c>, signed unless a signature is given.</summary>
    public async Task<(int Status, JsonElement Body)> PrivateAsync(
        string method, string apiKey, string secret, string parameters = "", long? nonce = null, string? signature = null)
    {
        var n = (nonce ?? NextNonce()).ToString(CultureInfo.InvariantCulture);
        var body = parameters.Length == 0 ? $"nonce={n}" : $"nonce={n}&{parameters}";
        var path = "/0/private/" + method;
        return await PostAsync(path, apiKey, signature ?? Sign(secret, path, n, body), body, "application/x-www-form-urlencoded");
    }

    public async Task<(int Status, JsonElement Body)> PostAsync(string path, string? apiKey, string? signature, string body, string contentType)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body)),
        };
        request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        if (apiKey is not null)
        {
            request.Headers.Add("API-Key", apiKey);
        }

        if (signature is not null)
        {
            request.Headers.Add("API-Sign", signature);
        }

        return await SendAsync(request);
    }

    public async Task<(int Status, JsonElement Body)> GetAsync(string pathAndQuery)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, pathAndQuery);
        return await SendAsync(request);
    }

    public async Task<(int Status, JsonElement Body)> SendAsync(HttpRequestMessage request)
    {
        var response = await Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    public static string[] Errors(JsonElement body) => [.. body.GetProperty("error").EnumerateArray().Select(e => e.GetString()!)];

    public static JsonElement Result(JsonElement body)
    {
        Assert.Empty(Errors(body));
        return body.GetProperty("result");
    }

    public async Task<(string ApiKey, string Secret, string Account)> IssueKeyAsync(string[] permissions, string[]? ipAllowlist = null)
    {
        using var response = await Http.PostAsJsonAsync("/sandbox/keys", new { exchange = "kraken", permissions, ip_allowlist = ipAllowlist });
        response.EnsureSuccessStatusCode();
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();
        return (json.GetProperty("api_key").GetString()!, json.GetProperty("secret").GetString()!, json.GetProperty("account").GetString()!);
    }

    public async Task DepositAsync(string account, string asset, decimal amount)
    {
        using var response = await Http.PostAsJsonAsync($"/sandbox/accounts/{account}/deposit", new { asset, amount });
        response.EnsureSuccessStatusCode();
    }

    public async Task<JsonElement> ControlAsync(string path, object body)
    {
        using var response = await Http.PostAsJsonAsync(path, body);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }
}
