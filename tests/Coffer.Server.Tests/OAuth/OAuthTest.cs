using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Coffer.Server.Features.OAuth;
using Coffer.Server.Tests.Identity;
using Coffer.Server.Tests.Support;

namespace Coffer.Server.Tests.OAuth;

/// <summary>
/// A real server with a trader (<see cref="Session"/>, TOTP enrolled for step-up) and helpers that drive OAuth as a
/// client and a person would: register an app, follow /oauth/authorize, consent through the web app's API, call the
/// token, revocation and introspection endpoints with form posts.
/// </summary>
public abstract class OAuthTest : IdentityTest, IAsyncLifetime
{
    internal const string Redirect = "https://tool.example/callback";
    internal const string Verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    internal const string Challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

    private HttpClient _noRedirects = null!;

    internal string Session { get; private set; } = null!;

    internal byte[] Seed { get; private set; } = null!;

    public new async Task InitializeAsync()
    {
        await base.InitializeAsync();
        _noRedirects = ServerInstance.CreateClient(Server.Settings, Server.Address, followRedirects: false);
        await SignUpAsync("alice");
        Session = await SignInTokenAsync("alice");
        (Seed, _) = await EnrolTotpAsync(Session);
    }

    public override async Task DisposeAsync()
    {
        _noRedirects.Dispose();
        await base.DisposeAsync();
    }

    /// <summary>A fresh step-up header value (each code is single-use, so the clock moves to the next step first).</summary>
    internal string StepUp()
    {
        Clock.NextTotpStep();
        return "totp=" + Code(Seed);
    }

    internal async Task<(string ClientId, string? Secret)> CreateAppAsync(
        string type = ClientTypes.Public, string[]? redirects = null, string[]? scopes = null, string? token = null, object? trading = null, bool dpopBound = false)
    {
        using var response = await SendAsync(HttpMethod.Post, "/api/v1/apps", new
        {
            name = "Tax tool",
            type,
            redirect_uris = redirects ?? [Redirect],
            scopes = scopes ?? ["portfolio:read", "orders:read"],
            trading,
            dpop_bound = dpopBound,
        }, token ?? Session);
        var body = await JsonAsync(response, HttpStatusCode.Created);
        return (body.GetProperty("client_id").GetString()!, body.TryGetProperty("client_secret", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null);
    }

    /// <summary>GET /oauth/authorize as the browser would, without following the redirect.</summary>
    internal async Task<HttpResponseMessage> AuthorizeAsync(string query)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/oauth/authorize?" + query);
        return await _noRedirects.SendAsync(request);
    }

    internal static string Query(string clientId, string? scope = "portfolio:read", string? state = "xyz", string? challenge = Challenge, string? method = "S256", string? redirect = Redirect, string? extra = null)
    {
        var parts = new List<string> { "response_type=code", "client_id=" + Uri.EscapeDataString(clientId) };
        if (redirect is not null)
        {
            parts.Add("redirect_uri=" + Uri.EscapeDataString(redirect));
        }

        if (scope is not null)
        {
            parts.Add("scope=" + Uri.EscapeDataString(scope));
        }

        if (state is not null)
        {
            parts.Add("state=" + Uri.EscapeDataString(state));
        }

        if (challenge is not null)
        {
            parts.Add("code_challenge=" + challenge);
        }

        if (method is not null)
        {
            parts.Add("code_challenge_method=" + method);
        }

        if (extra is not null)
        {
            parts.Add(extra);
        }

        return string.Join('&', parts);
    }

    /// <summary>Starts an authorization and returns the pending request's id from the redirect to the consent page.</summary>
    internal async Task<string> StartAsync(string clientId, string scope = "portfolio:read", string state = "xyz", string? redirect = Redirect, string? extra = null)
    {
        using var response = await AuthorizeAsync(Query(clientId, scope, state, redirect: redirect, extra: extra));
        Assert.True(response.StatusCode == HttpStatusCode.Redirect, await response.Content.ReadAsStringAsync());
        var location = response.Headers.Location!.OriginalString;
        Assert.StartsWith("/consent/req_", location, StringComparison.Ordinal);
        return location["/consent/".Length..];
    }

    /// <summary>Approves through the consent API with a step-up; returns the redirect the browser is sent to.</summary>
    internal async Task<Uri> ApproveAsync(string requestId, string? session = null)
    {
        using var response = await SendAsync(HttpMethod.Post, $"/api/v1/oauth/requests/{requestId}/approve", null, session ?? Session, StepUp());
        return new Uri((await JsonAsync(response)).GetProperty("redirect_to").GetString()!);
    }

    internal static Dictionary<string, string> Params(Uri redirect) =>
        redirect.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2))
            .ToDictionary(p => Uri.UnescapeDataString(p[0]), p => Uri.UnescapeDataString(p.Length > 1 ? p[1] : string.Empty));

    /// <summary>The whole front channel: authorize, consent, and the code from the redirect.</summary>
    internal async Task<string> CodeAsync(string clientId, string scope = "portfolio:read", string? redirect = Redirect)
    {
        var id = await StartAsync(clientId, scope, redirect: redirect);
        return Params(await ApproveAsync(id))["code"];
    }

    /// <summary>POSTs a form to an OAuth endpoint, optionally with HTTP Basic client authentication.</summary>
    internal async Task<HttpResponseMessage> PostFormAsync(string path, IEnumerable<KeyValuePair<string, string>> form, (string Id, string Secret)? basic = null, string? dpop = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new FormUrlEncodedContent(form) };
        if (basic is { } credentials)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue(
                "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(Uri.EscapeDataString(credentials.Id) + ":" + Uri.EscapeDataString(credentials.Secret))));
        }

        if (dpop is not null)
        {
            request.Headers.Add("DPoP", dpop);
        }

        return await Server.Client.SendAsync(request);
    }

    internal Task<HttpResponseMessage> RedeemAsync(string clientId, string code, string verifier = Verifier, string? redirect = Redirect, (string Id, string Secret)? basic = null)
    {
        var form = new List<KeyValuePair<string, string>> { new("grant_type", "authorization_code"), new("code", code), new("code_verifier", verifier) };
        if (redirect is not null)
        {
            form.Add(new("redirect_uri", redirect));
        }

        if (basic is null)
        {
            form.Add(new("client_id", clientId));
        }

        return PostFormAsync("/oauth/token", form, basic);
    }

    internal Task<HttpResponseMessage> RefreshAsync(string clientId, string refreshToken, string? scope = null, (string Id, string Secret)? basic = null)
    {
        var form = new List<KeyValuePair<string, string>> { new("grant_type", "refresh_token"), new("refresh_token", refreshToken) };
        if (scope is not null)
        {
            form.Add(new("scope", scope));
        }

        if (basic is null)
        {
            form.Add(new("client_id", clientId));
        }

        return PostFormAsync("/oauth/token", form, basic);
    }

    /// <summary>A full authorization-code flow for a public client; returns the token response.</summary>
    internal async Task<JsonElement> TokensAsync(string clientId, string scope = "portfolio:read")
    {
        var code = await CodeAsync(clientId, scope);
        using var response = await RedeemAsync(clientId, code);
        return await JsonAsync(response);
    }

    internal static async Task<string> OAuthErrorAsync(HttpResponseMessage response, HttpStatusCode expected = HttpStatusCode.BadRequest)
    {
        var body = await JsonAsync(response, expected);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        Assert.True(body.TryGetProperty("error_description", out _), body.ToString());
        return body.GetProperty("error").GetString()!;
    }
}
