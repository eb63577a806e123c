using System.Text.Json.Nodes;
using Coffer.Sandbox.Engine;
using Coffer.Sandbox.Keys;
using Coffer.Sandbox.Tests.Support;

namespace Coffer.Sandbox.Tests.Binance;

/// <summary>The Binance front checks keys, timestamps, signatures and permissions as rest-api.md says, over real HTTP.</summary>
public sealed class BinanceAuthTests
{
    private static readonly string[] ReadTrade = ["read", "trade"];
    private static readonly string[] ReadOnly = ["read"];

    [Fact]
    public async Task OfficialDocVector_SignedLimitOrder_IsAcceptedExactlyAsSent()
    {
        var vector = Vector("binance-doc-hmac-query");
        var inputs = vector["inputs"]!;
        var query = inputs["query"]!.GetValue<string>();
        var expected = vector["expected"]!.GetValue<string>();
        Assert.Equal(expected, BinanceTestClient.Sign(inputs["secret"]!.GetValue<string>(), query));

        var ltc = new Market("LTC/BTC", "LTC", "BTC", 0.000001m, 0.001m, 0.001m, 0.0001m, 0.001m, 0.001m, 0.12m);
        var stamp = DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(inputs["timestamp"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture));
        await using var run = await SandboxRun.StartAsync(o => o with { Markets = [ltc] }, start: stamp.AddMilliseconds(100));
        var key = run.Host.State.Keys.Import(
            SandboxExchange.Binance, inputs["apiKey"]!.GetValue<string>(), inputs["secret"]!.GetValue<string>(), KeyPermissions.Read | KeyPermissions.Trade);
        run.Host.State.Engine.Deposit(key.Account, "BTC", 1m);

        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v3/order?{query}&signature={expected}");
        request.Headers.Add("X-MBX-APIKEY", key.ApiKey);
        var (status, body, _) = await run.Binance.SendAsync(request);

        Assert.Equal(200, status);
        Assert.Equal("LTCBTC", body.GetProperty("symbol").GetString());
        Assert.Equal("NEW", body.GetProperty("status").GetString());
        Assert.Equal(0.9m, run.Host.State.Engine.GetBalance(key.Account, "BTC").Free);
    }

    [Fact]
    public async Task GoodSignature_Account_ReturnsBalancesAndWeightHeader()
    {
        await using var run = await SandboxRun.StartAsync();
        var (apiKey, secret, account) = await run.Binance.IssueKeyAsync(ReadOnly);
        await run.Binance.DepositAsync(account, "USDT", 1234.5m);

        var (status, body, response) = await run.Binance.SignedAsync(HttpMethod.Get, "/api/v3/account", apiKey, secret, "omitZeroBalances=true");

        Assert.Equal(200, status);
        var balance = Assert.Single(body.GetProperty("balances").EnumerateArray());
        Assert.Equal("USDT", balance.GetProperty("asset").GetString());
        Assert.Equal("1234.50000000", balance.GetProperty("free").GetString());
        Assert.Equal("20", Assert.Single(response.Headers.GetValues("X-MBX-USED-WEIGHT-1M")));
    }

    [Fact]
    public async Task BadSignature_IsRefusedWith1022()
    {
        await using var run = await SandboxRun.StartAsync();
        var (apiKey, _, _) = await run.Binance.IssueKeyAsync(ReadOnly);

        var (status, body, _) = await run.Binance.SignedAsync(HttpMethod.Get, "/api/v3/account", apiKey, "not-the-secret");

        Assert.Equal(400, status);
        Assert.Equal(-1022, body.GetProperty("code").GetInt32());
        Assert.Equal("Signature for this request is not valid.", body.GetProperty("msg").GetString());
    }

    [Fact]
    public async Task SignatureOverDifferentParameters_IsRefusedWith1022()
    {
        await using var run = await SandboxRun.StartAsync();
        var (apiKey, secret, _) = await run.Binance.IssueKeyAsync(ReadOnly);
        var stamp = run.Clock.GetUtcNow().ToUnixTimeMilliseconds();
        var signedFor = BinanceTestClient.Sign(secret, $"recvWindow=5000&timestamp={stamp}");

        var (_, body, _) = await run.Binance.SignedAsync(HttpMethod.Get, "/api/v3/account", apiKey, secret, "recvWindow=6000", stamp, signedFor);

        Assert.Equal(-1022, body.GetProperty("code").GetInt32());
    }

    [Theory]
    [InlineData(-5001, "Timestamp for this request is outside of the recvWindow.")]
    [InlineData(1000, "Timestamp for this request was 1000ms ahead of the server's time.")]
    public async Task TimestampOutsideWindow_IsRefusedWith1021(long offsetMs, string message)
    {
        await using var run = await SandboxRun.StartAsync();
        var (apiKey, secret, _) = await run.Binance.IssueKeyAsync(ReadOnly);
        var stamp = run.Clock.GetUtcNow().ToUnixTimeMilliseconds() + offsetMs;

        var (status, body, _) = await run.Binance.SignedAsync(HttpMethod.Get, "/api/v3/account", apiKey, secret, timestamp: stamp);

        Assert.Equal(400, status);
        Assert.Equal(-1021, body.GetProperty("code").GetInt32());
        Assert.Equal(message, body.GetProperty("msg").GetString());
    }

