using System.Globalization;
using Coffer.Sandbox.Engine;
using Coffer.Sandbox.Tests.Support;
using static Coffer.Sandbox.Tests.Support.KrakenTestClient;

namespace Coffer.Sandbox.Tests.Kraken;

/// <summary>Orders through the Kraken wire: checks, lifecycle, fills in TradesHistory and the fill records, stops, paging.</summary>
public sealed class KrakenOrderTests
{
    private static readonly string[] ReadTrade = ["read", "trade"];

    private static Task<SandboxRun> StartAsync(Func<SandboxOptions, SandboxOptions>? configure = null) =>
        SandboxRun.StartAsync(configure, exchange: SandboxExchange.Kraken);

    [Theory]
    [InlineData("pair=XBTUSD&type=buy&ordertype=limit&price=50000&volume=0.000001", "EOrder:Order minimum not met")]
    [InlineData("pair=XBTUSD&type=buy&ordertype=limit&price=50000.001&volume=0.1", "EOrder:Tick size check failed")]
    [InlineData("pair=XBTUSD&type=buy&ordertype=limit&price=50000&volume=0.00001", "EOrder:Cost minimum not met")]
    [InlineData("pair=XBTUSD&type=buy&ordertype=limit&price=50000&volume=1", "EOrder:Insufficient funds")]
    [InlineData("pair=XBTUSD&type=hold&ordertype=limit&price=50000&volume=0.1", "EGeneral:Invalid arguments:type")]
    [InlineData("pair=XBTUSD&type=buy&ordertype=iceberg&price=50000&volume=0.1", "EGeneral:Invalid arguments:ordertype")]
    [InlineData("pair=XBTUSD&type=buy&ordertype=limit&volume=0.1", "EGeneral:Invalid arguments:price")]
    [InlineData("pair=XBTUSD&type=buy&ordertype=stop-loss-limit&price=61000&volume=0.1", "EGeneral:Invalid arguments:price2")]
    [InlineData("pair=XBTUSD&type=buy&ordertype=limit&price=50000", "EGeneral:Invalid arguments:volume")]
    [InlineData("pair=XBTUSD&type=buy&ordertype=limit&price=%2b5&volume=0.1", "EGeneral:Invalid arguments:price")]
    [InlineData("pair=NOPE&type=buy&ordertype=market&volume=0.1", "EQuery:Unknown asset pair")]
    public async Task BadOrder_IsRefusedWithKrakenError(string parameters, string error)
    {
        await using var run = await StartAsync();
        var (apiKey, secret, account) = await run.Kraken.IssueKeyAsync(ReadTrade);
        await run.Kraken.DepositAsync(account, "USD", 10_000m);

        var (status, body) = await run.Kraken.PrivateAsync("AddOrder", apiKey, secret, parameters);

        Assert.Equal(200, status);
        Assert.Equal([error], Errors(body));
        Assert.Empty(run.Host.State.Engine.GetOrders(account));
    }

