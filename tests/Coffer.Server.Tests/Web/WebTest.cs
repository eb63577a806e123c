using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Coffer.Server.Features.Web;
using Coffer.Server.Tests.Identity;
using Coffer.Server.Tests.Support;

namespace Coffer.Server.Tests.Web;

/// <summary>A browser as far as the server can tell: cookies it keeps by hand (no cookie jar), and the antiforgery dance.</summary>
public abstract class WebTest : IdentityTest
{
    private HttpClient? _browser;

    internal HttpClient Browser => _browser ??= ServerInstance.CreateClient(Server.Settings, Server.Address, useCookies: false);

    /// <summary>A request as the web app's client makes it: same-origin cookies, optional antiforgery header and cookie mode.</summary>
    internal async Task<HttpResponseMessage> BrowserSendAsync(HttpMethod method, string path, object? body = null, IReadOnlyDictionary<string, string>? cookies = null, string? antiforgery = null, bool cookieMode = false, string? bearer = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, options: ServerInstance.Json);
        }

        if (cookies is { Count: > 0 })
        {
            request.Headers.Add("Cookie", string.Join("; ", cookies.Select(c => $"{c.Key}={c.Value}")));
        }

        if (antiforgery is not null)
        {
            request.Headers.Add(WebAntiforgery.HeaderName, antiforgery);
        }

        if (cookieMode)
        {
            request.Headers.Add(SessionCookie.ModeHeader, "cookie");
        }

        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        request.Headers.UserAgent.ParseAdd("test-browser/1.0");
        return await Browser.SendAsync(request);
    }

    /// <summary>Every Set-Cookie of a response by cookie name, as sent.</summary>
    internal static Dictionary<string, string> SetCookies(HttpResponseMessage response) =>
        (response.Headers.TryGetValues("Set-Cookie", out var values) ? values : [])
            .ToDictionary(v => v[..v.IndexOf('=', StringComparison.Ordinal)], v => v, StringComparer.Ordinal);

    internal static string CookieValue(string setCookie) =>
        setCookie[(setCookie.IndexOf('=', StringComparison.Ordinal) + 1)..].Split(';')[0];

    /// <summary>GET /api/v1/auth/antiforgery with these cookies; returns the request token and the cookies now held.</summary>
    internal async Task<(string Token, Dictionary<string, string> Cookies)> AntiforgeryAsync(IReadOnlyDictionary<string, string>? cookies = null)
    {
        using var response = await BrowserSendAsync(HttpMethod.Get, WebAntiforgery.TokenPath, cookies: cookies);
        var body = await JsonAsync(response);
        var held = new Dictionary<string, string>(cookies ?? new Dictionary<string, string>(), StringComparer.Ordinal);
        foreach (var (name, value) in SetCookies(response))
        {
            held[name] = CookieValue(value);
        }

        return (body.GetProperty("token").GetString()!, held);
    }

    /// <summary>Signs in the way the web app does; returns the cookies held afterwards (session and antiforgery).</summary>
    internal async Task<Dictionary<string, string>> CookieSignInAsync(string username, string password = UserPassword)
    {
        var (token, cookies) = await AntiforgeryAsync();
        using var response = await BrowserSendAsync(HttpMethod.Post, "/api/v1/auth/signin", new { username, password }, cookies, token, cookieMode: true);
        await JsonAsync(response);
        cookies[SessionCookie.Name] = CookieValue(SetCookies(response)[SessionCookie.Name]);
        return cookies;
    }

    /// <summary>An unsafe call as the app makes it after sign-in: a fresh antiforgery token for the signed-in user first.</summary>
    internal async Task<HttpResponseMessage> CookiePostAsync(string path, object? body, Dictionary<string, string> cookies)
    {
        var (token, held) = await AntiforgeryAsync(cookies);
        return await BrowserSendAsync(HttpMethod.Post, path, body ?? new { }, held, token);
    }

    internal static async Task<JsonElement> BodyAsync(HttpResponseMessage response) =>
        JsonSerializer.Deserialize<JsonElement>(await response.Content.ReadAsStringAsync());

    public override async Task DisposeAsync()
    {
        _browser?.Dispose();
        await base.DisposeAsync();
    }
}
