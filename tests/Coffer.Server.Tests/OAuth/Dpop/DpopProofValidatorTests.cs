using System.Security.Cryptography;
using System.Text;
using Coffer.Server.Data;
using Coffer.Server.Features.OAuth.Dpop;
using Coffer.Server.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Primitives;

namespace Coffer.Server.Tests.OAuth.Dpop;

/// <summary>One test per item of RFC 9449 §4.3's checklist (security.md §9.3), each failing exactly one check of an otherwise good proof.</summary>
public sealed class DpopProofValidatorTests : ServerTest
{
    private const string Token = "cof_oauth_exampleexampleexampleexampleexampleexa_abcdef";
    private static readonly Uri Htu = new("https://coffer.example/api/v1/tokens/self");
    private readonly ManualClock _clock = new();
    private readonly DpopKey _key = DpopKey.Ec();
    private DpopProofValidator _validator = null!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        _validator = new DpopProofValidator(new DpopReplayCache(Server.Services.GetRequiredService<IDbContextFactory<CofferDb>>(), _clock), _clock);
    }

    [Theory]
    [InlineData("P-256", null)]
    [InlineData("P-384", null)]
    [InlineData("P-521", null)]
    [InlineData("RSA", "RS256")]
    [InlineData("RSA", "PS256")]
    public async Task Validate_GoodProofWithAccessToken_SucceedsWithKeyThumbprint(string kind, string? alg)
    {
        using var key = kind == "RSA" ? DpopKey.Rsa() : DpopKey.Ec(kind);
        var proof = DpopProof.For(key, "GET", Htu, _clock.GetUtcNow(), Token, alg);

        var result = await ValidateAsync(proof.Build(), expectedJkt: key.Thumbprint);

        Assert.True(result.Succeeded, result.ErrorDescription);
        Assert.Equal(key.Thumbprint, result.Jkt);
    }

    [Fact]
    public async Task Validate_NoAccessTokenNoBinding_SucceedsWithoutAth()
    {
        var proof = Proof(withToken: false);

        var result = await _validator.ValidateAsync(new StringValues(proof.Build()), "POST", Htu, null, null, default);

        Assert.True(result.Succeeded, result.ErrorDescription);
        Assert.Equal(_key.Thumbprint, result.Jkt);
    }

    [Fact]
    public async Task Validate_MissingHeader_Fails()
    {
        await AssertFailsAsync(StringValues.Empty, "no DPoP header");
        await AssertFailsAsync(new StringValues(string.Empty), "no DPoP header");
    }

    [Fact]
    public async Task Validate_TwoHeaders_Fails()
    {
        await AssertFailsAsync(new StringValues([Proof().Build(), Proof().Build()]), "more than one DPoP header");
    }

    [Theory]
    [InlineData("not-a-jws")]
    [InlineData("a.b")]
    [InlineData("a.b.c.d")]
    [InlineData("eyJ0eXAiOiJkcG9wK2p3dCJ9..c2ln")]
    public async Task Validate_NotCompactJws_Fails(string value)
    {
        await AssertFailsAsync(new StringValues(value), "compact JWS");
    }

    [Theory]
    [InlineData("!!!", "e30")]
    [InlineData("bm90IGpzb24", "e30")]
    [InlineData("W10", "e30")]
    [InlineData("e30", "bm90IGpzb24")]
    public async Task Validate_HeaderOrPayloadNotBase64UrlJsonObject_Fails(string header, string payload)
    {
        await AssertFailsAsync(new StringValues(header + "." + payload + ".c2ln"), "well-formed JWS");
    }

    [Fact]
    public async Task Validate_DuplicateClaim_Fails()
    {
        var proof = Proof();
        var claims = proof.Claims.ToJsonString();
        var doubled = claims[..^1] + ",\"htu\":\"https://elsewhere.example/\"}";

        await AssertFailsAsync(proof.Build(proof.Header.ToJsonString(), doubled), "well-formed JWS");
    }

    [Fact]
    public async Task Validate_OversizedHeader_Fails()
    {
        var proof = Proof();
        proof.Claims["padding"] = new string('x', DpopProofValidator.MaxHeaderLength);

        await AssertFailsAsync(proof.Build(), "longer than");
    }

    [Theory]
    [InlineData("jwt")]
    [InlineData("at+jwt")]
    [InlineData(null)]
    public async Task Validate_WrongTyp_Fails(string? typ)
    {
        var proof = Proof();
        proof.Header["typ"] = typ;
        if (typ is null)
        {
            proof.Header.Remove("typ");
        }

        await AssertFailsAsync(proof.Build(), "typ");
    }

    [Fact]
    public async Task Validate_AlgNone_Fails()
    {
        var proof = Proof();
        proof.Header["alg"] = "none";
        proof.Signer = _ => [0];

        await AssertFailsAsync(proof.Build(), "alg must be one of");
    }

    [Fact]
    public async Task Validate_AlgHs256_Fails()
    {
        var proof = Proof();
        proof.Header["alg"] = "HS256";
        proof.Header["jwk"] = new System.Text.Json.Nodes.JsonObject { ["kty"] = "oct", ["k"] = "c2VjcmV0" };
        proof.Signer = data => HMACSHA256.HashData(Encoding.ASCII.GetBytes("secret"), data);

        await AssertFailsAsync(proof.Build(), "alg must be one of");
    }

    [Fact]
    public async Task Validate_AlgDoesNotFitKey_Fails()
    {
        var proof = Proof();
        proof.Header["alg"] = "ES384";
        proof.Signer = data => _key.Sign("ES256", data);

        await AssertFailsAsync(proof.Build(), "does not fit its jwk");
    }

    [Fact]
    public async Task Validate_CritHeader_Fails()
    {
        var proof = Proof();
        proof.Header["crit"] = new System.Text.Json.Nodes.JsonArray("exp");

        await AssertFailsAsync(proof.Build(), "crit");
    }

    [Fact]
    public async Task Validate_NoJwk_Fails()
    {
        var proof = Proof();
        proof.Header.Remove("jwk");

        await AssertFailsAsync(proof.Build(), "no jwk");
    }

    [Fact]
    public async Task Validate_PrivateKeyInJwk_Fails()
    {
        var proof = Proof();
        proof.Header["jwk"] = _key.PrivateJwk();

        await AssertFailsAsync(proof.Build(), "private or symmetric member 'd'");
    }

    [Fact]
    public async Task Validate_SignedByAnotherKey_Fails()
    {
        using var other = DpopKey.Ec();
        var proof = Proof();
        proof.Signer = data => other.Sign("ES256", data);

        await AssertFailsAsync(proof.Build(), "signature does not verify");
    }

    [Fact]
    public async Task Validate_TamperedPayload_Fails()
    {
        var good = Proof().Build().Split('.');
        var tampered = Proof();
        tampered.Claims["htm"] = "GET";
        var forged = good[0] + "." + tampered.Build().Split('.')[1] + "." + good[2];

        await AssertFailsAsync(forged, "signature does not verify");
    }

    [Fact]
    public async Task Validate_DerEncodedEcdsaSignature_Fails()
    {
        var proof = Proof();
        proof.Signer = data => ToDer(_key.Sign("ES256", data));

        await AssertFailsAsync(proof.Build(), "signature does not verify");
    }

    [Theory]
    [InlineData("jti", "needs a jti claim")]
    [InlineData("htm", "needs an htm claim")]
    [InlineData("htu", "needs an htu claim")]
    [InlineData("iat", "needs a numeric iat claim")]
    public async Task Validate_MissingClaim_Fails(string claim, string reason)
    {
        var proof = Proof();
        proof.Claims.Remove(claim);

        await AssertFailsAsync(proof.Build(), reason);
    }

    [Fact]
    public async Task Validate_JtiTooLongOrNotString_Fails()
    {
        var proof = Proof();
        proof.Claims["jti"] = new string('j', DpopProofValidator.MaxJtiLength + 1);
        await AssertFailsAsync(proof.Build(), "jti");

        proof.Claims["jti"] = 12345;
        await AssertFailsAsync(proof.Build(), "jti");
    }

    [Fact]
    public async Task Validate_IatNotNumber_Fails()
    {
        var proof = Proof();
        proof.Claims["iat"] = _clock.GetUtcNow().ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);

        await AssertFailsAsync(proof.Build(), "numeric iat");
    }

    [Theory]
    [InlineData("POST")]
    [InlineData("get")]
    public async Task Validate_HtmMismatch_Fails(string htm)
    {
        var proof = Proof();
        proof.Claims["htm"] = htm;

        await AssertFailsAsync(proof.Build(), "htm does not match");
    }

    [Theory]
    [InlineData("https://coffer.example/api/v1/tokens")]
    [InlineData("https://coffer.example/api/v1/tokens/self/")]
    [InlineData("https://other.example/api/v1/tokens/self")]
    [InlineData("http://coffer.example/api/v1/tokens/self")]
    [InlineData("https://coffer.example:8443/api/v1/tokens/self")]
    [InlineData("https://user@coffer.example/api/v1/tokens/self")]
    [InlineData("/api/v1/tokens/self")]
    [InlineData("not a uri")]
    public async Task Validate_HtuMismatch_Fails(string htu)
    {
        var proof = Proof();
        proof.Claims["htu"] = htu;

        await AssertFailsAsync(proof.Build(), "htu does not match");
    }

    [Theory]
    [InlineData("https://coffer.example/api/v1/tokens/self?limit=5")]
    [InlineData("https://coffer.example/api/v1/tokens/self#frag")]
    [InlineData("HTTPS://Coffer.EXAMPLE/api/v1/tokens/self")]
    [InlineData("https://coffer.example:443/api/v1/tokens/self")]
    public async Task Validate_HtuDiffersOnlyInQueryFragmentCaseOrDefaultPort_Succeeds(string htu)
    {
        var proof = Proof();
        proof.Claims["htu"] = htu;

        var result = await ValidateAsync(proof.Build());

        Assert.True(result.Succeeded, result.ErrorDescription);
    }

    [Fact]
    public async Task Validate_RequestUriWithQuery_QueryIgnoredOnBothSides()
    {
        var proof = Proof();

        var result = await _validator.ValidateAsync(new StringValues(proof.Build()), "GET", new Uri("https://coffer.example/api/v1/tokens/self?x=1"), Token, _key.Thumbprint, default);

        Assert.True(result.Succeeded, result.ErrorDescription);
    }

    [Fact]
    public async Task Validate_IatTooOld_Fails()
    {
        var proof = Proof();
        proof.Claims["iat"] = (_clock.GetUtcNow() - DpopProofValidator.MaxAge - TimeSpan.FromSeconds(2)).ToUnixTimeSeconds();

        await AssertFailsAsync(proof.Build(), "seconds old");
    }

    [Fact]
    public async Task Validate_IatInTheFuture_Fails()
    {
        var proof = Proof();
        proof.Claims["iat"] = (_clock.GetUtcNow() + DpopProofValidator.MaxFuture + TimeSpan.FromSeconds(2)).ToUnixTimeSeconds();

        await AssertFailsAsync(proof.Build(), "in the future");
    }

    [Fact]
    public async Task Validate_IatAtTheEdgesOfTheWindow_Succeeds()
    {
        var old = Proof();
        old.Claims["iat"] = (_clock.GetUtcNow() - DpopProofValidator.MaxAge + TimeSpan.FromSeconds(2)).ToUnixTimeSeconds();
        var ahead = Proof();
        ahead.Claims["iat"] = (_clock.GetUtcNow() + DpopProofValidator.MaxFuture - TimeSpan.FromSeconds(2)).ToUnixTimeSeconds();

        Assert.True((await ValidateAsync(old.Build())).Succeeded);
        Assert.True((await ValidateAsync(ahead.Build())).Succeeded);
    }

    [Fact]
    public async Task Validate_ReplayedJti_Fails()
    {
        var proof = Proof().Build();

        Assert.True((await ValidateAsync(proof)).Succeeded);
        await AssertFailsAsync(proof, "already used");
    }

    [Fact]
    public async Task Validate_SameJtiNewProof_FailsButOtherKeyMayUseIt()
    {
        var first = Proof();
        Assert.True((await ValidateAsync(first.Build())).Succeeded);

        // A fresh proof (new iat) with the same jti is still a replay of that jti by this key.
        _clock.Advance(TimeSpan.FromSeconds(5));
        var again = Proof();
        again.Claims["jti"] = (string)first.Claims["jti"]!;
        await AssertFailsAsync(again.Build(), "already used");

        using var other = DpopKey.Ec();
        var theirs = DpopProof.For(other, "GET", Htu, _clock.GetUtcNow(), Token);
        theirs.Claims["jti"] = (string)first.Claims["jti"]!;
        Assert.True((await ValidateAsync(theirs.Build(), other.Thumbprint)).Succeeded);
    }

    [Fact]
    public async Task Validate_JtiAfterRetention_AcceptedAgainAndExpiredRowsSwept()
    {
        var first = Proof();
        Assert.True((await ValidateAsync(first.Build())).Succeeded);

        _clock.Advance(DpopReplayCache.Retention + DpopReplayCache.SweepInterval + TimeSpan.FromSeconds(1));
        var later = Proof();
        later.Claims["jti"] = (string)first.Claims["jti"]!;
        Assert.True((await ValidateAsync(later.Build())).Succeeded);

        // The sweep before that insert removed the first row; the second row is the only one.
        await using var db = await Server.Services.GetRequiredService<IDbContextFactory<CofferDb>>().CreateDbContextAsync();
        Assert.Equal(1, await db.Table<DpopProofRow>().CountAsync());
    }

    [Fact]
    public async Task Validate_FailedProof_DoesNotSpendItsJti()
    {
        var proof = Proof();
        proof.Claims["htm"] = "POST";
        await AssertFailsAsync(proof.Build(), "htm");

        proof.Claims["htm"] = "GET";
        Assert.True((await ValidateAsync(proof.Build())).Succeeded);
    }

    [Fact]
    public async Task Validate_AthMissing_Fails()
    {
        var proof = Proof();
        proof.Claims.Remove("ath");

        await AssertFailsAsync(proof.Build(), "needs an ath");
    }

    [Fact]
    public async Task Validate_AthOfAnotherToken_Fails()
    {
        var proof = Proof();
        proof.Claims["ath"] = DpopProofValidator.AccessTokenHash(Token + "x");

        await AssertFailsAsync(proof.Build(), "ath does not match");
    }

    [Fact]
    public async Task Validate_KeyIsNotTheBoundKey_Fails()
    {
        using var other = DpopKey.Ec();

        await AssertFailsAsync(Proof().Build(), "another key", expectedJkt: other.Thumbprint);
    }

    [Fact]
    public async Task Validate_AccessTokenWithoutBinding_Fails()
    {
        var result = await _validator.ValidateAsync(new StringValues(Proof().Build()), "GET", Htu, Token, null, default);

        Assert.False(result.Succeeded);
        Assert.Contains("not bound", result.ErrorDescription, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_Failure_NeverEchoesTheProof()
    {
        var proof = Proof();
        proof.Claims["htu"] = "https://attacker.example/secret-marker";

        var result = await ValidateAsync(proof.Build());

        Assert.False(result.Succeeded);
        Assert.DoesNotContain("secret-marker", result.ErrorDescription, StringComparison.Ordinal);
        Assert.DoesNotContain("attacker", result.ErrorDescription, StringComparison.Ordinal);
    }

    private DpopProof Proof(bool withToken = true) => DpopProof.For(_key, withToken ? "GET" : "POST", Htu, _clock.GetUtcNow(), withToken ? Token : null);

    private Task<DpopResult> ValidateAsync(string proof, string? expectedJkt = null) =>
        _validator.ValidateAsync(new StringValues(proof), "GET", Htu, Token, expectedJkt ?? _key.Thumbprint, default);

    private Task AssertFailsAsync(string proof, string reason, string? expectedJkt = null) => AssertFailsAsync(new StringValues(proof), reason, expectedJkt);

    private async Task AssertFailsAsync(StringValues headers, string reason, string? expectedJkt = null)
    {
        var result = await _validator.ValidateAsync(headers, "GET", Htu, Token, expectedJkt ?? _key.Thumbprint, default);
        Assert.False(result.Succeeded);
        Assert.Null(result.Jkt);
        Assert.Contains(reason, result.ErrorDescription, StringComparison.Ordinal);
    }

    /// <summary>The same r||s signature as ASN.1 DER (SEQUENCE of two INTEGERs), as a JWS must not encode it.</summary>
    private static byte[] ToDer(byte[] p1363)
    {
        var writer = new System.Formats.Asn1.AsnWriter(System.Formats.Asn1.AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteIntegerUnsigned(p1363.AsSpan(0, 32));
            writer.WriteIntegerUnsigned(p1363.AsSpan(32));
        }

        return writer.Encode();
    }
}
