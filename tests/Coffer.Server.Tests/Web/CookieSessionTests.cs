using System.Globalization;
using System.Net;
using Coffer.Server.Features.Identity;
using Coffer.Server.Features.Web;
using Coffer.Server.Tests.Support;

namespace Coffer.Server.Tests.Web;

public sealed class CookieSessionTests : WebTest
{
    [Fact]
    public async Task SignIn_CookieMode_SetsHostCookieWithExactFlagsAndNoTokenInBody()
    {
        await SignUpAsync("alice");
        var (token, cookies) = await AntiforgeryAsync();

        using var response = await BrowserSendAsync(HttpMethod.Post, "/api/v1/auth/signin", new { username = "alice", password = UserPassword }, cookies, token, cookieMode: true);
        var text = await response.Content.ReadAsStringAsync();
        var body = await JsonAsync(response);

        Assert.Equal(["accessor", "expires_at"], body.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        var setCookie = SetCookies(response)[SessionCookie.Name];
        var value = CookieValue(setCookie);
        Assert.StartsWith("cof_session_", value, StringComparison.Ordinal);
        Assert.DoesNotContain(value, text, StringComparison.Ordinal);
        var attributes = setCookie.Split(';').Skip(1).Select(a => a.Trim()).ToList();
        var expires = DateTimeOffset.Parse(attributes.Single(a => a.StartsWith("expires=", StringComparison.Ordinal))["expires=".Length..], CultureInfo.InvariantCulture);
        Assert.Equal(body.GetProperty("expires_at").GetDateTimeOffset(), expires, TimeSpan.FromSeconds(1));
        Assert.Equal(["httponly", "path=/", "samesite=strict", "secure"], attributes.Where(a => !a.StartsWith("expires=", StringComparison.Ordinal)).Select(a => a.ToLowerInvariant()).Order(StringComparer.Ordinal));
        Assert.DoesNotContain(attributes, a => a.StartsWith("domain", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Antiforgery_Get_ReturnsTokenHeaderNameAndHostCookieUncached()
    {
        using var response = await BrowserSendAsync(HttpMethod.Get, WebAntiforgery.TokenPath);
        var body = await JsonAsync(response);

        Assert.Equal(["header_name", "token"], body.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal("X-Coffer-Antiforgery", body.GetProperty("header_name").GetString());
        Assert.False(string.IsNullOrEmpty(body.GetProperty("token").GetString()));
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        var cookie = SetCookies(response)[WebAntiforgery.CookieName].ToLowerInvariant();
        Assert.Contains("path=/", cookie, StringComparison.Ordinal);
        Assert.Contains("secure", cookie, StringComparison.Ordinal);
        Assert.Contains("httponly", cookie, StringComparison.Ordinal);
        Assert.Contains("samesite=strict", cookie, StringComparison.Ordinal);
        Assert.DoesNotContain("domain", cookie, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignIn_CookieModeWithoutAntiforgery_Forbidden403AndNoSession()
    {
        await SignUpAsync("bob");
        var before = await SessionCountAsync("bob");

        using var response = await BrowserSendAsync(HttpMethod.Post, "/api/v1/auth/signin", new { username = "bob", password = UserPassword }, cookieMode: true);

        await ProblemAssert.AssertAsync(response, HttpStatusCode.Forbidden, "antiforgery-failed");
        Assert.DoesNotContain(SessionCookie.Name, SetCookies(response).Keys);
        Assert.Equal(before, await SessionCountAsync("bob"));
    }

    [Fact]
    public async Task SignUp_CookieMode_TokenOnlyInCookie()
    {
        var invitation = await InviteAsync();
        var (token, cookies) = await AntiforgeryAsync();

        using var response = await BrowserSendAsync(HttpMethod.Post, "/api/v1/auth/signup", new { invitation, username = "carol", password = UserPassword }, cookies, token, cookieMode: true);
        var body = await JsonAsync(response, HttpStatusCode.Created);

        Assert.False(body.TryGetProperty("token", out _));
        Assert.Equal("carol", body.GetProperty("username").GetString());
        cookies[SessionCookie.Name] = CookieValue(SetCookies(response)[SessionCookie.Name]);
        using var me = await BrowserSendAsync(HttpMethod.Get, "/api/v1/auth/me", cookies: cookies);
        Assert.Equal("carol", (await JsonAsync(me)).GetProperty("username").GetString());
    }

    [Fact]
    public async Task Get_WithSessionCookie_Authenticates()
    {
        await SignUpAsync("dave");
        var cookies = await CookieSignInAsync("dave");

        using var response = await BrowserSendAsync(HttpMethod.Get, "/api/v1/auth/me", cookies: cookies);
        var me = await JsonAsync(response);

        Assert.Equal("dave", me.GetProperty("username").GetString());
        Assert.Equal("session", me.GetProperty("session").GetProperty("kind").GetString());
    }

    [Fact]
    public async Task UnsafeCookieCall_WithoutOrWithWrongAntiforgery_Forbidden403AndNothingChanged()
    {
        var bearer = await SignUpAsync("erin");
        var cookies = await CookieSignInAsync("erin");
        var (anonymousToken, _) = await AntiforgeryAsync();
        var before = await TokenCountAsync(bearer);
        var request = new { scopes = new[] { "portfolio:read" }, kind = "api", display_name = "csrf" };

        using var none = await BrowserSendAsync(HttpMethod.Post, "/api/v1/tokens", request, cookies);
        using var wrong = await BrowserSendAsync(HttpMethod.Post, "/api/v1/tokens", request, cookies, "not-a-token");

        // A token fetched before signing in is bound to nobody, so it does not pass for the signed-in user either.
        using var stale = await BrowserSendAsync(HttpMethod.Post, "/api/v1/tokens", request, cookies, anonymousToken);
        using var withoutCookie = await BrowserSendAsync(HttpMethod.Post, "/api/v1/tokens", request, new Dictionary<string, string> { [SessionCookie.Name] = cookies[SessionCookie.Name] }, (await AntiforgeryAsync(cookies)).Token);

        await ProblemAssert.AssertAsync(none, HttpStatusCode.Forbidden, "antiforgery-failed");
        await ProblemAssert.AssertAsync(wrong, HttpStatusCode.Forbidden, "antiforgery-failed");
        await ProblemAssert.AssertAsync(stale, HttpStatusCode.Forbidden, "antiforgery-failed");
        await ProblemAssert.AssertAsync(withoutCookie, HttpStatusCode.Forbidden, "antiforgery-failed");
        Assert.Equal(before, await TokenCountAsync(bearer));
    }

    [Fact]
    public async Task UnsafeCookieCall_WithFreshAntiforgery_Works()
    {
        var bearer = await SignUpAsync("frank");
        var cookies = await CookieSignInAsync("frank");
        var before = await TokenCountAsync(bearer);

        using var response = await CookiePostAsync("/api/v1/tokens", new { scopes = new[] { "portfolio:read" }, kind = "api", display_name = "from the app" }, cookies);

        await JsonAsync(response, HttpStatusCode.Created);
        Assert.Equal(before + 1, await TokenCountAsync(bearer));
    }

    [Fact]
    public async Task Cookie_NonSessionToken_Unauthorized()
    {
        var session = await SignUpAsync("grace");
        using var create = await SendAsync(HttpMethod.Post, "/api/v1/tokens", new { scopes = new[] { "portfolio:read" }, kind = "api" }, session);
        var api = (await JsonAsync(create, HttpStatusCode.Created)).GetProperty("token").GetString()!;

        foreach (var planted in new[] { AdminToken, api, "cof_session_garbage" })
        {
            using var response = await BrowserSendAsync(HttpMethod.Get, "/api/v1/auth/me", cookies: new Dictionary<string, string> { [SessionCookie.Name] = planted });
            await ProblemAssert.AssertAsync(response, HttpStatusCode.Unauthorized, "unauthorized");
        }
    }

    [Fact]
    public async Task Bearer_UnsafeWithoutAntiforgery_Unaffected()
    {
        var session = await SignUpAsync("heidi");

        using var response = await BrowserSendAsync(HttpMethod.Post, "/api/v1/tokens", new { scopes = new[] { "portfolio:read" }, kind = "api" }, bearer: session);

        await JsonAsync(response, HttpStatusCode.Created);
    }

    [Fact]
    public async Task SignOut_Cookie_RevokesSessionAndExpiresCookie()
    {
        await SignUpAsync("ivan");
        var cookies = await CookieSignInAsync("ivan");

        using var response = await CookiePostAsync("/api/v1/auth/signout", null, cookies);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        AssertExpired(SetCookies(response)[SessionCookie.Name]);
        using var after = await BrowserSendAsync(HttpMethod.Get, "/api/v1/auth/me", cookies: cookies);
        await ProblemAssert.AssertAsync(after, HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Fact]
    public async Task SignOut_CookieWithoutAntiforgery_Forbidden403AndStillSignedIn()
    {
        await SignUpAsync("judy");
        var cookies = await CookieSignInAsync("judy");

        using var response = await BrowserSendAsync(HttpMethod.Post, "/api/v1/auth/signout", new { }, cookies);

        await ProblemAssert.AssertAsync(response, HttpStatusCode.Forbidden, "antiforgery-failed");
        using var after = await BrowserSendAsync(HttpMethod.Get, "/api/v1/auth/me", cookies: cookies);
        await JsonAsync(after);
    }

    [Fact]
    public async Task Freeze_Cookie_ExpiresCookie()
    {
        await SignUpAsync("kim");
        var cookies = await CookieSignInAsync("kim");

        using var response = await CookiePostAsync("/api/v1/account/freeze", null, cookies);

        await JsonAsync(response);
        AssertExpired(SetCookies(response)[SessionCookie.Name]);
        using var after = await BrowserSendAsync(HttpMethod.Get, "/api/v1/auth/me", cookies: cookies);
        await ProblemAssert.AssertAsync(after, HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Fact]
    public async Task AccessLog_CookieSession_RecordsAccessorNeverTheCookie()
    {
        await SignUpAsync("leo");
        var cookies = await CookieSignInAsync("leo");
        using (var me = await BrowserSendAsync(HttpMethod.Get, "/api/v1/auth/me", cookies: cookies))
        {
            await JsonAsync(me);
        }

        var writer = Server.Services.GetService(typeof(Coffer.Server.Features.Tokens.AccessLogWriter)) as Coffer.Server.Features.Tokens.AccessLogWriter;
        await writer!.FlushAsync(CancellationToken.None);
        await using var db = await Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<Microsoft.EntityFrameworkCore.IDbContextFactory<Coffer.Server.Data.CofferDb>>(Server.Services).CreateDbContextAsync();
        var rows = db.Table<Coffer.Server.Features.Tokens.AccessLogRow>().ToList();
        Assert.Contains(rows, r => r.Route == "/api/v1/auth/me");
        var value = cookies[SessionCookie.Name];
        Assert.DoesNotContain(rows, r => (r.Accessor + r.Route + r.UserAgent + r.ClientIp).Contains(value[12..], StringComparison.Ordinal));
    }

    private static void AssertExpired(string setCookie)
    {
        var expires = setCookie.Split(';').Select(a => a.Trim()).Single(a => a.StartsWith("expires=", StringComparison.OrdinalIgnoreCase));
        Assert.True(DateTimeOffset.Parse(expires["expires=".Length..], CultureInfo.InvariantCulture) < DateTimeOffset.UtcNow.AddYears(-1), setCookie);
        Assert.Contains("path=/", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("secure", setCookie, StringComparison.OrdinalIgnoreCase);
    }

    private async Task<int> SessionCountAsync(string username)
    {
        await using var db = await Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<Microsoft.EntityFrameworkCore.IDbContextFactory<Coffer.Server.Data.CofferDb>>(Server.Services).CreateDbContextAsync();
        var user = db.Users.Single(u => u.UserName == username);
        return db.Tokens.Count(t => t.UserId == user.Id && t.Kind == "session");
    }

    private async Task<int> TokenCountAsync(string bearer)
    {
        using var response = await SendAsync(HttpMethod.Get, "/api/v1/tokens?limit=200", null, bearer);
        return (await JsonAsync(response)).GetProperty("items").GetArrayLength();
    }
}
