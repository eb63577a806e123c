using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Coffer.Web.Tests.Support;

/// <summary>
/// The public /api/v1 as a script would call it, with bearer tokens: for preparing what a test is not about (an invitation,
/// a user with an exchange connected) so the browser spends its time on the pages under test.
/// </summary>
internal sealed class CofferApi(CofferServer server) : IDisposable
{
    private readonly HttpClient _client = server.CreateClient();

    public async Task<JsonElement> SendAsync(HttpMethod method, string path, object? body = null, string? token = null, string? stepUp = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        if (stepUp is not null)
        {
            request.Headers.Add("Coffer-Step-Up", stepUp);
        }

        using var response = await _client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{method} {path}: {(int)response.StatusCode} {text}");
        // Streamed answers (NDJSON progress) are read whole and not parsed: the caller only needed them done.
        return response.Content.Headers.ContentType?.MediaType is "application/json" or "application/problem+json" && text.Length > 0
            ? JsonDocument.Parse(text).RootElement.Clone()
            : default;
    }

    /// <summary>An invitation code from the admin (the dev server's root token).</summary>
    public async Task<string> InviteAsync() =>
        (await SendAsync(HttpMethod.Post, "/api/v1/auth/invitations", new Dictionary<string, object> { ["role"] = "trader" }, server.AdminToken)).GetProperty("invitation").GetString()!;

    /// <summary>A trader signed up with an invitation; returns the session token of that sign-up.</summary>
    public async Task<string> SignUpAsync(string username, string password)
    {
        var invitation = await InviteAsync();
        var body = await SendAsync(HttpMethod.Post, "/api/v1/auth/signup", new Dictionary<string, object> { ["invitation"] = invitation, ["username"] = username, ["password"] = password });
        return body.GetProperty("token").GetString()!;
    }

    /// <summary>Enrols and confirms TOTP for the session's user; returns the authenticator with the code it used.</summary>
    public async Task<Authenticator> EnableTotpAsync(string session)
    {
        var enrolment = await SendAsync(HttpMethod.Post, "/api/v1/auth/2fa/totp", token: session);
        var authenticator = Authenticator.FromBase32(enrolment.GetProperty("secret").GetString()!);
        await SendAsync(HttpMethod.Post, "/api/v1/auth/2fa/totp/confirm", new Dictionary<string, object> { ["code"] = await authenticator.NextCodeAsync() }, session);
        return authenticator;
    }

    /// <summary>Connects a sandbox key (step-up with the next code) and returns the connection's id.</summary>
    public async Task<string> ConnectAsync(string session, Authenticator authenticator, SandboxKey key, Uri baseUrl, string label)
    {
        var body = new Dictionary<string, object>
        {
            ["exchange"] = key.Exchange,
            ["label"] = label,
            ["api_key"] = key.ApiKey,
            ["secret"] = key.Secret,
            ["base_url"] = baseUrl.ToString(),
        };
        var connection = await SendAsync(HttpMethod.Post, "/api/v1/connections", body, session, "totp=" + await authenticator.NextCodeAsync());
        return connection.GetProperty("id").GetString()!;
    }

    /// <summary>Sets the dev admin's first password with its root token (what the setup page does); returns the username.</summary>
    public async Task<string> SetAdminPasswordAsync(string password) =>
        (await SendAsync(HttpMethod.Post, "/api/v1/auth/password", new Dictionary<string, object> { ["new_password"] = password }, server.AdminToken)).GetProperty("username").GetString()!;

    public void Dispose() => _client.Dispose();
}
