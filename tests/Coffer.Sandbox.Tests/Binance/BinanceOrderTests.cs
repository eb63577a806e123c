using Coffer.Sandbox.Tests.Support;

namespace Coffer.Sandbox.Tests.Binance;

/// <summary>Orders through the Binance wire: filters, balance, duplicates, query, cancel, trades.</summary>
public sealed class BinanceOrderTests
{
    private static readonly string[] ReadTrade = ["read", "trade"];

    [Theory]
    [InlineData("type=LIMIT&timeInForce=GTC&quantity=0.000001&price=50000", -1013, "Filter failure: LOT_SIZE")]
    [InlineData("type=LIMIT&timeInForce=GTC&quantity=0.1&price=50000.001", -1013, "Filter failure: PRICE_FILTER")]
    [InlineData("type=LIMIT&timeInForce=GTC&quantity=0.00001&price=50000", -1013, "Filter failure: NOTIONAL")]
    [InlineData("type=LIMIT&timeInForce=GTC&quantity=1&price=50000", -2010, "Account has insufficient balance for requested action.")]
    [InlineData("type=LIMIT&quantity=0.1&price=50000", -1102, "Mandatory parameter 'timeInForce' was not sent, was empty/null, or malformed.")]
    [InlineData("type=MARKET&quantity=0.1&price=50000", -1106, "Parameter 'price' sent when not required.")]
    [InlineData("type=BOGUS&quantity=0.1", -1116, "Invalid orderType.")]
    public async Task BadOrder_IsRefusedWithBinanceCode(string parameters, int code, string message)
    {
        await using var run = await SandboxRun.StartAsync();
        var (apiKey, secret, account) = await run.Binance.IssueKeyAsync(ReadTrade);
        await run.Binance.DepositAsync(account, "USDT", 10_000m);

        var (status, body, _) = await run.Binance.SignedAsync(HttpMethod.Post, "/api/v3/order", apiKey, secret, "symbol=BTCUSDT&side=BUY&" + parameters);

        Assert.Equal(400, status);
        Assert.Equal(code, body.GetProperty("code").GetInt32());
        Assert.Equal(message, body.GetProperty("msg").GetString());
        Assert.Empty(run.Host.State.Engine.GetOrders(account));
    }

    [Fact]
    public async Task LimitOrder_QueryThenCancel_ReleasesBalance_AndDuplicateClientIdRefusedWhileOpen()
    {
        await using var run = await SandboxRun.StartAsync();
        var (apiKey, secret, account) = await run.Binance.IssueKeyAsync(ReadTrade);
        await run.Binance.DepositAsync(account, "USDT", 10_000m);
        const string Order = "symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=0.1&price=50000&newClientOrderId=my-1";

        var placed = await run.Binance.SignedAsync(HttpMethod.Post, "/api/v3/order", apiKey, secret, Order);
        var duplicate = await run.Binance.SignedAsync(HttpMethod.Post, "/api/v3/order", apiKey, secret, Order);
        var queried = await run.Binance.SignedAsync(HttpMethod.Get, "/api/v3/order", apiKey, secret, "symbol=BTCUSDT&origClientOrderId=my-1");
        var open = await run.Binance.SignedAsync(HttpMethod.Get, "/api/v3/openOrders", apiKey, secret, "symbol=BTCUSDT");
        var canceled = await run.Binance.SignedAsync(HttpMethod.Delete, "/api/v3/order", apiKey, secret, "symbol=BTCUSDT&origClientOrderId=my-1");
        var again = await run.Binance.SignedAsync(HttpMethod.Delete, "/api/v3/order", apiKey, secret, "symbol=BTCUSDT&origClientOrderId=my-1");
        var unknown = await run.Binance.SignedAsync(HttpMethod.Get, "/api/v3/order", apiKey, secret, "symbol=BTCUSDT&orderId=999999");

        Assert.Equal(200, placed.Status);
        Assert.Equal("NEW", placed.Body.GetProperty("status").GetString());
        Assert.Equal("my-1", placed.Body.GetProperty("clientOrderId").GetString());
        Assert.Empty(placed.Body.GetProperty("fills").EnumerateArray());
        Assert.Equal("Duplicate order sent.", duplicate.Body.GetProperty("msg").GetString());
        Assert.Equal("50000.00000000", queried.Body.GetProperty("price").GetString());
        Assert.True(queried.Body.GetProperty("isWorking").GetBoolean());
        Assert.Equal(1, open.Body.GetArrayLength());
        Assert.Equal("CANCELED", canceled.Body.GetProperty("status").GetString());
        Assert.Equal("my-1", canceled.Body.GetProperty("origClientOrderId").GetString());
        Assert.Equal(-2011, again.Body.GetProperty("code").GetInt32());
        Assert.Equal(-2013, unknown.Body.GetProperty("code").GetInt32());
        Assert.Equal(new Coffer.Sandbox.Engine.Balance("USDT", 10_000m, 0m), run.Host.State.Engine.GetBalance(account, "USDT"));
    }