    [Fact]
    public async Task LimitOrder_QueryOpenCancel_ThenClosed_AndBalanceReleased()
    {
        await using var run = await StartAsync();
        var (apiKey, secret, account) = await run.Kraken.IssueKeyAsync(ReadTrade);
        await run.Kraken.DepositAsync(account, "USD", 10_000m);

        var placed = Result((await run.Kraken.PrivateAsync(
            "AddOrder", apiKey, secret, "pair=XXBTZUSD&type=buy&ordertype=limit&price=50000&volume=0.1&cl_ord_id=my-1")).Body);
        var txid = placed.GetProperty("txid")[0].GetString()!;
        var queried = Result((await run.Kraken.PrivateAsync("QueryOrders", apiKey, secret, "txid=" + txid)).Body).GetProperty(txid);
        var open = Result((await run.Kraken.PrivateAsync("OpenOrders", apiKey, secret)).Body).GetProperty("open");
        var held = run.Host.State.Engine.GetBalance(account, "USD");
        var canceled = Result((await run.Kraken.PrivateAsync("CancelOrder", apiKey, secret, "cl_ord_id=my-1")).Body);
        var (_, again) = await run.Kraken.PrivateAsync("CancelOrder", apiKey, secret, "txid=" + txid);
        var (_, unknown) = await run.Kraken.PrivateAsync("QueryOrders", apiKey, secret, "txid=OAAAAA-AAAAA-AAAAAA");
        var closed = Result((await run.Kraken.PrivateAsync("ClosedOrders", apiKey, secret)).Body);

        Assert.Equal("buy 0.10000000 XBTUSD @ limit 50000.00", placed.GetProperty("descr").GetProperty("order").GetString());
        Assert.Equal("open", queried.GetProperty("status").GetString());
        Assert.Equal("my-1", queried.GetProperty("cl_ord_id").GetString());
        Assert.Equal("50000.00", queried.GetProperty("descr").GetProperty("price").GetString());
        Assert.Equal("XBTUSD", queried.GetProperty("descr").GetProperty("pair").GetString());
        Assert.Equal("0.10000000", queried.GetProperty("vol").GetString());
        Assert.Equal(txid, Assert.Single(open.EnumerateObject()).Name);
        // fciq (Kraken's default when buying): the buy holds its value and the most its fee can be (taker, 0.26 %) in USD.
        Assert.Equal("fciq", queried.GetProperty("oflags").GetString());
        var hold = 5_000m + Math.Round(5_000m * EngineMarket(run, "BTC/USD").TakerFee, 8, MidpointRounding.AwayFromZero);
        Assert.Equal(5_013m, hold);
        Assert.Equal(new Balance("USD", 10_000m - hold, hold), held);
        Assert.Equal(1, canceled.GetProperty("count").GetInt32());
        Assert.Equal(["EOrder:Unknown order"], Errors(again));
        Assert.Equal(["EOrder:Unknown order"], Errors(unknown));
        Assert.Equal(1, closed.GetProperty("count").GetInt32());
        var closedOrder = closed.GetProperty("closed").GetProperty(txid);
        Assert.Equal("canceled", closedOrder.GetProperty("status").GetString());
        Assert.Equal("User requested", closedOrder.GetProperty("reason").GetString());
        Assert.Equal(new Balance("USD", 10_000m, 0m), run.Host.State.Engine.GetBalance(account, "USD"));
    }

    [Fact]
    public async Task MarketOrder_FillAppearsInTradesHistory_AndInTheSandboxFillRecords()
    {
        await using var run = await StartAsync();
        var (apiKey, secret, account) = await run.Kraken.IssueKeyAsync(ReadTrade);
        await run.Kraken.DepositAsync(account, "USD", 10_000m);

        var placed = Result((await run.Kraken.PrivateAsync("AddOrder", apiKey, secret, "pair=ETHUSD&type=buy&ordertype=market&volume=1.5")).Body);
        var txid = placed.GetProperty("txid")[0].GetString()!;
        var history = Result((await run.Kraken.PrivateAsync("TradesHistory", apiKey, secret)).Body);
        var order = Result((await run.Kraken.PrivateAsync("QueryOrders", apiKey, secret, $"txid={txid}&trades=true")).Body).GetProperty(txid);
        var record = Assert.Single((await run.Kraken.GetAsync($"/sandbox/accounts/{account}/fills")).Body.EnumerateArray());

        Assert.Equal(1, history.GetProperty("count").GetInt32());
        var trade = Assert.Single(history.GetProperty("trades").EnumerateObject());
        Assert.Matches("^T[A-Z0-9]{5}-[A-Z0-9]{5}-[A-Z0-9]{6}$", trade.Name);
        Assert.Equal(txid, trade.Value.GetProperty("ordertxid").GetString());
        Assert.Equal("XETHZUSD", trade.Value.GetProperty("pair").GetString());
        Assert.Equal("buy", trade.Value.GetProperty("type").GetString());
        Assert.Equal("market", trade.Value.GetProperty("ordertype").GetString());
        Assert.Equal(record.GetProperty("id").GetInt64(), trade.Value.GetProperty("trade_id").GetInt64());
        Assert.Equal(Dec(record, "price"), Dec(trade.Value, "price"));
        Assert.Equal(Dec(record, "quantity"), Dec(trade.Value, "vol"));
        // Without oflags a buy pays its fee in the quote (fciq is Kraken's default when buying), as TradesHistory reports it.
        Assert.Equal("USD", record.GetProperty("fee_asset").GetString());
        Assert.Equal(Dec(record, "fee"), Dec(trade.Value, "fee"));
        Assert.Equal("closed", order.GetProperty("status").GetString());
        Assert.Equal("fciq", order.GetProperty("oflags").GetString());
        Assert.Equal(trade.Name, Assert.Single(order.GetProperty("trades").EnumerateArray()).GetString());
    }

