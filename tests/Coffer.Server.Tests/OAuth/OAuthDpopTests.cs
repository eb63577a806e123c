using System.Net;
using System.Net.Http.Headers;
using Coffer.Server.Features.OAuth;
using Coffer.Server.Tests.OAuth.Dpop;

namespace Coffer.Server.Tests.OAuth;

/// <summary>DPoP at the token endpoint (RFC 9449 §5): tokens bound to the proof's key, refresh tokens of public clients too.</summary>
public sealed class OAuthDpopTests : OAuthTest
{
    [Fact]
    public async Task ClientCredentials_WithAProof_GivesADpopBoundToken_UsableOnlyWithProofsOfThatKey()
    {
        using var key = DpopKey.Ec();
        var (clientId, secret) = await CreateAppAsync(ClientTypes.Confidential, redirects: []);
        using var response = await PostFormAsync("/oauth/token", [new("grant_type", "client_credentials")], (clientId, secret!), Proof(key, "POST", "/oauth/token"));
        var body = await JsonAsync(response);
        Assert.Equal("DPoP", body.GetProperty("token_type").GetString());
        var access = body.GetProperty("access_token").GetString()!;

        Assert.Equal(HttpStatusCode.Unauthorized, await StatusOfSelfAsync(access)); // as a bearer token: refused
        Assert.Equal(HttpStatusCode.OK, await SelfWithProofAsync(access, key));
        using var otherKey = DpopKey.Ec();
        Assert.Equal(HttpStatusCode.Unauthorized, await SelfWithProofAsync(access, otherKey));

        using var introspect = await PostFormAsync("/oauth/introspect", [new("token", access)], (clientId, secret!));
        var info = await JsonAsync(introspect);
        Assert.Equal("DPoP", info.GetProperty("token_type").GetString());
        Assert.Equal(key.Thumbprint, info.GetProperty("cnf").GetProperty("jkt").GetString());
    }

    [Fact]
    public async Task PublicClient_RefreshTokenIsBoundToTheKey_AndABadProofIsRefusedNotDowngraded()
    {
        using var key = DpopKey.Ec();
        var (clientId, _) = await CreateAppAsync();
        var code = await CodeAsync(clientId);
        using var redeem = await PostFormAsync("/oauth/token", [new("grant_type", "authorization_code"), new("code", code), new("code_verifier", Verifier), new("redirect_uri", Redirect), new("client_id", clientId)], dpop: Proof(key, "POST", "/oauth/token"));
        var tokens = await JsonAsync(redeem);
        Assert.Equal("DPoP", tokens.GetProperty("token_type").GetString());
        var refresh = tokens.GetProperty("refresh_token").GetString()!;

        using (var noProof = await RefreshAsync(clientId, refresh))
        {
            Assert.Equal("invalid_dpop_proof", await OAuthErrorAsync(noProof));
        }

        using var otherKey = DpopKey.Ec();
        using (var wrongKey = await PostFormAsync("/oauth/token", [new("grant_type", "refresh_token"), new("refresh_token", refresh), new("client_id", clientId)], dpop: Proof(otherKey, "POST", "/oauth/token")))
        {
            Assert.Equal("invalid_dpop_proof", await OAuthErrorAsync(wrongKey));
        }

        using (var wrongUri = await PostFormAsync("/oauth/token", [new("grant_type", "refresh_token"), new("refresh_token", refresh), new("client_id", clientId)], dpop: Proof(key, "POST", "/oauth/revoke")))
        {
            Assert.Equal("invalid_dpop_proof", await OAuthErrorAsync(wrongUri));
        }

        using var ok = await PostFormAsync("/oauth/token", [new("grant_type", "refresh_token"), new("refresh_token", refresh), new("client_id", clientId)], dpop: Proof(key, "POST", "/oauth/token"));
        var rotated = await JsonAsync(ok);
        Assert.Equal(HttpStatusCode.OK, await SelfWithProofAsync(rotated.GetProperty("access_token").GetString()!, key));
    }

    [Fact]
    public async Task ADpopBoundApp_GetsNothingWithoutAProof()
    {
        var (clientId, secret) = await CreateAppAsync(ClientTypes.Confidential, redirects: [], dpopBound: true);
        using var response = await PostFormAsync("/oauth/token", [new("grant_type", "client_credentials")], (clientId, secret!));
        Assert.Equal("invalid_dpop_proof", await OAuthErrorAsync(response));
        Assert.Contains("DPoP", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AuthorizationRequest_DpopJkt_BindsTheCodeToThatKey()
    {
        using var key = DpopKey.Ec();
        using var otherKey = DpopKey.Ec();
        var (clientId, _) = await CreateAppAsync();
        var id = await StartAsync(clientId, extra: "dpop_jkt=" + key.Thumbprint);
        var code = Params(await ApproveAsync(id))["code"];
        using var response = await PostFormAsync("/oauth/token", [new("grant_type", "authorization_code"), new("code", code), new("code_verifier", Verifier), new("redirect_uri", Redirect), new("client_id", clientId)], dpop: Proof(otherKey, "POST", "/oauth/token"));
        Assert.Equal("invalid_grant", await OAuthErrorAsync(response));
    }

    private string Proof(DpopKey key, string method, string path, string? accessToken = null) =>
        DpopProof.For(key, method, new Uri(Server.Address, path), Clock.GetUtcNow(), accessToken).Build();

    private async Task<HttpStatusCode> SelfWithProofAsync(string access, DpopKey key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/tokens/self");
        request.Headers.Authorization = new AuthenticationHeaderValue("DPoP", access);
        request.Headers.Add("DPoP", Proof(key, "GET", "/api/v1/tokens/self", access));
        using var response = await Server.Client.SendAsync(request);
        return response.StatusCode;
    }
}
