using System.Net;
using Coffer.Server.Features.OAuth;
using Coffer.Server.Tests.Support;

namespace Coffer.Server.Tests.OAuth;

/// <summary>refresh_token rotation and reuse detection, client_credentials, revocation (RFC 7009), introspection (RFC 7662).</summary>
public class RefreshAndClientTests : OAuthTest
{
    [Fact]
    public async Task Refresh_RotatesEveryTime_AndReuseOfAnOldOneRevokesTheWholeFamily()
    {
        var (clientId, _) = await CreateAppAsync();
        var first = await TokensAsync(clientId);
        var rt1 = first.GetProperty("refresh_token").GetString()!;

        using var r2 = await RefreshAsync(clientId, rt1);
        var second = await JsonAsync(r2);
        var rt2 = second.GetProperty("refresh_token").GetString()!;
        var at2 = second.GetProperty("access_token").GetString()!;
        Assert.NotEqual(rt1, rt2);
        Assert.Equal(HttpStatusCode.OK, await StatusOfSelfAsync(at2));

        using var r3 = await RefreshAsync(clientId, rt2);
        var rt3 = (await JsonAsync(r3)).GetProperty("refresh_token").GetString()!;

        // rt1 again: reuse. Everything of the grant ends, the newest refresh token and the live access tokens included.
        using var reuse = await RefreshAsync(clientId, rt1);
        Assert.Equal("invalid_grant", await OAuthErrorAsync(reuse));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusOfSelfAsync(at2));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusOfSelfAsync(first.GetProperty("access_token").GetString()!));
        using var newest = await RefreshAsync(clientId, rt3);
        Assert.Equal("invalid_grant", await OAuthErrorAsync(newest));

        using var audit = await SendAsync(HttpMethod.Get, "/api/v1/audit?action=oauth.refresh.reuse", null, AdminToken);
        Assert.Contains("oauth.refresh.reuse", await audit.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Refresh_IdleLifetime_EndsAnUnusedRefreshToken()
    {
        var (clientId, _) = await CreateAppAsync();
        var rt = (await TokensAsync(clientId)).GetProperty("refresh_token").GetString()!;
        Clock.Advance(TimeSpan.FromDays(14) + TimeSpan.FromMinutes(1));
        using var response = await RefreshAsync(clientId, rt);
        Assert.Equal("invalid_grant", await OAuthErrorAsync(response));
    }

    [Fact]
    public async Task Refresh_AbsoluteLifetime_EndsTheGrantHoweverOftenItIsRefreshed()
    {
        var (clientId, _) = await CreateAppAsync();
        var rt = (await TokensAsync(clientId)).GetProperty("refresh_token").GetString()!;
        for (var day = 10; day < 90; day += 10)
        {
            Clock.Advance(TimeSpan.FromDays(10));
            using var ok = await RefreshAsync(clientId, rt);
            var body = await JsonAsync(ok);
            rt = body.GetProperty("refresh_token").GetString()!;

            // An access token never outlives the grant.
            Assert.True(body.GetProperty("expires_in").GetInt32() <= 3600);
        }

        Clock.Advance(TimeSpan.FromDays(10));
        using var ended = await RefreshAsync(clientId, rt);
        Assert.Equal("invalid_grant", await OAuthErrorAsync(ended));
    }

    [Fact]
    public async Task Refresh_MayNarrowTheScopes_NeverWiden_AndOnlyForItsClient()
    {
        var (clientId, _) = await CreateAppAsync();
        var (otherId, _) = await CreateAppAsync();
        var rt = (await TokensAsync(clientId, "portfolio:read orders:read")).GetProperty("refresh_token").GetString()!;

        using (var other = await RefreshAsync(otherId, rt))
        {
            Assert.Equal("invalid_grant", await OAuthErrorAsync(other));
        }

        using (var wider = await RefreshAsync(clientId, rt, "portfolio:read exchanges:read"))
        {
            Assert.Equal("invalid_scope", await OAuthErrorAsync(wider));
        }

        // Neither refusal spent the token.
        using var narrow = await RefreshAsync(clientId, rt, "orders:read");
        var body = await JsonAsync(narrow);
        Assert.Equal("orders:read", body.GetProperty("scope").GetString());
        var self = await Server.GetJsonAsync("/api/v1/tokens/self", body.GetProperty("access_token").GetString());
        Assert.Equal(["orders:read"], self.GetProperty("scopes").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task ClientCredentials_ConfidentialOnly_AccessTokenWithoutRefreshToken()
    {
        var (clientId, secret) = await CreateAppAsync(ClientTypes.Confidential, redirects: []);
        using var response = await PostFormAsync("/oauth/token", [new("grant_type", "client_credentials"), new("scope", "portfolio:read")], (clientId, secret!));
        var body = await JsonAsync(response);
        Assert.False(body.TryGetProperty("refresh_token", out _));
        var access = body.GetProperty("access_token").GetString()!;
        var self = await Server.GetJsonAsync("/api/v1/tokens/self", access);
        Assert.Equal(["portfolio:read"], self.GetProperty("scopes").EnumerateArray().Select(e => e.GetString()));

        // client_secret_post works too, and the app's grant is reused rather than multiplied.
        using var post = await PostFormAsync("/oauth/token", [new("grant_type", "client_credentials"), new("client_id", clientId), new("client_secret", secret!)]);
        var second = await Server.GetJsonAsync("/api/v1/tokens/self", (await JsonAsync(post)).GetProperty("access_token").GetString());
        Assert.Equal(self.GetProperty("parent").GetString(), second.GetProperty("parent").GetString());

        var (publicId, _) = await CreateAppAsync();
        using var asPublic = await PostFormAsync("/oauth/token", [new("grant_type", "client_credentials"), new("client_id", publicId)]);
        Assert.Equal("unauthorized_client", await OAuthErrorAsync(asPublic));
    }

    [Fact]
    public async Task ClientAuthentication_Refusals()
    {
        var (clientId, secret) = await CreateAppAsync(ClientTypes.Confidential);
        using (var wrong = await PostFormAsync("/oauth/token", [new("grant_type", "client_credentials")], (clientId, secret + "x")))
        {
            Assert.Equal("invalid_client", await OAuthErrorAsync(wrong, HttpStatusCode.Unauthorized));
            Assert.Equal("Basic", wrong.Headers.WwwAuthenticate.Single().Scheme);
        }

        using (var none = await PostFormAsync("/oauth/token", [new("grant_type", "client_credentials"), new("client_id", clientId)]))
        {
            Assert.Equal("invalid_client", await OAuthErrorAsync(none, HttpStatusCode.Unauthorized));
        }

        using (var both = await PostFormAsync("/oauth/token", [new("grant_type", "client_credentials"), new("client_secret", secret!)], (clientId, secret!)))
        {
            Assert.Equal("invalid_request", await OAuthErrorAsync(both));
        }

        using var wider = await PostFormAsync("/oauth/token", [new("grant_type", "client_credentials"), new("scope", "exchanges:write")], (clientId, secret!));
        Assert.Equal("invalid_scope", await OAuthErrorAsync(wider));
    }

    [Fact]
    public async Task Revoke_Rfc7009_200ForUnknownTokens_RefreshTokenEndsTheGrant_AccessTokenOnlyItself()
    {
        var (clientId, secret) = await CreateAppAsync(ClientTypes.Confidential);
        (string, string) basic = (clientId, secret!);
        using (var unknown = await PostFormAsync("/oauth/revoke", [new("token", "cof_oauth_not-a-token"), new("token_type_hint", "bogus")], basic))
        {
            Assert.Equal(HttpStatusCode.OK, unknown.StatusCode);
        }

        var first = await ConfidentialTokensAsync(clientId, secret!);
        using (var revokeAccess = await PostFormAsync("/oauth/revoke", [new("token", first.Access)], basic))
        {
            Assert.Equal(HttpStatusCode.OK, revokeAccess.StatusCode);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, await StatusOfSelfAsync(first.Access));
        using (var stillRefreshes = await RefreshAsync(clientId, first.Refresh, basic: basic))
        {
            Assert.Equal(HttpStatusCode.OK, stillRefreshes.StatusCode);
        }

        var second = await ConfidentialTokensAsync(clientId, secret!);
        using (var revokeRefresh = await PostFormAsync("/oauth/revoke", [new("token", second.Refresh), new("token_type_hint", "refresh_token")], basic))
        {
            Assert.Equal(HttpStatusCode.OK, revokeRefresh.StatusCode);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, await StatusOfSelfAsync(second.Access));
        using var dead = await RefreshAsync(clientId, second.Refresh, basic: basic);
        Assert.Equal("invalid_grant", await OAuthErrorAsync(dead));

        // Another client cannot revoke this client's tokens (200, and nothing happens).
        var third = await ConfidentialTokensAsync(clientId, secret!);
        var (otherId, otherSecret) = await CreateAppAsync(ClientTypes.Confidential);
        using (var foreign = await PostFormAsync("/oauth/revoke", [new("token", third.Access)], (otherId, otherSecret!)))
        {
            Assert.Equal(HttpStatusCode.OK, foreign.StatusCode);
        }

        Assert.Equal(HttpStatusCode.OK, await StatusOfSelfAsync(third.Access));
    }

    [Fact]
    public async Task Introspect_Rfc7662_NeedsAConfidentialClient_AndSaysInactiveForRevokedExpiredOrForeignTokens()
    {
        var (clientId, secret) = await CreateAppAsync(ClientTypes.Confidential);
        (string, string) basic = (clientId, secret!);
        var tokens = await ConfidentialTokensAsync(clientId, secret!);

        using (var anonymous = await PostFormAsync("/oauth/introspect", [new("token", tokens.Access)]))
        {
            Assert.Equal("invalid_client", await OAuthErrorAsync(anonymous, HttpStatusCode.Unauthorized));
        }

        var (publicId, _) = await CreateAppAsync();
        using (var asPublic = await PostFormAsync("/oauth/introspect", [new("token", tokens.Access), new("client_id", publicId)]))
        {
            Assert.Equal("invalid_client", await OAuthErrorAsync(asPublic, HttpStatusCode.Unauthorized));
        }

        using (var active = await PostFormAsync("/oauth/introspect", [new("token", tokens.Access)], basic))
        {
            var body = await JsonAsync(active);
            Assert.True(body.GetProperty("active").GetBoolean());
            Assert.Equal("portfolio:read", body.GetProperty("scope").GetString());
            Assert.Equal(clientId, body.GetProperty("client_id").GetString());
            Assert.Equal("alice", body.GetProperty("username").GetString());
            Assert.Equal("Bearer", body.GetProperty("token_type").GetString());
            Assert.Equal($"https://localhost:{Server.Address.Port}", body.GetProperty("iss").GetString());
            Assert.True(body.GetProperty("exp").GetInt64() > body.GetProperty("iat").GetInt64());
        }

        using (var refresh = await PostFormAsync("/oauth/introspect", [new("token", tokens.Refresh)], basic))
        {
            Assert.True((await JsonAsync(refresh)).GetProperty("active").GetBoolean());
        }

        var (otherId, otherSecret) = await CreateAppAsync(ClientTypes.Confidential);
        await AssertInactiveAsync(tokens.Access, (otherId, otherSecret!));
        await AssertInactiveAsync("cof_oauth_unknown", basic);
        await AssertInactiveAsync(Session, basic); // a Coffer token that is no OAuth token is nothing to an OAuth client

        (await PostFormAsync("/oauth/revoke", [new("token", tokens.Refresh)], basic)).Dispose();
        await AssertInactiveAsync(tokens.Access, basic);
        await AssertInactiveAsync(tokens.Refresh, basic);

        var later = await ConfidentialTokensAsync(clientId, secret!);
        Clock.Advance(TimeSpan.FromHours(1) + TimeSpan.FromSeconds(1));
        await AssertInactiveAsync(later.Access, basic);
    }

    private async Task AssertInactiveAsync(string token, (string, string) basic)
    {
        using var response = await PostFormAsync("/oauth/introspect", [new("token", token)], basic);
        var body = await JsonAsync(response);
        Assert.Equal("{\"active\":false}", body.GetRawText());
    }

    private async Task<(string Access, string Refresh)> ConfidentialTokensAsync(string clientId, string secret)
    {
        var code = await CodeAsync(clientId);
        using var response = await RedeemAsync(clientId, code, basic: (clientId, secret));
        var body = await JsonAsync(response);
        return (body.GetProperty("access_token").GetString()!, body.GetProperty("refresh_token").GetString()!);
    }
}

/// <summary>The same on PostgreSQL.</summary>
public sealed class RefreshAndClientPostgresTests : RefreshAndClientTests
{
    internal override bool OnPostgres => true;
}
