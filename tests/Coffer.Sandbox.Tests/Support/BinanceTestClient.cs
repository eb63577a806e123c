using System.Globalization;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Coffer.Sandbox.Tests.Support;

/// <summary>
/// A deliberately separate, hand-written Binance signer (no sandbox code): query string in the order given, hex
/// HMAC-SHA256 over it with the secret's bytes, <c>signature</c> appended last (rest-api.md "SIGNED Endpoint security").
/// </summary>
internal sealed class BinanceTestClient(HttpClient http, TimeProvider clock)
{
    public HttpClient Http { get; } = http;

    public static string Sign(string secret, string payload) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(payload)));

    public async Task<(int Status, JsonElement Body, HttpResponseMessage Response)> SignedAsync(
        HttpMethod method, string path, string apiKey, string secret, string parameters = "", long? timestamp = null, string? signature = null)
    {
        var stamp = (timestamp ?? clock.GetUtcNow().ToUnixTimeMilliseconds()).ToString(CultureInfo.InvariantCulture);
        var query = parameters.Length == 0 ? $"timestamp={stamp}" : $"{parameters}&timestamp={stamp}";
        var url = $"{path}?{query}&signature={signature ?? Sign(secret, query)}";
        using var request = new HttpRequestMessage(method, url);
        request.Headers.Add("X-MBX-APIKEY", apiKey);
        return await SendAsync(request);
    }

    public async Task<(int Status, JsonElement Body, HttpResponseMessage Response)> GetAsync(string pathAndQuery)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, pathAndQuery);
        return await SendAsync(request);
    }

    public async Task<(int Status, JsonElement Body, HttpResponseMessage Response)> SendAsync(HttpRequestMessage request)
    {
        var response = await Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        var body = text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
        return ((int)response.StatusCode, body, response);
    }

    /// <summary>Issues a key through the control API, as any test or the demo does.</summary>
    public async Task<(string ApiKey, string Secret, string Account)> IssueKeyAsync(string[] permissions, string[]? ipAllowlist = null)
    {
        using var response = await Http.PostAsJsonAsync("/sandbox/keys", new { exchange = "binance", permissions, ip_allowlist = ipAllowlist });
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
