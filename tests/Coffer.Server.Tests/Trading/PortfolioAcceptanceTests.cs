using System.Globalization;
using System.Net;
using System.Text.Json;
using Coffer.Sandbox.Engine;
using SandboxPermissions = Coffer.Sandbox.Keys.KeyPermissions;

namespace Coffer.Server.Tests.Trading;

/// <summary>
/// Three connections (one per exchange) and a scripted trading history placed through Coffer: the balances, value,
/// allocation and FIFO PnL Coffer shows equal what this test computes on its own from the sandbox's fill records.
/// </summary>
public abstract class PortfolioAcceptanceTests : TradingTest
{
    private const decimal Tolerance = 0.000000001m;

    private readonly Dictionary<(string Account, string Asset), decimal> _deposits = [];

    private void Deposit(string exchange, string asset, decimal amount)
    {
        Sandbox.State.Engine.Deposit(Accounts[exchange].Key.Account, asset, amount);
        _deposits[(Accounts[exchange].Key.Account, asset)] = _deposits.GetValueOrDefault((Accounts[exchange].Key.Account, asset)) + amount;
    }

    private async Task ScriptAsync()
    {
        await SetUpTraderAsync(usdt: 0, usd: 0);
        using (var settings = await SendAsync(HttpMethod.Put, "/api/v1/portfolio/settings", new { step_up_threshold = 1_000_000m }, Session, stepUp: StepUp(Seed)))
        {
            await JsonAsync(settings);
        }

        Deposit("binance", "USDT", 50_000m);
        Deposit("kraken", "USD", 40_000m);
        Deposit("coinbase", "USD", 30_000m);
        Deposit("coinbase", "USDT", 10_000m);

        var engine = Sandbox.State.Engine;
        async Task StepAsync(Func<Task> act)
        {
            await act();
            Clock.Advance(TimeSpan.FromSeconds(7));
        }

        await StepAsync(() => PlacedAsync("binance", "BTC/USDT", "buy", "market", 0.3m));
        await StepAsync(() => PlacedAsync("binance", "ETH/USDT", "buy", "market", 2m));
        await StepAsync(() => PlacedAsync("kraken", "BTC/USD", "buy", "market", 0.2m));
        await StepAsync(() => PlacedAsync("coinbase", "BTC/USD", "buy", "market", 0.1m));
        await StepAsync(() => PlacedAsync("coinbase", "SOL/USDT", "buy", "market", 20m));
        engine.SetPrice("BTC/USDT", 63_000m);
        engine.SetPrice("BTC/USD", 63_100m);
        engine.SetPrice("ETH/USDT", 2_900m);
        engine.SetPrice("SOL/USDT", 160m);
        await StepAsync(() => PlacedAsync("binance", "BTC/USDT", "sell", "market", 0.1m));
        await StepAsync(() => PlacedAsync("kraken", "BTC/USD", "buy", "market", 0.05m));
        await StepAsync(() => PlacedAsync("kraken", "BTC/USD", "sell", "market", 0.15m));
        await StepAsync(() => PlacedAsync("coinbase", "SOL/USDT", "sell", "market", 5m));
        await StepAsync(() => PlacedAsync("binance", "DUST/USDT", "buy", "market", 1_200m));
        // Resting orders: they hold funds (used) without changing totals.
        await StepAsync(() => PlacedAsync("binance", "ETH/USDT", "buy", "limit", 1m, 2_000m));
        await StepAsync(() => PlacedAsync("coinbase", "BTC/USD", "sell", "limit", 0.05m, 90_000m));
        engine.SetPrice("BTC/USDT", 64_000m);
        engine.SetPrice("BTC/USD", 64_050m);
        engine.SetPrice("ETH/USD", 2_950m);
        engine.SetPrice("BTC/EUR", 59_000m);
    }

