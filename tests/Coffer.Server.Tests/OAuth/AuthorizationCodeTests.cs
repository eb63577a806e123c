using System.Net;
using System.Text.Json;
using Coffer.Server.Tests.Support;

namespace Coffer.Server.Tests.OAuth;

/// <summary>The authorization endpoint, consent and the authorization_code grant, with every refusal of issue 7.</summary>
public class AuthorizationCodeTests : OAuthTest
{
    [Fact]
    public async Task Metadata_Rfc8414_NamesTheEndpointsAndS256Only()
    {
        var metadata = await Server.GetJsonAsync("/.well-known/oauth-authorization-server");
        var issuer = metadata.GetProperty("issuer").GetString()!;
        Assert.Equal($"https://localhost:{Server.Address.Port}", issuer);
        Assert.Equal(issuer + "/oauth/authorize", metadata.GetProperty("authorization_endpoint").GetString());
        Assert.Equal(issuer + "/oauth/token", metadata.GetProperty("token_endpoint").GetString());
        Assert.Equal(issuer + "/oauth/revoke", metadata.GetProperty("revocation_endpoint").GetString());
        Assert.Equal(issuer + "/oauth/introspect", metadata.GetProperty("introspection_endpoint").GetString());
        Assert.Equal(["S256"], metadata.GetProperty("code_challenge_methods_supported").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["code"], metadata.GetProperty("response_types_supported").EnumerateArray().Select(e => e.GetString()));
        Assert.DoesNotContain("password", metadata.GetProperty("grant_types_supported").EnumerateArray().Select(e => e.GetString()));
        Assert.DoesNotContain("admin", metadata.GetProperty("scopes_supported").EnumerateArray().Select(e => e.GetString()));
        Assert.True(metadata.GetProperty("authorization_response_iss_parameter_supported").GetBoolean());
    }

