using Coffer.Exchanges.Binance;
using Coffer.Exchanges.Coinbase;
using Coffer.Exchanges.Kraken;
using Coffer.Exchanges.Model;
using Coffer.Sandbox;
using EngineOrderRequest = Coffer.Sandbox.Engine.OrderRequest;
using EngineSide = Coffer.Sandbox.Engine.OrderSide;
using EngineType = Coffer.Sandbox.Engine.OrderType;

namespace Coffer.Exchanges.Tests.Sandbox;

/// <summary>
/// History longer than the exchange's pages (Kraken 50 newest first, Coinbase cursor pages newest first, Binance 1000
/// oldest first from startTime) is read whole and oldest first, the way the portfolio sync reads it: from the epoch, then
/// from the newest item seen, until a page comes back short. The orders fill a second apart in the sandbox's past.
/// </summary>
public sealed class HistoryPagingTests
{
    [Fact]
    public Task Kraken_MoreThanOnePage_AreReadOldestFirst_AndWhole() =>
        CheckAsync(s => SandboxRun<KrakenClient>.StartAsync(SandboxExchange.Kraken, s), "BTC/USD", "USD", orders: 60, limit: 25);

    [Fact]
    public Task Coinbase_MoreThanOneCursorPage_AreReadOldestFirst_AndWhole() =>
        CheckAsync(s => SandboxRun<CoinbaseClient>.StartAsync(SandboxExchange.Coinbase, s), "BTC/USD", "USD", orders: 230, limit: 90);

    [Fact]
    public Task Binance_MoreThanOneThousand_AreReadOldestFirst_AndWhole() =>
        CheckAsync(s => SandboxRun<BinanceClient>.StartAsync(SandboxExchange.Binance, s), "BTC/USDT", "USDT", orders: 1_050, limit: null);

    private static async Task CheckAsync<TClient>(Func<Func<SandboxOptions, SandboxOptions>, Task<SandboxRun<TClient>>> start, string symbol, string quote, int orders, int? limit)
        where TClient : class, IExchangeClient
    {
        var clock = new PastClock(TimeSpan.FromSeconds(-(orders + 120)));
        await using var sandbox = await start(o => o with { TimeProvider = clock });
        var key = await sandbox.IssueKeyAsync("read", "trade");
        await sandbox.DepositAsync(key.Account, quote, 10_000_000m);
        var engine = sandbox.Host.State.Engine;
        for (var i = 0; i < orders; i++)
        {
            var placed = engine.Place(new EngineOrderRequest(key.Account, symbol, EngineSide.Buy, EngineType.Market, 0.001m));
            Assert.NotNull(placed.Order);
            Assert.NotEmpty(placed.Fills);
            clock.Step(TimeSpan.FromSeconds(1));
        }

        clock.Now();
        var fills = engine.GetFills(key.Account);
        var closed = engine.GetOrders(key.Account).Count(o => !Coffer.Sandbox.Engine.OrderTypeExtensions.IsOpen(o.Status));
        Assert.Equal(orders, closed);
        var client = await sandbox.ClientAsync(key);
        await client.FetchMarketsAsync(default);

        // Pages of 'limit' (Binance: one call's worth, 1000): each oldest first, each starting where the last ended.
        var pageSize = limit ?? 1_000;
        var trades = await ReadAllAsync(since => client.FetchMyTradesAsync(symbol, since, pageSize, default), t => t.Timestamp, t => t.Id, pageSize);
        Assert.Equal(fills.Count, trades.Count);
        Assert.Equal(fills.Sum(f => f.Quantity), trades.Sum(t => t.Amount));
        Assert.Equal(fills.Select(f => f.Time.ToUnixTimeSeconds()), trades.Select(t => t.Timestamp.ToUnixTimeSeconds()));

        // No limit: everything from 'since' in one answer, oldest first.
        var everything = await client.FetchMyTradesAsync(symbol, fills[0].Time, null, default);
        Assert.Equal(fills.Count, everything.Count);
        Assert.Equal(everything.OrderBy(t => t.Timestamp).Select(t => t.Id), everything.Select(t => t.Id));

        var history = await ReadAllAsync(since => client.FetchClosedOrdersAsync(symbol, since, pageSize, default), o => o.Timestamp!.Value, o => o.Id, pageSize);
        Assert.Equal(orders, history.Count);
        Assert.All(history, o => Assert.Equal(OrderStatus.Closed, o.Status));
    }

    /// <summary>Reads as the sync does; checks every page is the oldest first and no item is lost between pages.</summary>
    private static async Task<List<T>> ReadAllAsync<T>(Func<DateTimeOffset, Task<IReadOnlyList<T>>> page, Func<T, DateTimeOffset> timeOf, Func<T, string> idOf, int pageSize)
    {
        var seen = new Dictionary<string, T>(StringComparer.Ordinal);
        var since = DateTimeOffset.UnixEpoch;
        for (var pages = 0; ; pages++)
        {
            Assert.True(pages < 100, "paging did not end");
            var items = await page(since);
            Assert.True(items.Count <= pageSize);
            Assert.Equal(items.OrderBy(timeOf).Select(idOf), items.Select(idOf));
            Assert.All(items, i => Assert.True(timeOf(i).ToUnixTimeSeconds() >= since.ToUnixTimeSeconds()));
            foreach (var item in items)
            {
                seen.TryAdd(idOf(item), item);
            }

            if (items.Count < pageSize)
            {
                return [.. seen.Values.OrderBy(timeOf).ThenBy(idOf, StringComparer.Ordinal)];
            }

            var newest = items.Max(timeOf);
            Assert.True(newest > since);
            since = newest;
        }
    }

    /// <summary>The system clock moved into the past by an offset the test steps forward, then back to now.</summary>
    private sealed class PastClock(TimeSpan offset) : TimeProvider
    {
        private long _offsetTicks = offset.Ticks;

        public override DateTimeOffset GetUtcNow() => System.GetUtcNow().AddTicks(Interlocked.Read(ref _offsetTicks));

        public void Step(TimeSpan by) => Interlocked.Add(ref _offsetTicks, by.Ticks);

        public void Now() => Interlocked.Exchange(ref _offsetTicks, 0);
    }
}