    [Fact]
    public async Task Portfolio_AfterAScriptedHistory_EqualsWhatTheFillsSay()
    {
        await ScriptAsync();
        var refresh = await RefreshAsync();
        Assert.True(refresh.GetProperty("complete").GetBoolean(), refresh.ToString());

        // Balances: deposits plus every fill (what it bought in, what it paid out, its fee).
        var expected = ExpectedBalances();
        var balances = await Server.GetJsonAsync("/api/v1/portfolio/balances", Session);
        var shown = balances.GetProperty("items").EnumerateArray()
            .ToDictionary(i => (i.GetProperty("exchange").GetString()!, i.GetProperty("asset").GetString()!), i => i.GetProperty("total").GetDecimal());
        foreach (var ((exchange, asset), total) in expected.Where(e => e.Value != 0))
        {
            Assert.True(shown.TryGetValue((exchange, asset), out var got), $"{exchange} {asset} missing: {balances}");
            Assert.Equal(total, got);
        }

        Assert.Equal(expected.Count(e => e.Value != 0), shown.Count);

        // Value in USD, through the test's own price paths over the sandbox's last prices.
        var values = expected.Where(e => e.Value != 0).ToDictionary(e => e.Key, e => e.Value * UsdPrice(e.Key.Asset));
        var summary = await Server.GetJsonAsync("/api/v1/portfolio", Session);
        Assert.Equal("USD", summary.GetProperty("currency").GetString());
        AssertClose(values.Values.Sum(), summary.GetProperty("total_value").GetDecimal());
        foreach (var item in balances.GetProperty("items").EnumerateArray())
        {
            var key = (item.GetProperty("exchange").GetString()!, item.GetProperty("asset").GetString()!);
            AssertClose(values[key], item.GetProperty("value").GetDecimal());
            Assert.NotEqual(0, item.GetProperty("price_source").GetArrayLength() + (key.Item2 == "USD" ? 1 : 0));
        }

        // Allocation by asset and by exchange (the connections are labelled by exchange here).
        foreach (var (property, keyOf) in new (string, Func<(string Exchange, string Asset), string>)[] { ("by_asset", k => k.Asset), ("by_exchange", k => k.Exchange) })
        {
            var want = values.GroupBy(v => keyOf(v.Key)).ToDictionary(g => g.Key, g => g.Sum(v => v.Value));
            var got = summary.GetProperty(property).EnumerateArray().ToDictionary(a => a.GetProperty("key").GetString()!, a => a.GetProperty("value").GetDecimal());
            Assert.Equal(want.Keys.Order(), got.Keys.Order());
            foreach (var (k, v) in want)
            {
                AssertClose(v, got[k]);
            }
        }

        // FIFO PnL per asset and quote, fees included, computed here from the fills.
        var pnl = await Server.GetJsonAsync("/api/v1/portfolio/pnl", Session);
        var positions = pnl.GetProperty("positions").EnumerateArray()
            .ToDictionary(p => (p.GetProperty("asset").GetString()!, p.GetProperty("quote").GetString()!));
        var fifo = ExpectedFifo();
        Assert.Equal(fifo.Keys.Order(), positions.Keys.Order());
        foreach (var (key, (held, basis, realized)) in fifo)
        {
            var p = positions[key];
            AssertClose(held, p.GetProperty("amount").GetDecimal());
            AssertClose(basis, p.GetProperty("cost_basis").GetDecimal());
            AssertClose(realized, p.GetProperty("realized_pnl").GetDecimal());
            var last = Sandbox.State.Engine.GetTicker($"{key.Item1}/{key.Item2}")!.Last;
            AssertClose(held * last - basis, p.GetProperty("unrealized_pnl").GetDecimal());
        }

        Assert.False(pnl.GetProperty("history_incomplete").GetBoolean());

        // Trades and orders are listed with filters; the CSV export has one row per trade.
        var fills = Accounts.Values.Sum(a => Sandbox.State.Engine.GetFills(a.Key.Account).Count);
        var trades = await Server.GetJsonAsync("/api/v1/trades?limit=1000", Session);
        Assert.Equal(fills, trades.GetProperty("items").GetArrayLength());
        var sells = await Server.GetJsonAsync("/api/v1/trades?side=sell&exchange=kraken", Session);
        Assert.Equal(Sandbox.State.Engine.GetFills(Accounts["kraken"].Key.Account).Count(f => f.Side == OrderSide.Sell), sells.GetProperty("items").GetArrayLength());
        using var csv = await SendAsync(HttpMethod.Get, "/api/v1/trades/export", null, Session);
        Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
        Assert.Equal(fills + 1, (await csv.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Length);
        using var pnlCsv = await SendAsync(HttpMethod.Get, "/api/v1/portfolio/pnl/export?kind=positions", null, Session);
        Assert.Equal(fifo.Count + 1, (await pnlCsv.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Length);
        var open = await Server.GetJsonAsync("/api/v1/orders?state=open", Session);
        Assert.Equal(Accounts.Values.Sum(a => Sandbox.State.Engine.GetOrders(a.Key.Account, openOnly: true).Count), open.GetProperty("items").GetArrayLength());

        // A snapshot was taken by the refresh: the history has a point of the same value.
        var history = await Server.GetJsonAsync("/api/v1/portfolio/history?range=24h&by=exchange", Session);
        var point = Assert.Single(history.GetProperty("points").EnumerateArray());
        AssertClose(values.Values.Sum(), point.GetProperty("value").GetDecimal());
    }

    [Fact]
    public async Task Portfolio_AnAssetWithoutAPriceAndAFailedConnection_AreShownNotDropped()
    {
        await SetUpTraderAsync();
        Sandbox.State.Engine.Deposit(Accounts["binance"].Key.Account, "XYZ", 42m);
        Sandbox.State.Keys.ChangePermissions(Front("kraken"), Accounts["kraken"].Key.ApiKey, SandboxPermissions.None);

        var refresh = await RefreshAsync();
        Assert.False(refresh.GetProperty("complete").GetBoolean());
        var summary = await Server.GetJsonAsync("/api/v1/portfolio", Session);
        Assert.False(summary.GetProperty("complete").GetBoolean());

        var unpriced = Assert.Single(summary.GetProperty("unpriced").EnumerateArray());
        Assert.Equal("XYZ", unpriced.GetProperty("asset").GetString());
        Assert.Equal(42m, unpriced.GetProperty("amount").GetDecimal());
        Assert.Contains("XYZ", unpriced.GetProperty("reason").GetString(), StringComparison.Ordinal);

        var coverage = summary.GetProperty("coverage").EnumerateArray().ToDictionary(c => c.GetProperty("exchange").GetString()!);
        Assert.Equal("complete", coverage["binance"].GetProperty("status").GetString());
        Assert.Equal("failed", coverage["kraken"].GetProperty("status").GetString());
        var missing = coverage["kraken"].GetProperty("missing").EnumerateArray().ToList();
        Assert.Contains(missing, m => m.GetProperty("part").GetString() == "balances" && m.GetProperty("reason").GetString()!.Contains("Permission", StringComparison.Ordinal));

        // The balances list still carries XYZ, without a value.
        var balances = await Server.GetJsonAsync("/api/v1/portfolio/balances", Session);
        var xyz = balances.GetProperty("items").EnumerateArray().Single(i => i.GetProperty("asset").GetString() == "XYZ");
        Assert.Equal(JsonValueKind.Null, xyz.GetProperty("value").ValueKind);
    }

    [Fact]
    public async Task Refresh_WithNdJson_StreamsEachConnectionThenTheResult()
    {
        await SetUpTraderAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/portfolio/refresh");
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", Session);
        request.Headers.Accept.ParseAdd("application/x-ndjson");
        using var response = await Server.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var lines = (await response.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonSerializer.Deserialize<JsonElement>(l)).ToList();
        Assert.Equal(4, lines.Count);
        Assert.All(lines.Take(3), l => Assert.Equal("complete", l.GetProperty("connection").GetProperty("status").GetString()));
        Assert.Equal(3, lines[3].GetProperty("result").GetProperty("connections").GetArrayLength());
    }

    private static void AssertClose(decimal expected, decimal actual) =>
        Assert.True(Math.Abs(expected - actual) <= Tolerance * Math.Max(1, Math.Abs(expected)), $"expected {expected.ToString(CultureInfo.InvariantCulture)}, got {actual.ToString(CultureInfo.InvariantCulture)}");

    private decimal Last(string symbol) => Sandbox.State.Engine.GetTicker(symbol)!.Last;

    /// <summary>The test's own price paths to USD over the sandbox's markets.</summary>
    private decimal UsdPrice(string asset) => asset switch
    {
        "USD" => 1m,
        "BTC" => Last("BTC/USD"),
        "ETH" => Last("ETH/USD"),
        "USDT" => Last("BTC/USD") / Last("BTC/USDT"),
        "SOL" => Last("SOL/USDT") * Last("BTC/USD") / Last("BTC/USDT"),
        "DUST" => Last("DUST/USDT") * Last("BTC/USD") / Last("BTC/USDT"),
        "EUR" => Last("BTC/USD") / Last("BTC/EUR"),
        _ => throw new InvalidOperationException(asset),
    };

    private Dictionary<(string Exchange, string Asset), decimal> ExpectedBalances()
    {
        var totals = new Dictionary<(string, string), decimal>();
        foreach (var account in Accounts.Values)
        {
            void Add(string asset, decimal amount) => totals[(account.Exchange, asset)] = totals.GetValueOrDefault((account.Exchange, asset)) + amount;
            foreach (var ((owner, asset), amount) in _deposits.Where(d => d.Key.Account == account.Key.Account))
            {
                Add(asset, amount);
            }

            foreach (var fill in Sandbox.State.Engine.GetFills(account.Key.Account))
            {
                var (@base, quote) = Split(fill.Symbol);
                Add(fill.Side == OrderSide.Buy ? @base : quote, fill.Side == OrderSide.Buy ? fill.Quantity : fill.QuoteQuantity);
                Add(fill.Side == OrderSide.Buy ? quote : @base, -(fill.Side == OrderSide.Buy ? fill.QuoteQuantity : fill.Quantity));
                Add(fill.FeeAsset, -fill.Fee);
            }
        }

        return totals;
    }

    /// <summary>FIFO by lots over every fill of the three accounts in time order: held amount, open cost basis, realized PnL.</summary>
    private Dictionary<(string Asset, string Quote), (decimal Held, decimal Basis, decimal Realized)> ExpectedFifo()
    {
        var lots = new Dictionary<(string, string), List<(decimal Amount, decimal Cost)>>();
        var realized = new Dictionary<(string, string), decimal>();
        var fills = Accounts.Values.SelectMany(a => Sandbox.State.Engine.GetFills(a.Key.Account)).OrderBy(f => f.Time).ThenBy(f => f.Id).ToList();
        foreach (var f in fills)
        {
            var (@base, quote) = Split(f.Symbol);
            var key = (@base, quote);
            var queue = lots.TryGetValue(key, out var l) ? l : lots[key] = [];
            realized.TryAdd(key, 0);
            if (f.Side == OrderSide.Buy)
            {
                queue.Add((f.Quantity - (f.FeeAsset == @base ? f.Fee : 0), f.QuoteQuantity + (f.FeeAsset == quote ? f.Fee : 0)));
                continue;
            }

            var disposed = f.Quantity + (f.FeeAsset == @base ? f.Fee : 0);
            var proceeds = f.QuoteQuantity - (f.FeeAsset == quote ? f.Fee : 0);
            var consumedCost = 0m;
            while (disposed > 0)
            {
                var (amount, cost) = queue[0];
                var take = Math.Min(amount, disposed);
                var part = cost * take / amount;
                consumedCost += part;
                disposed -= take;
                if (take == amount)
                {
                    queue.RemoveAt(0);
                }
                else
                {
                    queue[0] = (amount - take, cost - part);
                }
            }

            realized[key] += proceeds - consumedCost;
        }

        return lots.ToDictionary(kv => kv.Key, kv => (kv.Value.Sum(x => x.Amount), kv.Value.Sum(x => x.Cost), realized[kv.Key]));
    }

    private static (string Base, string Quote) Split(string symbol)
    {
        var parts = symbol.Split('/');
        return (parts[0], parts[1]);
    }
}

public sealed class PortfolioAcceptanceSqliteTests : PortfolioAcceptanceTests;

public sealed class PortfolioAcceptancePostgresTests : PortfolioAcceptanceTests
{
    internal override bool OnPostgres => true;
}
