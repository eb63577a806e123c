using System.Net;
using Coffer.Server.Tests.Metrics;
using Coffer.Server.Tests.Support;

namespace Coffer.Server.Tests.OAuth.Dpop;

/// <summary>DPoP-bound tokens at the resource server (RFC 9449 §7), over real HTTPS: a bound token works only with a proof by its key.</summary>
public sealed class DpopResourceServerTests : ServerTest
{
    private const string Path = "/api/v1/tokens/self";
    private readonly DpopKey _key = DpopKey.Ec();
    private string _bound = null!;
    private string _boundAccessor = null!;
    private string _unbound = null!;
    private string _scraper = null!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await Server.InitAndUnsealAsync();
        var user = Guid.NewGuid();
        (_bound, _boundAccessor) = await Server.InsertAsync(user, ["tokens:read"], kind: "oauth", dpopJkt: _key.Thumbprint);
        (_unbound, _) = await Server.InsertAsync(user, ["tokens:read"], kind: "oauth");
        (_scraper, _) = await Server.InsertAsync(Guid.NewGuid(), ["metrics:read"]);
    }

    [Fact]
    public async Task Get_BoundTokenWithGoodProof_200()
    {
        using var response = await SendAsync("DPoP", _bound, Proof(_key, _bound));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(_boundAccessor, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_BoundTokenWithRsaBoundKey_200()
    {
        using var rsa = DpopKey.Rsa();
        var (token, _) = await Server.InsertAsync(Guid.NewGuid(), ["tokens:read"], kind: "oauth", dpopJkt: rsa.Thumbprint);

        using var response = await SendAsync("dpop", token, Proof(rsa, token));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Get_BoundTokenAsBearer_401InvalidToken()
    {
        using var response = await SendAsync("Bearer", _bound, Proof(_key, _bound));

        var body = await ProblemAssert.AssertAsync(response, HttpStatusCode.Unauthorized, "unauthorized");
        Assert.Contains("DPoP-bound", body.GetProperty("detail").GetString(), StringComparison.Ordinal);
        AssertChallenge(response, "invalid_token");
    }

    [Fact]
    public async Task Get_BoundTokenProofByOtherKey_401InvalidDpopProof()
    {
        using var other = DpopKey.Ec();

        using var response = await SendAsync("DPoP", _bound, Proof(other, _bound));

        var body = await ProblemAssert.AssertAsync(response, HttpStatusCode.Unauthorized, "invalid-dpop-proof");
        Assert.Contains("another key", body.GetProperty("detail").GetString(), StringComparison.Ordinal);
        AssertChallenge(response, "invalid_dpop_proof");
    }

    [Fact]
    public async Task Get_ReplayedProof_401()
    {
        var proof = Proof(_key, _bound);
        using (var first = await SendAsync("DPoP", _bound, proof))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }

        using var replay = await SendAsync("DPoP", _bound, proof);

        var body = await ProblemAssert.AssertAsync(replay, HttpStatusCode.Unauthorized, "invalid-dpop-proof");
        Assert.Contains("already used", body.GetProperty("detail").GetString(), StringComparison.Ordinal);
        AssertChallenge(replay, "invalid_dpop_proof");
    }

    [Fact]
    public async Task Get_BoundTokenWithoutProof_401()
    {
        using var response = await SendAsync("DPoP", _bound, proof: null);

        await ProblemAssert.AssertAsync(response, HttpStatusCode.Unauthorized, "invalid-dpop-proof");
        AssertChallenge(response, "invalid_dpop_proof");
    }

    [Fact]
    public async Task Get_TwoProofHeaders_401()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, Path);
        request.Headers.TryAddWithoutValidation("Authorization", "DPoP " + _bound);
        request.Headers.TryAddWithoutValidation("DPoP", [Proof(_key, _bound), Proof(_key, _bound)]);

        using var response = await Server.Client.SendAsync(request);

        await ProblemAssert.AssertAsync(response, HttpStatusCode.Unauthorized, "invalid-dpop-proof");
    }

    [Fact]
    public async Task Get_ProofForAnotherPathOrMethod_401()
    {
        var elsewhere = DpopProof.For(_key, "GET", new Uri(Server.Address, "/api/v1/tokens"), DateTimeOffset.UtcNow, _bound).Build();
        var post = DpopProof.For(_key, "POST", new Uri(Server.Address, Path), DateTimeOffset.UtcNow, _bound).Build();

        using var wrongPath = await SendAsync("DPoP", _bound, elsewhere);
        using var wrongMethod = await SendAsync("DPoP", _bound, post);

        await ProblemAssert.AssertAsync(wrongPath, HttpStatusCode.Unauthorized, "invalid-dpop-proof");
        await ProblemAssert.AssertAsync(wrongMethod, HttpStatusCode.Unauthorized, "invalid-dpop-proof");
    }

    [Fact]
    public async Task Get_ProofForAnotherToken_401()
    {
        using var response = await SendAsync("DPoP", _bound, Proof(_key, _unbound));

        var body = await ProblemAssert.AssertAsync(response, HttpStatusCode.Unauthorized, "invalid-dpop-proof");
        Assert.Contains("ath", body.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_UnboundTokenWithDpopScheme_401()
    {
        using var response = await SendAsync("DPoP", _unbound, Proof(_key, _unbound));

        var body = await ProblemAssert.AssertAsync(response, HttpStatusCode.Unauthorized, "unauthorized");
        Assert.Contains("not DPoP-bound", body.GetProperty("detail").GetString(), StringComparison.Ordinal);
        AssertChallenge(response, "invalid_token");
    }

    [Fact]
    public async Task Get_UnboundTokenAsBearer_StillWorks()
    {
        using var response = await SendAsync("Bearer", _unbound, proof: null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Get_DpopRefusals_CountedAsAuthFailuresWithReasonDpop()
    {
        var before = Exposition.Parse(await ScrapeAsync()).Value("coffer_auth_failures_total", ("reason", "dpop")) ?? 0;

        using (var bearer = await SendAsync("Bearer", _bound, proof: null))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, bearer.StatusCode);
        }

        using (var noProof = await SendAsync("DPoP", _bound, proof: null))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, noProof.StatusCode);
        }

        var after = Exposition.Parse(await ScrapeAsync()).Value("coffer_auth_failures_total", ("reason", "dpop"));
        Assert.Equal(before + 2, after);
    }

    private string Proof(DpopKey key, string token) => DpopProof.For(key, "GET", new Uri(Server.Address, Path), DateTimeOffset.UtcNow, token).Build();

    private async Task<HttpResponseMessage> SendAsync(string scheme, string token, string? proof)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, Path);
        request.Headers.TryAddWithoutValidation("Authorization", scheme + " " + token);
        if (proof is not null)
        {
            request.Headers.TryAddWithoutValidation("DPoP", proof);
        }

        return await Server.Client.SendAsync(request);
    }

    private async Task<string> ScrapeAsync()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        request.Headers.Authorization = new("Bearer", _scraper);
        using var response = await Server.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    private static void AssertChallenge(HttpResponseMessage response, string error)
    {
        var challenge = Assert.Single(response.Headers.WwwAuthenticate);
        Assert.Equal("DPoP", challenge.Scheme);
        Assert.Contains($"error=\"{error}\"", challenge.Parameter, StringComparison.Ordinal);
        Assert.Contains("error_description=\"", challenge.Parameter, StringComparison.Ordinal);
        Assert.Contains("algs=\"ES256 ES384 ES512 RS256 PS256\"", challenge.Parameter, StringComparison.Ordinal);
    }
}