    [Fact]
    public async Task TimestampJustInsideLargerRecvWindow_IsAccepted()
    {
        await using var run = await SandboxRun.StartAsync();
        var (apiKey, secret, _) = await run.Binance.IssueKeyAsync(ReadOnly);
        var stamp = run.Clock.GetUtcNow().ToUnixTimeMilliseconds() - 9000;

        var (status, _, _) = await run.Binance.SignedAsync(HttpMethod.Get, "/api/v3/account", apiKey, secret, "recvWindow=10000", stamp);

        Assert.Equal(200, status);
    }

    [Fact]
    public async Task UnknownKey_Is2015_AndMissingKey_Is2014()
    {
        await using var run = await SandboxRun.StartAsync();
        var unknown = new string('A', 64);

        var (status, body, _) = await run.Binance.SignedAsync(HttpMethod.Get, "/api/v3/account", unknown, "whatever");
        var (missingStatus, missing, _) = await run.Binance.GetAsync("/api/v3/account?timestamp=1&signature=00");

        Assert.Equal(401, status);
        Assert.Equal(-2015, body.GetProperty("code").GetInt32());
        Assert.Equal(401, missingStatus);
        Assert.Equal(-2014, missing.GetProperty("code").GetInt32());
    }

    [Fact]
    public async Task ReadOnlyKey_PlacingAnOrder_Is2015AndPlacesNothing()
    {
        await using var run = await SandboxRun.StartAsync();
        var (apiKey, secret, account) = await run.Binance.IssueKeyAsync(ReadOnly);
        await run.Binance.DepositAsync(account, "USDT", 10_000m);

        var (status, body, _) = await run.Binance.SignedAsync(
            HttpMethod.Post, "/api/v3/order", apiKey, secret, "symbol=BTCUSDT&side=BUY&type=MARKET&quantity=0.01");

        Assert.Equal(401, status);
        Assert.Equal(-2015, body.GetProperty("code").GetInt32());
        Assert.Empty(run.Host.State.Engine.GetOrders(account));
    }

    [Fact]
    public async Task KeyWithIpAllowlist_FromAnotherAddress_Is2015()
    {
        await using var run = await SandboxRun.StartAsync();
        var (apiKey, secret, _) = await run.Binance.IssueKeyAsync(ReadTrade, ["10.1.2.3"]);

        var (_, body, _) = await run.Binance.SignedAsync(HttpMethod.Get, "/api/v3/account", apiKey, secret);

        Assert.Equal(-2015, body.GetProperty("code").GetInt32());
    }

    [Fact]
    public async Task ApiRestrictions_ReportWithdrawalEnabledKey()
    {
        await using var run = await SandboxRun.StartAsync();
        var (apiKey, secret, _) = await run.Binance.IssueKeyAsync(["read", "trade", "withdraw"]);

        var (status, body, response) = await run.Binance.SignedAsync(HttpMethod.Get, "/sapi/v1/account/apiRestrictions", apiKey, secret);

        Assert.Equal(200, status);
        Assert.True(body.GetProperty("enableWithdrawals").GetBoolean());
        Assert.True(body.GetProperty("enableSpotAndMarginTrading").GetBoolean());
        Assert.False(body.GetProperty("enableInternalTransfer").GetBoolean());
        Assert.True(response.Headers.Contains("X-SAPI-USED-IP-WEIGHT-1M"));
    }

    [Fact]
    public async Task IssuedKeyNeverUsed_RequestLogIsEmpty_ThenRecordsOutcomes()
    {
        await using var run = await SandboxRun.StartAsync();
        var (apiKey, _, _) = await run.Binance.IssueKeyAsync(ReadOnly);
        Assert.Equal(0, (await run.Binance.GetAsync("/sandbox/requests")).Body.GetArrayLength());

        await run.Binance.SignedAsync(HttpMethod.Get, "/api/v3/account", apiKey, "wrong");

        var record = Assert.Single((await run.Binance.GetAsync("/sandbox/requests")).Body.EnumerateArray());
        Assert.Equal("/api/v3/account", record.GetProperty("path").GetString());
        Assert.Equal(apiKey, record.GetProperty("api_key").GetString());
        Assert.Equal("-1022", record.GetProperty("outcome").GetString());
    }

    private static JsonNode Vector(string id)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Coffer.slnx")))
        {
            dir = dir.Parent;
        }

        var path = Path.Combine(dir?.FullName ?? throw new InvalidOperationException("Repository root not found."), "..", "shared", "conformance", "vectors", "signatures.json");
        var vectors = JsonNode.Parse(File.ReadAllText(path))!["vectors"]!.AsArray();
        return vectors.Single(v => v!["id"]!.GetValue<string>() == id)!;
    }
}
