using System.Net;
using Coffer.Server.Features.OAuth;
using Coffer.Server.Tests.Support;

namespace Coffer.Server.Tests.OAuth;

/// <summary>Registering apps, the user's connected apps, and the ways a grant ends (revoke, disable, freeze).</summary>
public class AppAndGrantTests : OAuthTest
{
    [Fact]
    public async Task Create_ConfidentialSecret_IsShownOnce_AndNeverListed()
    {
        var (clientId, secret) = await CreateAppAsync(ClientTypes.Confidential);
        Assert.StartsWith("app_", clientId, StringComparison.Ordinal);
        Assert.StartsWith("cof_client_", secret, StringComparison.Ordinal);
        using var list = await SendAsync(HttpMethod.Get, "/api/v1/apps", null, Session);
        var text = await list.Content.ReadAsStringAsync();
        Assert.Contains(clientId, text, StringComparison.Ordinal);
        Assert.DoesNotContain(secret!, text, StringComparison.Ordinal);
        Assert.DoesNotContain("client_secret", text, StringComparison.Ordinal);
        var one = await Server.GetJsonAsync($"/api/v1/apps/{clientId}", Session);
        Assert.Equal("confidential", one.GetProperty("type").GetString());
        Assert.Equal("alice", one.GetProperty("owner").GetString());
        Assert.False(one.TryGetProperty("client_secret", out _));

        var (publicId, publicSecret) = await CreateAppAsync();
        Assert.Null(publicSecret);
        Assert.NotEqual(clientId, publicId);
    }

    [Theory]
    [InlineData("{\"name\":\"\",\"type\":\"public\",\"redirect_uris\":[\"https://a.example/cb\"],\"scopes\":[\"portfolio:read\"]}")]
    [InlineData("{\"name\":\"x\",\"type\":\"spa\",\"redirect_uris\":[\"https://a.example/cb\"],\"scopes\":[\"portfolio:read\"]}")]
    [InlineData("{\"name\":\"x\",\"type\":\"public\",\"redirect_uris\":[],\"scopes\":[\"portfolio:read\"]}")]
    [InlineData("{\"name\":\"x\",\"type\":\"public\",\"redirect_uris\":[\"http://a.example/cb\"],\"scopes\":[\"portfolio:read\"]}")]
    [InlineData("{\"name\":\"x\",\"type\":\"public\",\"redirect_uris\":[\"https://a.example/cb#f\"],\"scopes\":[\"portfolio:read\"]}")]
    [InlineData("{\"name\":\"x\",\"type\":\"public\",\"redirect_uris\":[\"https://a.example/cb\"],\"scopes\":[]}")]
    [InlineData("{\"name\":\"x\",\"type\":\"public\",\"redirect_uris\":[\"https://a.example/cb\"],\"scopes\":[\"portfolio:reed\"]}")]
    [InlineData("{\"name\":\"x\",\"type\":\"public\",\"redirect_uris\":[\"https://a.example/cb\"],\"scopes\":[\"tokens:write\"]}")]
    [InlineData("{\"name\":\"x\",\"type\":\"public\",\"redirect_uris\":[\"https://a.example/cb\"],\"scopes\":[\"account:write\"]}")]
    [InlineData("{\"name\":\"x\",\"type\":\"public\",\"redirect_uris\":[\"https://a.example/cb\"],\"scopes\":[\"orders:write\"],\"trading\":{\"max_order_notional\":-1}}")]
    public async Task Create_BadInput_IsAProblem_AndCreatesNothing(string body)
    {
        using var response = await Server.PostRawAsync("/api/v1/apps", body, token: Session);
        await ProblemAssert.AssertAsync(response, HttpStatusCode.BadRequest, "invalid-argument");
        var list = await Server.GetJsonAsync("/api/v1/apps", Session);
        Assert.Empty(list.GetProperty("apps").EnumerateArray());
    }

    [Fact]
    public async Task Create_ScopesTheAccountDoesNotHold_AreRefused()
    {
        await SignUpAsync("vera", Coffer.Server.Features.Identity.Roles.Viewer);
        var viewer = await SignInTokenAsync("vera");
        using var response = await Server.PostRawAsync("/api/v1/apps", "{\"name\":\"x\",\"type\":\"public\",\"redirect_uris\":[\"https://a.example/cb\"],\"scopes\":[\"orders:write\"]}", token: viewer);
        await ProblemAssert.AssertAsync(response, HttpStatusCode.BadRequest, "token-wider-than-parent");
    }