    [Fact]
    public async Task MarketOrder_FullResponseFills_MatchMyTradesAndTheSandboxFillRecords()
    {
        await using var run = await SandboxRun.StartAsync();
        var (apiKey, secret, account) = await run.Binance.IssueKeyAsync(ReadTrade);
        await run.Binance.DepositAsync(account, "USDT", 10_000m);

        var placed = await run.Binance.SignedAsync(HttpMethod.Post, "/api/v3/order", apiKey, secret, "symbol=ETHUSDT&side=BUY&type=MARKET&quantity=1.5");
        var trades = await run.Binance.SignedAsync(HttpMethod.Get, "/api/v3/myTrades", apiKey, secret, "symbol=ETHUSDT");
        var records = (await run.Binance.GetAsync($"/sandbox/accounts/{account}/fills")).Body;

        Assert.Equal("FILLED", placed.Body.GetProperty("status").GetString());
        var fill = Assert.Single(placed.Body.GetProperty("fills").EnumerateArray());
        var trade = Assert.Single(trades.Body.EnumerateArray());
        var record = Assert.Single(records.EnumerateArray());
        Assert.Equal(fill.GetProperty("price").GetString(), trade.GetProperty("price").GetString());
        Assert.Equal(fill.GetProperty("tradeId").GetInt64(), trade.GetProperty("id").GetInt64());
        Assert.Equal("0.00150000", trade.GetProperty("commission").GetString());
        Assert.Equal("ETH", trade.GetProperty("commissionAsset").GetString());
        Assert.True(trade.GetProperty("isBuyer").GetBoolean());
        Assert.Equal(trade.GetProperty("id").GetInt64(), record.GetProperty("id").GetInt64());
        Assert.Equal(decimal.Parse(trade.GetProperty("price").GetString()!, System.Globalization.CultureInfo.InvariantCulture),
            decimal.Parse(record.GetProperty("price").GetString()!, System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task PublicMarketData_ShapesAndUnknownSymbol()
    {
        await using var run = await SandboxRun.StartAsync();
        await run.Binance.ControlAsync("/sandbox/prices", new { symbol = "BTC/USDT", price = 61_234.5m });

        var price = await run.Binance.GetAsync("/api/v3/ticker/price?symbol=BTCUSDT");
        var all = await run.Binance.GetAsync("/api/v3/ticker/bookTicker");
        var info = await run.Binance.GetAsync("/api/v3/exchangeInfo?symbol=ETHBTC");
        var bad = await run.Binance.GetAsync("/api/v3/ticker/price?symbol=NOPE");

        Assert.Equal("61234.50000000", price.Body.GetProperty("price").GetString());
        Assert.Equal(run.Host.State.Engine.Markets.Count, all.Body.GetArrayLength());
        var symbol = Assert.Single(info.Body.GetProperty("symbols").EnumerateArray());
        var filters = symbol.GetProperty("filters").EnumerateArray().Select(f => f.GetProperty("filterType").GetString()).ToList();
        Assert.Equal(["PRICE_FILTER", "LOT_SIZE", "MARKET_LOT_SIZE", "NOTIONAL"], filters);
        Assert.Equal("0.00001000", symbol.GetProperty("filters")[0].GetProperty("tickSize").GetString());
        Assert.Equal(-1121, bad.Body.GetProperty("code").GetInt32());
    }
}