    [Fact]
    public async Task CodeFlow_WithPkce_IssuesTokensOfTheConsentedScopes_AndReturnsStateUnchanged()
    {
        var (clientId, _) = await CreateAppAsync();
        const string state = "st&te with spaces/ünïcode";
        var id = await StartAsync(clientId, "portfolio:read", state);

        using (var view = await SendAsync(HttpMethod.Get, $"/api/v1/oauth/requests/{id}", null, Session))
        {
            var request = await JsonAsync(view);
            Assert.Equal("Tax tool", request.GetProperty("app").GetProperty("name").GetString());
            Assert.Equal("alice", request.GetProperty("app").GetProperty("owner").GetString());
            Assert.Equal(["portfolio:read"], request.GetProperty("scopes").EnumerateArray().Select(e => e.GetString()));
            Assert.Equal(Redirect, request.GetProperty("redirect_uri").GetString());
        }

        var redirect = await ApproveAsync(id);
        Assert.Equal(Redirect, redirect.GetLeftPart(UriPartial.Path));
        var parameters = Params(redirect);
        Assert.Equal(state, parameters["state"]);
        Assert.Equal($"https://localhost:{Server.Address.Port}", parameters["iss"]);
        Assert.StartsWith("cof_code_", parameters["code"], StringComparison.Ordinal);

        using var response = await RedeemAsync(clientId, parameters["code"]);
        var tokens = await JsonAsync(response);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        Assert.Equal("Bearer", tokens.GetProperty("token_type").GetString());
        Assert.Equal(3600, tokens.GetProperty("expires_in").GetInt32());
        Assert.Equal("portfolio:read", tokens.GetProperty("scope").GetString());
        Assert.StartsWith("cof_refresh_", tokens.GetProperty("refresh_token").GetString(), StringComparison.Ordinal);
        var access = tokens.GetProperty("access_token").GetString()!;
        Assert.StartsWith("cof_oauth_", access, StringComparison.Ordinal);

        var self = await Server.GetJsonAsync("/api/v1/tokens/self", access);
        Assert.Equal("oauth", self.GetProperty("kind").GetString());
        Assert.Equal(["portfolio:read"], self.GetProperty("scopes").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Get, "/api/v1/portfolio", null, access)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(HttpMethod.Get, "/api/v1/tokens", null, access)).StatusCode);

        // The grant is a branch of alice's tree: a node of kind grant under her root, the access token below it.
        var grantAccessor = self.GetProperty("parent").GetString()!;
        using var list = await SendAsync(HttpMethod.Get, "/api/v1/tokens", null, Session);
        var grant = (await JsonAsync(list)).GetProperty("items").EnumerateArray().Single(t => t.GetProperty("accessor").GetString() == grantAccessor);
        Assert.Equal("grant", grant.GetProperty("kind").GetString());
        Assert.Equal("Tax tool", grant.GetProperty("display_name").GetString());
    }

    [Fact]
    public async Task Authorize_UnknownClientOrUnregisteredRedirect_IsAProblemHere_NeverARedirect()
    {
        var (clientId, _) = await CreateAppAsync(redirects: [Redirect, "https://tool.example/other"]);
        foreach (var query in new[]
        {
            Query("app_unknown"),
            Query(clientId, redirect: "https://evil.example/callback"),
            Query(clientId, redirect: Redirect + "/"),
            Query(clientId, redirect: null), // several registered: which one is not for Coffer to guess
            Query(clientId) + "&client_id=" + clientId,
        })
        {
            using var response = await AuthorizeAsync(query);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Null(response.Headers.Location);
            await ProblemAssert.AssertAsync(response, HttpStatusCode.BadRequest, "invalid-request");
        }
    }

    [Theory]
    [InlineData("plain", "invalid_request")]
    [InlineData(null, "invalid_request")] // a missing method means plain (RFC 7636 §4.3)
    [InlineData("S512", "invalid_request")]
    public async Task Authorize_AnyMethodButS256_IsRefused(string? method, string error)
    {
        var (clientId, _) = await CreateAppAsync();
        await AssertRedirectErrorAsync(Query(clientId, method: method), error);
    }

    [Fact]
    public async Task Authorize_Refusals_RedirectWithTheErrorAndTheStateUnchanged()
    {
        var (clientId, _) = await CreateAppAsync();
        await AssertRedirectErrorAsync(Query(clientId, challenge: null, method: null), "invalid_request");
        await AssertRedirectErrorAsync(Query(clientId, challenge: "short"), "invalid_request");
        await AssertRedirectErrorAsync(Query(clientId).Replace("response_type=code", "response_type=token", StringComparison.Ordinal), "unsupported_response_type");
        await AssertRedirectErrorAsync(Query(clientId, scope: "portfolio:read orders:write"), "invalid_scope");
        await AssertRedirectErrorAsync(Query(clientId, scope: "admin"), "invalid_scope");
        await AssertRedirectErrorAsync(Query(clientId, extra: "code_challenge=" + Challenge), "invalid_request");
        await AssertRedirectErrorAsync(Query(clientId, extra: "dpop_jkt=nope"), "invalid_request");
    }

    [Fact]
    public async Task Authorize_WithoutRedirectUri_UsesTheOnlyRegisteredOne()
    {
        var (clientId, _) = await CreateAppAsync();
        var id = await StartAsync(clientId, redirect: null);
        var code = Params(await ApproveAsync(id))["code"];

        // It was not sent, so the token request need not send it; if it does, it must be the same.
        using (var wrong = await RedeemAsync(clientId, code, redirect: "https://tool.example/other"))
        {
            Assert.Equal("invalid_grant", await OAuthErrorAsync(wrong));
        }

        var again = Params(await ApproveAsync(await StartAsync(clientId, redirect: null)))["code"];
        using var ok = await RedeemAsync(clientId, again, redirect: null);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
    }

    [Fact]
    public async Task Consent_OnlyASignInSession_AndApprovingNeedsStepUp()
    {
        var (clientId, _) = await CreateAppAsync();
        var id = await StartAsync(clientId);
        using (var api = await SendAsync(HttpMethod.Post, "/api/v1/tokens", new { scopes = new[] { "portfolio:read", "tokens:read" } }, Session))
        {
            var apiToken = (await JsonAsync(api, HttpStatusCode.Created)).GetProperty("token").GetString()!;
            await ProblemAssert.AssertAsync(await SendAsync(HttpMethod.Get, $"/api/v1/oauth/requests/{id}", null, apiToken), HttpStatusCode.BadRequest, "not-a-session");
            await ProblemAssert.AssertAsync(await SendAsync(HttpMethod.Post, $"/api/v1/oauth/requests/{id}/approve", null, apiToken, StepUp()), HttpStatusCode.BadRequest, "not-a-session");
        }

        await ProblemAssert.AssertAsync(await SendAsync(HttpMethod.Post, $"/api/v1/oauth/requests/{id}/approve", null, Session), HttpStatusCode.Forbidden, "step-up-required");
        await ProblemAssert.AssertAsync(await SendAsync(HttpMethod.Post, $"/api/v1/oauth/requests/{id}/approve", null, Session, "totp=000000"), HttpStatusCode.Forbidden, "step-up-failed");

        // Refused attempts spent nothing: the request is still there to approve, once.
        var redirect = await ApproveAsync(id);
        Assert.True(Params(redirect).ContainsKey("code"));
        await ProblemAssert.AssertAsync(await SendAsync(HttpMethod.Post, $"/api/v1/oauth/requests/{id}/approve", null, Session, StepUp()), HttpStatusCode.NotFound, "not-found");
    }

    [Fact]
    public async Task Consent_Deny_RedirectsWithAccessDenied_AndIssuesNothing()
    {
        var (clientId, _) = await CreateAppAsync();
        var id = await StartAsync(clientId, state: "s1");
        using var response = await SendAsync(HttpMethod.Post, $"/api/v1/oauth/requests/{id}/deny", null, Session);
        var parameters = Params(new Uri((await JsonAsync(response)).GetProperty("redirect_to").GetString()!));
        Assert.Equal("access_denied", parameters["error"]);
        Assert.Equal("s1", parameters["state"]);
        Assert.False(parameters.ContainsKey("code"));
        await ProblemAssert.AssertAsync(await SendAsync(HttpMethod.Post, $"/api/v1/oauth/requests/{id}/approve", null, Session, StepUp()), HttpStatusCode.NotFound, "not-found");
    }

    [Fact]
    public async Task Consent_AnExpiredRequest_IsGone()
    {
        var (clientId, _) = await CreateAppAsync();
        var id = await StartAsync(clientId);
        Clock.Advance(TimeSpan.FromMinutes(11));
        await ProblemAssert.AssertAsync(await SendAsync(HttpMethod.Get, $"/api/v1/oauth/requests/{id}", null, Session), HttpStatusCode.NotFound, "not-found");
    }

    [Fact]
    public async Task Code_IsSingleUse_AndASecondUseRevokesWhatTheFirstIssued()
    {
        var (clientId, _) = await CreateAppAsync();
        var code = await CodeAsync(clientId);
        using var first = await RedeemAsync(clientId, code);
        var tokens = await JsonAsync(first);
        var access = tokens.GetProperty("access_token").GetString()!;
        Assert.Equal(HttpStatusCode.OK, await StatusOfSelfAsync(access));

        using var second = await RedeemAsync(clientId, code);
        Assert.Equal("invalid_grant", await OAuthErrorAsync(second));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusOfSelfAsync(access));
        using var refresh = await RefreshAsync(clientId, tokens.GetProperty("refresh_token").GetString()!);
        Assert.Equal("invalid_grant", await OAuthErrorAsync(refresh));
    }

    [Fact]
    public async Task Code_WrongVerifier_IsRefused_AndTheCodeIsSpent()
    {
        var (clientId, _) = await CreateAppAsync();
        var code = await CodeAsync(clientId);
        using (var wrong = await RedeemAsync(clientId, code, verifier: "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXl"))
        {
            Assert.Equal("invalid_grant", await OAuthErrorAsync(wrong));
        }

        using var right = await RedeemAsync(clientId, code);
        Assert.Equal("invalid_grant", await OAuthErrorAsync(right));
    }

    [Fact]
    public async Task Code_WithoutVerifier_IsRefused()
    {
        var (clientId, _) = await CreateAppAsync();
        var code = await CodeAsync(clientId);
        using var response = await PostFormAsync("/oauth/token", [new("grant_type", "authorization_code"), new("code", code), new("redirect_uri", Redirect), new("client_id", clientId)]);
        Assert.Equal("invalid_grant", await OAuthErrorAsync(response));
    }

    [Fact]
    public async Task Code_IsBoundToItsClientAndRedirectUri()
    {
        var (clientId, _) = await CreateAppAsync();
        var (otherId, _) = await CreateAppAsync();
        using (var otherClient = await RedeemAsync(otherId, await CodeAsync(clientId)))
        {
            Assert.Equal("invalid_grant", await OAuthErrorAsync(otherClient));
        }

        using var otherRedirect = await RedeemAsync(clientId, await CodeAsync(clientId), redirect: "https://tool.example/other");
        Assert.Equal("invalid_grant", await OAuthErrorAsync(otherRedirect));
    }

    [Fact]
    public async Task Code_ExpiresAfterTwoMinutes()
    {
        var (clientId, _) = await CreateAppAsync();
        var code = await CodeAsync(clientId);
        Clock.Advance(TimeSpan.FromMinutes(2) + TimeSpan.FromSeconds(1));
        using var response = await RedeemAsync(clientId, code);
        Assert.Equal("invalid_grant", await OAuthErrorAsync(response));
    }

    [Fact]
    public async Task TokenEndpoint_MalformedRequests()
    {
        var (clientId, _) = await CreateAppAsync();
        using (var json = await Server.PostRawAsync("/oauth/token", "{\"grant_type\":\"client_credentials\"}"))
        {
            Assert.Equal("invalid_request", await OAuthErrorAsync(json));
        }

        using (var password = await PostFormAsync("/oauth/token", [new("grant_type", "password"), new("username", "alice"), new("password", UserPassword), new("client_id", clientId)]))
        {
            Assert.Equal("unsupported_grant_type", await OAuthErrorAsync(password));
        }

        using (var twice = await PostFormAsync("/oauth/token", [new("grant_type", "authorization_code"), new("grant_type", "refresh_token"), new("client_id", clientId)]))
        {
            Assert.Equal("invalid_request", await OAuthErrorAsync(twice));
        }

        using (var unknown = await PostFormAsync("/oauth/token", [new("grant_type", "authorization_code"), new("code", "cof_code_nope"), new("client_id", "app_nope")]))
        {
            Assert.Equal("invalid_client", await OAuthErrorAsync(unknown, HttpStatusCode.Unauthorized));
        }

        using var noCode = await PostFormAsync("/oauth/token", [new("grant_type", "authorization_code"), new("client_id", clientId)]);
        Assert.Equal("invalid_request", await OAuthErrorAsync(noCode));
    }

    private async Task AssertRedirectErrorAsync(string query, string error)
    {
        using var response = await AuthorizeAsync(query);
        Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"{query}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        var location = response.Headers.Location!;
        Assert.Equal(Redirect, location.GetLeftPart(UriPartial.Path));
        var parameters = Params(location);
        Assert.Equal(error, parameters["error"]);
        Assert.Equal("xyz", parameters["state"]);
        Assert.Equal($"https://localhost:{Server.Address.Port}", parameters["iss"]);
        Assert.False(parameters.ContainsKey("code"));
    }
}

/// <summary>The same on PostgreSQL.</summary>
public sealed class AuthorizationCodePostgresTests : AuthorizationCodeTests
{
    internal override bool OnPostgres => true;
}
