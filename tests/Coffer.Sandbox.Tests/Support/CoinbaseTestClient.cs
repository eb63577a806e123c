using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Coffer.Sandbox.Tests.Support;

/// <summary>One answer from the Coinbase front: status, raw text, JSON (if it was JSON) and the response headers.</summary>
internal sealed record CoinbaseAnswer(int Status, string Text, JsonElement Body, HttpResponseMessage Response)
{
    public string Header(string name) => Response.Headers.TryGetValues(name, out var values) ? values.Single() : "";
}

/// <summary>Talks to the sandbox's Coinbase front the way a CDP-key client does: a fresh JWT for every request.</summary>
internal sealed class CoinbaseTestClient(HttpClient http, TimeProvider clock)
{
    public HttpClient Http { get; } = http;

    /// <summary>host:port of the listener, the "host" part of the JWT uri claim.</summary>
    public string Authority => Http.BaseAddress!.Authority;

    public string Uri(string method, string pathAndQuery)
    {
        var query = pathAndQuery.IndexOf('?', StringComparison.Ordinal);
        return $"{method} {Authority}{(query < 0 ? pathAndQuery : pathAndQuery[..query])}";
    }

    /// <summary>A request signed with a good JWT (optionally edited by <paramref name="edit"/> before signing).</summary>
    public Task<CoinbaseAnswer> SendAsync(
        HttpMethod method, string pathAndQuery, string keyName, string pem, object? body = null,
        Action<Dictionary<string, object>, Dictionary<string, object>>? edit = null)
    {
        var header = CoinbaseTestJwt.Header(keyName);
        var claims = CoinbaseTestJwt.Claims(keyName, Uri(method.Method, pathAndQuery), clock.GetUtcNow().ToUnixTimeSeconds());
        edit?.Invoke(header, claims);
        return SendWithJwtAsync(method, pathAndQuery, CoinbaseTestJwt.Sign(header, claims, pem), body);
    }

    public async Task<CoinbaseAnswer> SendWithJwtAsync(HttpMethod method, string pathAndQuery, string? jwt, object? body = null)
    {
        using var request = new HttpRequestMessage(method, pathAndQuery);
        if (jwt is not null)
        {
            request.Headers.Add("Authorization", "Bearer " + jwt);
        }

        if (body is not null)
        {
            request.Content = new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");
        }

        var response = await Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        var json = response.Content.Headers.ContentType?.MediaType == "application/json" && text.Length > 0
            ? JsonDocument.Parse(text).RootElement.Clone()
            : default;
        return new CoinbaseAnswer((int)response.StatusCode, text, json, response);
    }

    public Task<CoinbaseAnswer> GetAsync(string pathAndQuery, string keyName, string pem) => SendAsync(HttpMethod.Get, pathAndQuery, keyName, pem);

    public Task<CoinbaseAnswer> PostAsync(string path, string keyName, string pem, object body) => SendAsync(HttpMethod.Post, path, keyName, pem, body);

    public Task<CoinbaseAnswer> PublicAsync(string pathAndQuery) => SendWithJwtAsync(HttpMethod.Get, pathAndQuery, null);

    public async Task<(string KeyName, string Pem, string Account)> IssueKeyAsync(params string[] permissions)
    {
        using var response = await Http.PostAsJsonAsync("/sandbox/keys", new { exchange = "coinbase", permissions });
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

    public async Task<JsonElement> ControlGetAsync(string path) => await Http.GetFromJsonAsync<JsonElement>(path);
}