    [Fact]
    public async Task List_IsYourOwn_AllNeedsAdmin()
    {
        var (mine, _) = await CreateAppAsync();
        await SignUpAsync("bob");
        var bob = await SignInTokenAsync("bob");
        var (bobs, _) = await CreateAppAsync(token: bob);

        var aliceSees = (await Server.GetJsonAsync("/api/v1/apps", Session)).GetProperty("apps").EnumerateArray().Select(a => a.GetProperty("client_id").GetString()).ToList();
        Assert.Equal([mine], aliceSees);
        await ProblemAssert.AssertAsync(await SendAsync(HttpMethod.Get, "/api/v1/apps?all=true", null, Session), HttpStatusCode.Forbidden, "forbidden");
        await ProblemAssert.AssertAsync(await SendAsync(HttpMethod.Get, $"/api/v1/apps/{bobs}", null, Session), HttpStatusCode.NotFound, "not-found");
        await ProblemAssert.AssertAsync(await SendAsync(HttpMethod.Post, $"/api/v1/apps/{bobs}/disable", null, Session), HttpStatusCode.NotFound, "not-found");

        var all = (await Server.GetJsonAsync("/api/v1/apps?all=true", AdminToken)).GetProperty("apps").EnumerateArray().Select(a => a.GetProperty("client_id").GetString()).ToList();
        Assert.Contains(mine, all);
        Assert.Contains(bobs, all);

        // An admin may disable anyone's app.
        using var disabled = await SendAsync(HttpMethod.Post, $"/api/v1/apps/{bobs}/disable", null, AdminToken);
        Assert.NotEqual(System.Text.Json.JsonValueKind.Null, (await JsonAsync(disabled)).GetProperty("disabled_at").ValueKind);
    }

    [Fact]
    public async Task Disable_RevokesEveryGrant_AndTheAppCanStartNoMore()
    {
        var (clientId, _) = await CreateAppAsync();
        var tokens = await TokensAsync(clientId);
        var access = tokens.GetProperty("access_token").GetString()!;
        using (var disable = await SendAsync(HttpMethod.Post, $"/api/v1/apps/{clientId}/disable", null, Session))
        {
            Assert.Equal(HttpStatusCode.OK, disable.StatusCode);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, await StatusOfSelfAsync(access));
        using (var refresh = await RefreshAsync(clientId, tokens.GetProperty("refresh_token").GetString()!))
        {
            Assert.Equal("invalid_client", await OAuthErrorAsync(refresh, HttpStatusCode.Unauthorized));
        }

        using var authorize = await AuthorizeAsync(Query(clientId));
        Assert.Equal(HttpStatusCode.BadRequest, authorize.StatusCode);
        Assert.Empty((await Server.GetJsonAsync("/api/v1/oauth/grants", Session)).GetProperty("grants").EnumerateArray());
    }

    [Fact]
    public async Task ConnectedApps_ListsEveryGrant_AndTheUserRevokesOne()
    {
        var (clientId, _) = await CreateAppAsync();
        var first = await TokensAsync(clientId);
        var second = await TokensAsync(clientId, "orders:read");
        var access = first.GetProperty("access_token").GetString()!;
        Assert.Equal(HttpStatusCode.OK, await StatusOfSelfAsync(access));

        var grants = (await Server.GetJsonAsync("/api/v1/oauth/grants", Session)).GetProperty("grants").EnumerateArray().ToList();
        Assert.Equal(2, grants.Count);
        Assert.All(grants, g => Assert.Equal("Tax tool", g.GetProperty("app_name").GetString()));
        Assert.All(grants, g => Assert.Equal("authorization_code", g.GetProperty("grant_type").GetString()));
        var grantOfFirst = (await Server.GetJsonAsync("/api/v1/tokens/self", access)).GetProperty("parent").GetString()!;
        Assert.Contains(grants, g => g.GetProperty("accessor").GetString() == grantOfFirst && g.GetProperty("last_used_at").ValueKind == System.Text.Json.JsonValueKind.String);

        // A token of the app itself cannot revoke grants, even with tokens:write it could not have.
        await ProblemAssert.AssertAsync(await SendAsync(HttpMethod.Post, $"/api/v1/oauth/grants/{grantOfFirst}/revoke", null, access), HttpStatusCode.Forbidden, "forbidden");

        using var revoke = await SendAsync(HttpMethod.Post, $"/api/v1/oauth/grants/{grantOfFirst}/revoke", null, Session);
        Assert.Equal(2, (await JsonAsync(revoke)).GetProperty("revoked").GetInt32()); // the grant node and its access token
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusOfSelfAsync(access));
        using (var refresh = await RefreshAsync(clientId, first.GetProperty("refresh_token").GetString()!))
        {
            Assert.Equal("invalid_grant", await OAuthErrorAsync(refresh));
        }

