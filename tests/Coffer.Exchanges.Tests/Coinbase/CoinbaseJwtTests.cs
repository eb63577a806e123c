using System.Buffers.Text;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Coffer.Exchanges.Coinbase;
using Coffer.Exchanges.Tests.Conformance;
using Coffer.Exchanges.Tests.Support;

namespace Coffer.Exchanges.Tests.Coinbase;

/// <summary>
/// The Coinbase CDP ES256 JWT procedure of <c>vectors/signatures.json</c> (<c>coinbase-cdp-es256-jwt</c>): ECDSA is
/// randomized, so the test signs with a throw-away P-256 key held by the real vault, verifies with the public key and
/// decodes header and claims.
/// </summary>
public sealed class CoinbaseJwtTests
{
    private static readonly JsonNode Procedure = ConformanceData.Load("vectors", "signatures.json")["procedures"]!.AsArray()
        .Single(p => p!["id"]!.GetValue<string>() == "coinbase-cdp-es256-jwt")!["procedure"]!;

    [Fact]
    public async Task CreateAsync_Procedure_VerifiesWithThePublicKeyAndCarriesTheDocumentedHeaderAndClaims()
    {
        var inputs = Procedure["inputs"]!;
        using var vault = await TestVault.StartAsync();
        using var key = CoinbaseTestSupport.NewKey();
        var credentials = await vault.CredentialsAsync(CoinbaseTestSupport.KeyName, key.ExportECPrivateKeyPem());
        var now = DateTimeOffset.FromUnixTimeSeconds(long.Parse(inputs["now"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture));
        var uri = new Uri($"https://{inputs["host"]}{inputs["path"]}?{inputs["query"]}");

        var jwt = await CoinbaseJwt.CreateAsync(credentials, new HttpMethod(inputs["method"]!.GetValue<string>()), uri, now, default);

        var (header, claims) = Verify(jwt, key);
        Assert.Equal("ES256", header["alg"]!.GetValue<string>());
        Assert.Equal("JWT", header["typ"]!.GetValue<string>());
        Assert.Equal(CoinbaseTestSupport.KeyName, header["kid"]!.GetValue<string>());
        Assert.Matches("^[0-9a-f]{64}$", header["nonce"]!.GetValue<string>());
        var expected = Procedure["expectedClaims"]!;
        Assert.Equal(CoinbaseTestSupport.KeyName, claims["sub"]!.GetValue<string>());
        Assert.Equal(expected["iss"]!.GetValue<string>(), claims["iss"]!.GetValue<string>());
        Assert.Equal(expected["nbf"]!.GetValue<long>(), claims["nbf"]!.GetValue<long>());
        Assert.Equal(expected["exp"]!.GetValue<long>(), claims["exp"]!.GetValue<long>());
        Assert.Equal(claims["nbf"]!.GetValue<long>() + Procedure["lifetimeSeconds"]!.GetValue<long>(), claims["exp"]!.GetValue<long>());
        Assert.Equal(expected["uri"]!.GetValue<string>(), claims["uri"]!.GetValue<string>());
        Assert.DoesNotContain("limit=10", claims["uri"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Null(claims["aud"]);
        Assert.Equal(["sub", "iss", "nbf", "exp", "uri"], claims.AsObject().Select(p => p.Key));
    }

    [Fact]
    public async Task CreateAsync_TwiceForTheSameRequest_HasAFreshNonce_AndPostNamesItsPath()
    {
        using var vault = await TestVault.StartAsync();
        using var key = CoinbaseTestSupport.NewKey();
        var credentials = await vault.CredentialsAsync(CoinbaseTestSupport.KeyName, key.ExportECPrivateKeyPem());
        var uri = new Uri("https://api.coinbase.com/api/v3/brokerage/accounts");
        var now = DateTimeOffset.FromUnixTimeSeconds(1700000000);

        var first = Verify(await CoinbaseJwt.CreateAsync(credentials, HttpMethod.Get, uri, now, default), key);
        var second = Verify(await CoinbaseJwt.CreateAsync(credentials, HttpMethod.Get, uri, now, default), key);
        var post = Verify(await CoinbaseJwt.CreateAsync(credentials, HttpMethod.Post, new Uri("https://api.coinbase.com/api/v3/brokerage/orders"), now, default), key);

        Assert.NotEqual(first.Header["nonce"]!.GetValue<string>(), second.Header["nonce"]!.GetValue<string>());
        Assert.Equal("POST api.coinbase.com/api/v3/brokerage/orders", post.Claims["uri"]!.GetValue<string>());
    }

    [Fact]
    public async Task Client_EveryRequest_CarriesItsOwnBearerJwt_StampedWithTheExchangeClock()
    {
        using var vault = await TestVault.StartAsync();
        using var key = CoinbaseTestSupport.NewKey();
        var credentials = await vault.CredentialsAsync(CoinbaseTestSupport.KeyName, key.ExportECPrivateKeyPem());
        var clock = new ManualClock();
        var pages = new Queue<string>(["{\"accounts\":[],\"has_next\":true,\"cursor\":\"c1\"}", "{\"accounts\":[],\"has_next\":false,\"cursor\":\"\"}"]);
        var handler = new ScriptedHandler(_ => (HttpStatusCode.OK, pages.Dequeue()));
        using var http = new HttpClient(handler);
        var client = CoinbaseTestSupport.Client(http, credentials, time: clock);
        client.Clock.Observe(clock.GetUtcNow() + TimeSpan.FromSeconds(30), clock.GetUtcNow(), clock.GetUtcNow());

        await client.FetchBalanceAsync(default);

        Assert.Equal(2, handler.Requests.Count);
        var tokens = handler.Requests.Select(r => r.Headers["Authorization"]).ToList();
        Assert.All(tokens, t => Assert.StartsWith("Bearer ", t, StringComparison.Ordinal));
        Assert.NotEqual(tokens[0], tokens[1]);
        var (_, claims) = Verify(tokens[1]["Bearer ".Length..], key);
        Assert.Equal((clock.GetUtcNow() + TimeSpan.FromSeconds(30)).ToUnixTimeSeconds(), claims["nbf"]!.GetValue<long>());
        Assert.Equal("GET api.coinbase.com/api/v3/brokerage/accounts", claims["uri"]!.GetValue<string>());
        Assert.Contains("cursor=c1", handler.Requests[1].Uri.Query, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateAsync_KeyNotOnP256_IsRefusedAsAuthentication()
    {
        using var vault = await TestVault.StartAsync();
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        var credentials = await vault.CredentialsAsync(CoinbaseTestSupport.KeyName, key.ExportECPrivateKeyPem());

        var error = await Assert.ThrowsAsync<ExchangeException>(() => CoinbaseJwt.CreateAsync(credentials, HttpMethod.Get, new Uri("https://api.coinbase.com/api/v3/brokerage/accounts"), DateTimeOffset.UnixEpoch, default).AsTask());

        Assert.Equal(ExchangeErrorKind.Authentication, error.Kind);
        Assert.False(error.IsTransient);
        Assert.Contains("P-256", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("PRIVATE KEY", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateAsync_SecretThatIsNoPem_IsRefused()
    {
        using var vault = await TestVault.StartAsync();
        var credentials = await vault.CredentialsAsync(CoinbaseTestSupport.KeyName, "legacy-hmac-secret-not-a-pem");

        var error = await Assert.ThrowsAsync<ExchangeException>(() => CoinbaseJwt.CreateAsync(credentials, HttpMethod.Get, new Uri("https://api.coinbase.com/api/v3/brokerage/accounts"), DateTimeOffset.UnixEpoch, default).AsTask());

        Assert.Equal(ExchangeErrorKind.Authentication, error.Kind);
        Assert.DoesNotContain("legacy-hmac-secret", error.Message, StringComparison.Ordinal);
    }

    /// <summary>The verify steps: three base64url parts, a 64-byte r‖s signature valid for the public key, JSON header and claims.</summary>
    private static (JsonNode Header, JsonNode Claims) Verify(string jwt, ECDsa key)
    {
        var parts = jwt.Split('.');
        Assert.Equal(3, parts.Length);
        Assert.All(parts, p => Assert.DoesNotContain('=', p));
        var signature = Base64Url.DecodeFromChars(parts[2]);
        Assert.Equal(64, signature.Length);
        using var publicKey = ECDsa.Create(key.ExportParameters(includePrivateParameters: false));
        Assert.True(publicKey.VerifyData(Encoding.ASCII.GetBytes($"{parts[0]}.{parts[1]}"), signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation), "The ES256 signature does not verify with the key's public half.");
        return (JsonNode.Parse(Base64Url.DecodeFromChars(parts[0]))!, JsonNode.Parse(Base64Url.DecodeFromChars(parts[1]))!);
    }
}