    [Fact]
    public async Task MarketBuyWithFcib_PaysTheFeeInBase_AndTradesHistoryReportsItInQuote()
    {
        await using var run = await StartAsync();
        var (apiKey, secret, account) = await run.Kraken.IssueKeyAsync(ReadTrade);
        await run.Kraken.DepositAsync(account, "USD", 10_000m);

        var placed = Result((await run.Kraken.PrivateAsync("AddOrder", apiKey, secret, "pair=ETHUSD&type=buy&ordertype=market&volume=1.5&oflags=fcib")).Body);
        var txid = placed.GetProperty("txid")[0].GetString()!;
        var history = Result((await run.Kraken.PrivateAsync("TradesHistory", apiKey, secret)).Body);
        var order = Result((await run.Kraken.PrivateAsync("QueryOrders", apiKey, secret, $"txid={txid}")).Body).GetProperty(txid);
        var record = Assert.Single((await run.Kraken.GetAsync($"/sandbox/accounts/{account}/fills")).Body.EnumerateArray());
        var trade = Assert.Single(history.GetProperty("trades").EnumerateObject());

        // fcib: the fee comes out of the ETH bought; TradesHistory states it in USD, the "total fee (quote currency)".
        Assert.Equal("ETH", record.GetProperty("fee_asset").GetString());
        Assert.Equal(Math.Round(Dec(record, "fee") * Dec(record, "price"), 6), Dec(trade.Value, "fee"));
        Assert.Equal("fcib", order.GetProperty("oflags").GetString());
        Assert.Equal(1.5m - Dec(record, "fee"), run.Host.State.Engine.GetBalance(account, "ETH").Total);
    }

