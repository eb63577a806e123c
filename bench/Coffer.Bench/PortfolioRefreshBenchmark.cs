using System.Text.Json;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Coffer.Sandbox;
using Coffer.Sandbox.Faults;

namespace Coffer.Bench;

/// <summary>
/// Issue #5, portfolio: POST /api/v1/portfolio/refresh through a real server (HTTPS, SQLite) against the sandbox with
/// 200 ms added before every exchange answer. The baseline is a trader with one Binance connection — Binance because
/// its sync is the longest chain of sequential calls (trades and closed orders are asked per symbol); the case of
/// interest is a trader with three connections (Binance, Kraken, Coinbase), whose connections should sync in parallel
/// (goal: ≤ 1.25× the baseline). Kraken alone and Coinbase alone are measured too, for the per-exchange times.
/// <para>
/// One refresh = the user's connections synced (per connection, in sequence: balances, open orders, then closed orders and
/// trades — per symbol for Binance, for the markets of the currencies held, here USDT and USD; markets come from the
/// server's one-hour cache after the warm-up) and a portfolio snapshot, which prices the holdings with each exchange's
/// tickers. Before every iteration the clock moves 6 s on, past the server's 5-second ticker cache, so every refresh
/// fetches tickers, as one a few seconds after the last would. Each trader's accounts are funded (100,000 USDT and
/// 100,000 USD) and have no history. Every trader exists in every case's server, so the database is the same for all.
/// </para>
/// </summary>
[Config(typeof(PortfolioRefreshConfig))]
public class PortfolioRefreshBenchmark
{
    private const int LatencyMs = 200;

    private BenchServer _server = null!;
    private readonly Dictionary<string, BenchTrader> _traders = new(StringComparer.Ordinal);

    [GlobalSetup]
    public void Setup() => SetupAsync().GetAwaiter().GetResult();

    private async Task SetupAsync()
    {
        _server = await BenchServer.StartAsync();
        var deposits = new[] { ("USDT", 100_000m), ("USD", 100_000m) };
        var users = new Dictionary<string, SandboxExchange[]>(StringComparer.Ordinal)
        {
            ["binance"] = [SandboxExchange.Binance],
            ["kraken"] = [SandboxExchange.Kraken],
            ["coinbase"] = [SandboxExchange.Coinbase],
            ["all"] = [SandboxExchange.Binance, SandboxExchange.Kraken, SandboxExchange.Coinbase],
        };
        foreach (var (name, exchanges) in users)
        {
            var trader = await _server.TraderAsync("bench-" + name);
            foreach (var exchange in exchanges)
            {
                await _server.ConnectAsync(trader, _server.FundedKey(exchange, deposits));
            }

            _traders[name] = trader;
        }

        // Every user's first refresh, without latency: each connection's markets are loaded and the refresh is complete.
        foreach (var (name, exchanges) in users)
        {
            var view = await RefreshAsync(_traders[name]);
            if (!view.GetProperty("complete").GetBoolean() || view.GetProperty("connections").GetArrayLength() != exchanges.Length)
            {
                throw new InvalidOperationException($"The refresh of '{name}' is not complete: {view}");
            }
        }

        _server.Sandbox.State.Faults.Set(new FaultPlan { LatencyMs = LatencyMs });
    }

    /// <summary>Past the 5-second ticker cache: every measured refresh prices its snapshot with fresh tickers.</summary>
    [IterationSetup]
    public void PastTickerCache() => _server.Clock.Advance(TimeSpan.FromSeconds(6));

    [Benchmark(Baseline = true, Description = "refresh, 1 connection (Binance)")]
    public async Task<bool> Binance() => Complete(await RefreshAsync(_traders["binance"]));

    [Benchmark(Description = "refresh, 1 connection (Kraken)")]
    public async Task<bool> Kraken() => Complete(await RefreshAsync(_traders["kraken"]));

    [Benchmark(Description = "refresh, 1 connection (Coinbase)")]
    public async Task<bool> Coinbase() => Complete(await RefreshAsync(_traders["coinbase"]));

    [Benchmark(Description = "refresh, 3 connections (Binance+Kraken+Coinbase)")]
    public async Task<bool> Three() => Complete(await RefreshAsync(_traders["all"]));

    [GlobalCleanup]
    public void Cleanup() => _server.DisposeAsync().AsTask().GetAwaiter().GetResult();

    private async Task<JsonElement> RefreshAsync(BenchTrader trader)
    {
        using var response = await _server.SendAsync(HttpMethod.Post, "/api/v1/portfolio/refresh", null, trader.Session);
        return await BenchServer.JsonAsync(response);
    }

    private static bool Complete(JsonElement view) =>
        view.GetProperty("complete").GetBoolean() ? true : throw new InvalidOperationException($"A measured refresh was not complete: {view}");
}

/// <summary>
/// Each refresh takes seconds: one call per iteration (monitoring, invocation count 1), 2 warm-up and 12 measured
/// iterations, in process (the server and the sandbox are the benchmark's own state); times in milliseconds.
/// </summary>
public sealed class PortfolioRefreshConfig : ManualConfig
{
    public PortfolioRefreshConfig()
    {
        AddJob(Job.Default
            .WithStrategy(RunStrategy.Monitoring)
            .WithLaunchCount(1)
            .WithInvocationCount(1)
            .WithUnrollFactor(1)
            .WithWarmupCount(2)
            .WithIterationCount(12)
            .WithToolchain(InProcessEmitToolchain.Instance));
        AddColumn(StatisticColumn.Min, StatisticColumn.P50, StatisticColumn.Max);
        WithSummaryStyle(SummaryStyle.Default.WithTimeUnit(Perfolizer.Horology.TimeUnit.Millisecond));
    }
}
