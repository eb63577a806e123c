using System.Security.Cryptography;
using Coffer.Sandbox.Tests.Support;

namespace Coffer.Sandbox.Tests.Coinbase;

/// <summary>The Coinbase front checks CDP JWTs (ES256), key permissions and ids as Advanced Trade does, over real HTTP.</summary>
public sealed class CoinbaseAuthTests
{
    private const string Accounts = "/api/v3/brokerage/accounts";

    [Fact]
    public async Task GoodJwt_Accounts_IsAcceptedWithRateHeaders()
    {
        await using var run = await CoinbaseRun.StartAsync();
        var (key, pem, account) = await run.Coinbase.IssueKeyAsync("read");
        await run.Coinbase.DepositAsync(account, "USD", 250.5m);

        var answer = await run.Coinbase.GetAsync(Accounts + "?limit=10", key, pem);

        Assert.Equal(200, answer.Status);
        var usd = answer.Body.GetProperty("accounts").EnumerateArray().Single(a => a.GetProperty("currency").GetString() == "USD");
        Assert.Equal("250.5", usd.GetProperty("available_balance").GetProperty("value").GetString());
        Assert.Equal("30", answer.Header("x-ratelimit-limit"));
        Assert.Equal("29", answer.Header("x-ratelimit-remaining"));
        Assert.Equal(SandboxRun.Start.ToUnixTimeSeconds() + 1, long.Parse(answer.Header("x-ratelimit-reset"), System.Globalization.CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData("other-path")]
    [InlineData("other-method")]
    [InlineData("query-in-uri")]
    [InlineData("scheme-in-uri")]
    [InlineData("expired")]
    [InlineData("nbf-in-future")]
    [InlineData("lifetime-over-120")]
    [InlineData("alg-es384")]
    [InlineData("alg-none")]
    [InlineData("typ-missing")]
    [InlineData("nonce-missing")]
    [InlineData("kid-unknown")]
    [InlineData("sub-not-kid")]
    [InlineData("iss-coinbase-cloud")]
    public async Task BadJwt_IsRefusedWith401Unauthorized(string fault)
    {
        await using var run = await CoinbaseRun.StartAsync();
        var (key, pem, _) = await run.Coinbase.IssueKeyAsync("read");
        var now = run.Clock.GetUtcNow().ToUnixTimeSeconds();
        var authority = run.Coinbase.Authority;

        var answer = await run.Coinbase.SendAsync(HttpMethod.Get, Accounts + "?limit=5", key, pem, edit: (header, claims) =>
        {
            switch (fault)
            {
                case "other-path": claims["uri"] = $"GET {authority}/api/v3/brokerage/orders/historical/batch"; break;
                case "other-method": claims["uri"] = $"POST {authority}{Accounts}"; break;
                case "query-in-uri": claims["uri"] = $"GET {authority}{Accounts}?limit=5"; break;
                case "scheme-in-uri": claims["uri"] = $"GET http://{authority}{Accounts}"; break;
                case "expired": (claims["nbf"], claims["exp"]) = (now - 121, now); break;
                case "nbf-in-future": (claims["nbf"], claims["exp"]) = (now + 30, now + 150); break;
                case "lifetime-over-120": claims["exp"] = now + 121; break;
                case "alg-es384": header["alg"] = "ES384"; break;
                case "alg-none": header["alg"] = "none"; break;
                case "typ-missing": header.Remove("typ"); break;
                case "nonce-missing": header.Remove("nonce"); break;
                case "kid-unknown": header["kid"] = "organizations/x/apiKeys/y"; break;
                case "sub-not-kid": claims["sub"] = "organizations/x/apiKeys/y"; break;
                case "iss-coinbase-cloud": claims["iss"] = "coinbase-cloud"; break;
                default: throw new ArgumentOutOfRangeException(nameof(fault));
            }
        });

        Assert.Equal(401, answer.Status);
        Assert.Equal("Unauthorized", answer.Text.Trim());
        var logged = (await run.Coinbase.ControlGetAsync("/sandbox/requests")).EnumerateArray().Last();
        Assert.StartsWith("unauthorized:", logged.GetProperty("outcome").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task JwtSignedWithAnotherKey_Is401()
    {
        await using var run = await CoinbaseRun.StartAsync();
        var (key, _, _) = await run.Coinbase.IssueKeyAsync("read");
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        var answer = await run.Coinbase.GetAsync(Accounts, key, other.ExportECPrivateKeyPem());

        Assert.Equal(401, answer.Status);
    }

    [Fact]
    public async Task TamperedClaimsAfterSigning_Is401()
    {
        await using var run = await CoinbaseRun.StartAsync();
        var (key, pem, _) = await run.Coinbase.IssueKeyAsync("read");
        var now = run.Clock.GetUtcNow().ToUnixTimeSeconds();
        var signedFor = run.Coinbase.Uri("GET", "/api/v3/brokerage/key_permissions");
        var jwt = CoinbaseTestJwt.Sign(CoinbaseTestJwt.Header(key), CoinbaseTestJwt.Claims(key, signedFor, now), pem);
        var parts = jwt.Split('.');
        var tampered = parts[0] + "." + CoinbaseTestJwt.Part(CoinbaseTestJwt.Claims(key, run.Coinbase.Uri("GET", Accounts), now)) + "." + parts[2];

        // The tampered token goes first: a refused token must not use up the nonce of the genuine one.
        var bad = await run.Coinbase.SendWithJwtAsync(HttpMethod.Get, Accounts, tampered);
        var good = await run.Coinbase.SendWithJwtAsync(HttpMethod.Get, "/api/v3/brokerage/key_permissions", jwt);

        Assert.Equal(200, good.Status);
        Assert.Equal(401, bad.Status);
    }

    [Fact]
    public async Task DerEncodedSignature_Is401()
    {
        await using var run = await CoinbaseRun.StartAsync();
        var (key, pem, _) = await run.Coinbase.IssueKeyAsync("read");
        var input = CoinbaseTestJwt.Part(CoinbaseTestJwt.Header(key)) + "."
            + CoinbaseTestJwt.Part(CoinbaseTestJwt.Claims(key, run.Coinbase.Uri("GET", Accounts), run.Clock.GetUtcNow().ToUnixTimeSeconds()));
        using var ec = ECDsa.Create();
        ec.ImportFromPem(pem);
        var der = ec.SignData(System.Text.Encoding.ASCII.GetBytes(input), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);

        var answer = await run.Coinbase.SendWithJwtAsync(HttpMethod.Get, Accounts, input + "." + CoinbaseTestJwt.Base64Url(der));

        Assert.Equal(401, answer.Status);
    }

    [Fact]
    public async Task NbfWithinSkew_IsAccepted_AndExpiryIsExclusive()
    {
        await using var run = await CoinbaseRun.StartAsync();
        var (key, pem, _) = await run.Coinbase.IssueKeyAsync("read");
        var now = run.Clock.GetUtcNow().ToUnixTimeSeconds();

        var ahead = await run.Coinbase.SendAsync(HttpMethod.Get, Accounts, key, pem, edit: (_, c) => (c["nbf"], c["exp"]) = (now + 3, now + 60));
        var lastSecond = await run.Coinbase.SendAsync(HttpMethod.Get, Accounts, key, pem, edit: (_, c) => (c["nbf"], c["exp"]) = (now - 119, now + 1));

        Assert.Equal(200, ahead.Status);
        Assert.Equal(200, lastSecond.Status);
    }

    [Fact]
    public async Task ReplayedJwt_IsRefusedTheSecondTime()
    {
        await using var run = await CoinbaseRun.StartAsync();
        var (key, pem, _) = await run.Coinbase.IssueKeyAsync("read");
        var jwt = CoinbaseTestJwt.Sign(
            CoinbaseTestJwt.Header(key), CoinbaseTestJwt.Claims(key, run.Coinbase.Uri("GET", Accounts), run.Clock.GetUtcNow().ToUnixTimeSeconds()), pem);

        var first = await run.Coinbase.SendWithJwtAsync(HttpMethod.Get, Accounts, jwt);
        var second = await run.Coinbase.SendWithJwtAsync(HttpMethod.Get, Accounts, jwt);

        Assert.Equal(200, first.Status);
        Assert.Equal(401, second.Status);
    }

    [Fact]
    public async Task NoAuthorization_PrivateIs401_PublicIsServed()
    {
        await using var run = await CoinbaseRun.StartAsync();

        var accounts = await run.Coinbase.PublicAsync(Accounts);
        var products = await run.Coinbase.PublicAsync("/api/v3/brokerage/products");
        var time = await run.Coinbase.PublicAsync("/api/v3/brokerage/time");
        var market = await run.Coinbase.PublicAsync("/api/v3/brokerage/market/products/BTC-USD");

        Assert.Equal(401, accounts.Status);
        Assert.Equal(401, products.Status);
        Assert.Equal(200, time.Status);
        Assert.Equal(SandboxRun.Start.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture), time.Body.GetProperty("epochSeconds").GetString());
        Assert.Equal("2026-03-02T12:00:00.000Z", time.Body.GetProperty("iso").GetString());
        Assert.Equal("BTC-USD", market.Body.GetProperty("product_id").GetString());
        Assert.Equal("0.00001", market.Body.GetProperty("base_increment").GetString());
        Assert.Equal("0.01", market.Body.GetProperty("price_increment").GetString());
        Assert.Equal("online", market.Body.GetProperty("status").GetString());
        Assert.False(market.Body.GetProperty("trading_disabled").GetBoolean());
        Assert.Equal("SPOT", market.Body.GetProperty("product_type").GetString());
    }

    [Fact]
    public async Task ViewOnlyKey_PlacingAnOrder_Is403AndPlacesNothing()
    {
        await using var run = await CoinbaseRun.StartAsync();
        var (key, pem, account) = await run.Coinbase.IssueKeyAsync("read");
        await run.Coinbase.DepositAsync(account, "USD", 10_000m);

        var answer = await run.Coinbase.PostAsync("/api/v3/brokerage/orders", key, pem, new
        {
            client_order_id = "c-1",
            product_id = "BTC-USD",
            side = "BUY",
            order_configuration = new { market_market_ioc = new { quote_size = "100" } },
        });

        Assert.Equal(403, answer.Status);
        Assert.Equal("PERMISSION_DENIED", answer.Body.GetProperty("error").GetString());
        Assert.Equal("Missing required scopes", answer.Body.GetProperty("error_details").GetString());
        Assert.Empty(run.Host.State.Engine.GetOrders(account));
    }

    [Theory]
    [InlineData(new[] { "read" }, true, false, false)]
    [InlineData(new[] { "read", "trade" }, true, true, false)]
    [InlineData(new[] { "read", "trade", "withdraw" }, true, true, true)]
    public async Task KeyPermissions_ReportTheKeysSandboxPermissions(string[] permissions, bool view, bool trade, bool transfer)
    {
        await using var run = await CoinbaseRun.StartAsync();
        var (key, pem, _) = await run.Coinbase.IssueKeyAsync(permissions);

        var answer = await run.Coinbase.GetAsync("/api/v3/brokerage/key_permissions", key, pem);

        Assert.Equal(200, answer.Status);
        Assert.Equal(view, answer.Body.GetProperty("can_view").GetBoolean());
        Assert.Equal(trade, answer.Body.GetProperty("can_trade").GetBoolean());
        Assert.Equal(transfer, answer.Body.GetProperty("can_transfer").GetBoolean());
        Assert.Equal("DEFAULT", answer.Body.GetProperty("portfolio_type").GetString());
        Assert.True(Guid.TryParse(answer.Body.GetProperty("portfolio_uuid").GetString(), out _));
    }

    [Fact]
    public async Task UnknownOrder_Is404NotFound()
    {
        await using var run = await CoinbaseRun.StartAsync();
        var (key, pem, _) = await run.Coinbase.IssueKeyAsync("read");

        var madeUp = await run.Coinbase.GetAsync($"/api/v3/brokerage/orders/historical/{Guid.NewGuid()}", key, pem);
        var garbage = await run.Coinbase.GetAsync("/api/v3/brokerage/orders/historical/not-an-id", key, pem);

        Assert.Equal(404, madeUp.Status);
        Assert.Equal("NOT_FOUND", madeUp.Body.GetProperty("error").GetString());
        Assert.Equal(404, garbage.Status);
    }
}