        // The other grant is untouched.
        Assert.Equal(HttpStatusCode.OK, await StatusOfSelfAsync(second.GetProperty("access_token").GetString()!));
        Assert.Single((await Server.GetJsonAsync("/api/v1/oauth/grants", Session)).GetProperty("grants").EnumerateArray());
    }

    [Fact]
    public async Task AGrant_IsRevokedLikeAnyToken_FromTheTokenList()
    {
        var (clientId, _) = await CreateAppAsync();
        var access = (await TokensAsync(clientId)).GetProperty("access_token").GetString()!;
        var grant = (await Server.GetJsonAsync("/api/v1/tokens/self", access)).GetProperty("parent").GetString()!;
        using var revoke = await SendAsync(HttpMethod.Post, $"/api/v1/tokens/{grant}/revoke", null, Session);
        Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusOfSelfAsync(access));
    }

    [Fact]
    public async Task Freezing_TheAccount_EndsEveryGrant()
    {
        var (clientId, _) = await CreateAppAsync();
        var tokens = await TokensAsync(clientId);
        using (var freeze = await SendAsync(HttpMethod.Post, "/api/v1/account/freeze", null, Session))
        {
            Assert.True(freeze.IsSuccessStatusCode, await freeze.Content.ReadAsStringAsync());
        }

        Assert.Equal(HttpStatusCode.Unauthorized, await StatusOfSelfAsync(tokens.GetProperty("access_token").GetString()!));
        using var refresh = await RefreshAsync(clientId, tokens.GetProperty("refresh_token").GetString()!);
        Assert.Equal("invalid_grant", await OAuthErrorAsync(refresh));
    }
}

/// <summary>On PostgreSQL, and across two nodes: a grant revoked on one stops working on the other at once.</summary>
public sealed class AppAndGrantPostgresTests : AppAndGrantTests
{
    internal override bool OnPostgres => true;

    [Fact]
    public async Task ARevokedGrant_StopsWorkingAtOnceOnEveryNode()
    {
        await using var other = await StartNodeAsync();
        var (clientId, secret) = await CreateAppAsync(ClientTypes.Confidential);
        var code = await CodeAsync(clientId);
        using var redeem = await RedeemAsync(clientId, code, basic: (clientId, secret!));
        var tokens = await JsonAsync(redeem);
        var access = tokens.GetProperty("access_token").GetString()!;

        // Used on the other node, so that node has it in its token cache.
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await other.GetJsonAsync("/api/v1/tokens/self", access)).ValueKind == System.Text.Json.JsonValueKind.Object ? HttpStatusCode.OK : HttpStatusCode.InternalServerError);
        }

        var grant = (await other.GetJsonAsync("/api/v1/tokens/self", access)).GetProperty("parent").GetString()!;
        using (var revoke = await SendAsync(HttpMethod.Post, $"/api/v1/oauth/grants/{grant}/revoke", null, Session))
        {
            Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        }

        // NOTIFY reaches the other node within moments; until it has, that node's cache is not trusted (TokenEvents).
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/tokens/self");
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", access);
        using var response = await other.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);

        using var introspect = await PostFormAsync("/oauth/introspect", [new("token", access)], (clientId, secret!));
        Assert.False((await JsonAsync(introspect)).GetProperty("active").GetBoolean());
    }
}