    [Fact]
    public async Task SellWithFcib_IsRefused()
    {
        await using var run = await StartAsync();
        var (apiKey, secret, account) = await run.Kraken.IssueKeyAsync(ReadTrade);
        await run.Kraken.DepositAsync(account, "ETH", 2m);
        var refused = await run.Kraken.PrivateAsync("AddOrder", apiKey, secret, "pair=ETHUSD&type=sell&ordertype=market&volume=1&oflags=fcib");
        Assert.Contains("EGeneral:Invalid arguments:oflags", refused.Body.GetProperty("error").ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ViqcMarketBuy_SpendsTheQuoteVolume()
    {
        await using var run = await StartAsync();
        var (apiKey, secret, account) = await run.Kraken.IssueKeyAsync(ReadTrade);
        await run.Kraken.DepositAsync(account, "USD", 1_000m);

        var (_, body) = await run.Kraken.PrivateAsync("AddOrder", apiKey, secret, "pair=XBTUSD&type=buy&ordertype=market&volume=600&oflags=viqc");

        Result(body);
        var fill = Assert.Single(run.Host.State.Engine.GetFills(account));
        var market = EngineMarket(run, "BTC/USD");

        // The buy pays its fee in USD (fciq, Kraken's default when buying), so the 600 USD it spends include the taker fee:
        // the cost and fee add up to at most 600, short of it by less than one more lot with its fee.
        Assert.Equal("USD", fill.FeeAsset);
        Assert.False(fill.IsMaker);
        Assert.Equal(Math.Round(fill.QuoteQuantity * market.TakerFee, 8, MidpointRounding.AwayFromZero), fill.Fee);
        Assert.InRange(fill.QuoteQuantity + fill.Fee, 600m - (fill.Price * market.LotStep * (1m + market.TakerFee)), 600m);
        Assert.Equal(new Balance("USD", 1_000m - fill.QuoteQuantity - fill.Fee, 0m), run.Host.State.Engine.GetBalance(account, "USD"));
        Assert.Equal(new Balance("BTC", fill.Quantity, 0m), run.Host.State.Engine.GetBalance(account, "BTC"));
    }

    [Fact]
    public async Task StopLossLimit_WaitsForItsTrigger_ThenFillsAfterThePriceFalls()
    {
        await using var run = await StartAsync();
        var (apiKey, secret, account) = await run.Kraken.IssueKeyAsync(ReadTrade);
        await run.Kraken.DepositAsync(account, "BTC", 1m);

        var placed = Result((await run.Kraken.PrivateAsync(
            "AddOrder", apiKey, secret, "pair=XBTUSD&type=sell&ordertype=stop-loss-limit&price=59000&price2=58900&volume=0.5")).Body);
        var txid = placed.GetProperty("txid")[0].GetString()!;
        var before = Result((await run.Kraken.PrivateAsync("QueryOrders", apiKey, secret, "txid=" + txid)).Body).GetProperty(txid);
        await run.Kraken.ControlAsync("/sandbox/prices", new { symbol = "BTC/USD", price = 58_950m });
        var after = Result((await run.Kraken.PrivateAsync("QueryOrders", apiKey, secret, "txid=" + txid)).Body).GetProperty(txid);
        var history = Result((await run.Kraken.PrivateAsync("TradesHistory", apiKey, secret)).Body);

        Assert.Equal("sell 0.50000000 XBTUSD @ stop loss 59000.00 -> limit 58900.00", placed.GetProperty("descr").GetProperty("order").GetString());
        Assert.Equal("open", before.GetProperty("status").GetString());
        Assert.Equal("0.00000000", before.GetProperty("vol_exec").GetString());
        Assert.Equal("59000.00", before.GetProperty("descr").GetProperty("price").GetString());
        Assert.Equal("58900.00", before.GetProperty("descr").GetProperty("price2").GetString());
        Assert.Equal("closed", after.GetProperty("status").GetString());
        Assert.Equal("0.50000000", after.GetProperty("vol_exec").GetString());
        var trade = Assert.Single(history.GetProperty("trades").EnumerateObject()).Value;
        Assert.Equal("stop-loss-limit", trade.GetProperty("ordertype").GetString());
        Assert.True(Dec(trade, "price") >= 58_900m);
    }

    [Fact]
    public async Task Validate_ChecksButPlacesNothing()
    {
        await using var run = await StartAsync();
        var (apiKey, secret, account) = await run.Kraken.IssueKeyAsync(ReadTrade);
        await run.Kraken.DepositAsync(account, "USD", 10_000m);

        var ok = Result((await run.Kraken.PrivateAsync("AddOrder", apiKey, secret, "pair=XBTUSD&type=buy&ordertype=limit&price=50000&volume=0.1&validate=true")).Body);
        var (_, bad) = await run.Kraken.PrivateAsync("AddOrder", apiKey, secret, "pair=XBTUSD&type=buy&ordertype=limit&price=50000.001&volume=0.1&validate=true");

        Assert.False(ok.TryGetProperty("txid", out _));
        Assert.Equal("buy 0.10000000 XBTUSD @ limit 50000.00", ok.GetProperty("descr").GetProperty("order").GetString());
        Assert.Equal(["EOrder:Tick size check failed"], Errors(bad));
        Assert.Empty(run.Host.State.Engine.GetOrders(account));
    }

    [Fact]
    public async Task ClosedOrders_PagesBy50WithCount_AndCancelAllCountsWhatItCanceled()
    {
        await using var run = await StartAsync();
        var (apiKey, secret, account) = await run.Kraken.IssueKeyAsync(ReadTrade);
        await run.Kraken.DepositAsync(account, "USD", 100_000m);
        for (var i = 0; i < 55; i++)
        {
            run.Clock.Advance(TimeSpan.FromSeconds(1));
            Result((await run.Kraken.PrivateAsync("AddOrder", apiKey, secret, $"pair=XBTUSD&type=buy&ordertype=limit&price={40_000 + i}&volume=0.01")).Body);
        }

        var canceled = Result((await run.Kraken.PrivateAsync("CancelAll", apiKey, secret)).Body);
        var first = Result((await run.Kraken.PrivateAsync("ClosedOrders", apiKey, secret)).Body);
        var second = Result((await run.Kraken.PrivateAsync("ClosedOrders", apiKey, secret, "ofs=50")).Body);

        Assert.Equal(55, canceled.GetProperty("count").GetInt32());
        Assert.Equal(55, first.GetProperty("count").GetInt32());
        Assert.Equal(50, first.GetProperty("closed").EnumerateObject().Count());
        Assert.Equal(5, second.GetProperty("closed").EnumerateObject().Count());
        var all = first.GetProperty("closed").EnumerateObject().Concat(second.GetProperty("closed").EnumerateObject()).Select(o => o.Name).ToHashSet();
        Assert.Equal(55, all.Count);
        Assert.Empty(run.Host.State.Engine.GetOrders(account, openOnly: true));
    }

    [Fact]
    public async Task PublicMarketData_KrakenNamesShapesAndUnknownPair()
    {
        await using var run = await StartAsync();
        await run.Kraken.ControlAsync("/sandbox/prices", new { symbol = "BTC/USD", price = 61_234.5m });

        var time = Result((await run.Kraken.GetAsync("/0/public/Time")).Body);
        var pairs = Result((await run.Kraken.GetAsync("/0/public/AssetPairs")).Body);
        var ticker = Result((await run.Kraken.GetAsync("/0/public/Ticker?pair=XBTUSD")).Body);
        var (status, bad) = await run.Kraken.GetAsync("/0/public/Ticker?pair=NOPE");

        Assert.Equal(SandboxRun.Start.ToUnixTimeSeconds(), time.GetProperty("unixtime").GetInt64());
        Assert.Equal("Mon, 02 Mar 26 12:00:00 +0000", time.GetProperty("rfc1123").GetString());
        var btcUsd = pairs.GetProperty("XXBTZUSD");
        Assert.Equal("XBTUSD", btcUsd.GetProperty("altname").GetString());
        Assert.Equal("XBT/USD", btcUsd.GetProperty("wsname").GetString());
        Assert.Equal("XXBT", btcUsd.GetProperty("base").GetString());
        Assert.Equal("ZUSD", btcUsd.GetProperty("quote").GetString());
        Assert.Equal(2, btcUsd.GetProperty("pair_decimals").GetInt32());
        Assert.Equal("0.01", btcUsd.GetProperty("tick_size").GetString());
        Assert.Equal("0.00001", btcUsd.GetProperty("ordermin").GetString());
        Assert.Equal("online", btcUsd.GetProperty("status").GetString());
        Assert.Equal("XBTUSDT", pairs.GetProperty("XBTUSDT").GetProperty("altname").GetString());
        Assert.Equal("USDT", pairs.GetProperty("SOLUSDT").GetProperty("quote").GetString());
        Assert.Equal("XXBT", pairs.GetProperty("XETHXXBT").GetProperty("quote").GetString());
        Assert.Equal("ZEUR", pairs.GetProperty("XXBTZEUR").GetProperty("quote").GetString());
        var t = ticker.GetProperty("XXBTZUSD");
        Assert.Equal("61234.50", t.GetProperty("c")[0].GetString());
        Assert.True(Dec(t.GetProperty("a"), 0) > Dec(t.GetProperty("b"), 0));
        Assert.Equal(200, status);
        Assert.Equal(["EQuery:Unknown asset pair"], Errors(bad));
    }

    private static decimal Dec(System.Text.Json.JsonElement element, string name) =>
        decimal.Parse(element.GetProperty(name).GetString()!, CultureInfo.InvariantCulture);

    private static decimal Dec(System.Text.Json.JsonElement array, int index) =>
        decimal.Parse(array[index].GetString()!, CultureInfo.InvariantCulture);

    private static Market EngineMarket(SandboxRun run, string symbol) => run.Host.State.Engine.Markets.Single(m => m.Symbol == symbol);
}
