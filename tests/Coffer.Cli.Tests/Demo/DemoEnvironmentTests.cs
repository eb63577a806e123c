using System.Text.Json.Nodes;
using Coffer.Cli.Demo;

namespace Coffer.Cli.Tests.Demo;

/// <summary>
/// <c>coffer demo</c>'s world, started in this process on a week of history: what the printed sign-in opens, through the
/// public API. The browser test drives the README's command itself; this one checks the state behind every page.
/// </summary>
public sealed class DemoEnvironmentTests(DemoEnvironmentTests.Demo demo) : IClassFixture<DemoEnvironmentTests.Demo>
{
    private readonly DemoEnvironment _demo = demo.Environment;
    private readonly string _session = demo.Session;
    private readonly StringWriter _progress = demo.Progress;

    /// <summary>One demo for the class (its start replays the week), signed in once with what it printed.</summary>
    public sealed class Demo : IAsyncLifetime
    {
        internal DemoEnvironment Environment { get; private set; } = null!;

        public string Session { get; private set; } = null!;

        public StringWriter Progress { get; } = new();

        public async Task InitializeAsync()
        {
            Environment = await DemoEnvironment.StartAsync(new DemoOptions("127.0.0.1:0", Days: 7, Seed: 3), Progress, CancellationToken.None);
            var signIn = await Environment.Api.CallAsync(
                HttpMethod.Post, "/api/v1/auth/signin", token: null, new JsonObject { ["username"] = Environment.Seeded.Username, ["password"] = Environment.Seeded.Password });
            Session = signIn["token"]!.GetValue<string>();
        }

        public async Task DisposeAsync()
        {
            if (Environment is not null)
            {
                await Environment.DisposeAsync();
            }

            Progress.Dispose();
        }
    }

    [Fact]
    public async Task ThePrintedPasswordAlone_SignsIn_AndThePortfolioIsCompleteOnThreeExchanges()
    {
        var portfolio = await GetAsync("/api/v1/portfolio");

        Assert.True(portfolio["complete"]!.GetValue<bool>(), portfolio.ToJsonString());
        Assert.True(portfolio["total_value"]!.GetValue<decimal>() > 10_000m);
        Assert.NotNull(portfolio["change24h"]);
        var coverage = portfolio["coverage"]!.AsArray();
        Assert.Equal(3, coverage.Count);
        Assert.Equal(["binance", "coinbase", "kraken"], coverage.Select(c => c!["exchange"]!.GetValue<string>()).Order());
        Assert.Equal(3, portfolio["by_exchange"]!.AsArray().Count);

        var twoFactor = await GetAsync("/api/v1/auth/2fa");
        Assert.False(twoFactor["totp_enabled"]!.GetValue<bool>());
    }

    [Fact]
    public async Task TheHistory_FillsEveryRange_WithSnapshotsOverTheWeek()
    {
        var day = (await GetAsync("/api/v1/portfolio/history?range=24h"))["points"]!.AsArray();
        var week = (await GetAsync("/api/v1/portfolio/history?range=7d"))["points"]!.AsArray();

        Assert.InRange(day.Count, 20, 30);
        Assert.True(week.Count >= 35, $"{week.Count} snapshots over 7 days");
        var times = week.Select(p => p!["time"]!.GetValue<DateTimeOffset>()).ToList();
        Assert.True(times.Max() - times.Min() > TimeSpan.FromDays(6));
        Assert.True(times.Max() > DateTimeOffset.UtcNow - TimeSpan.FromMinutes(5), "the last snapshot is from the live clock");
    }

    [Fact]
    public async Task Orders_Trades_AndPnl_AreThere_WithTwoOrdersStillOpen_AndOneCancelled()
    {
        var open = (await GetAsync("/api/v1/orders?state=open"))["items"]!.AsArray();
        var canceled = (await GetAsync("/api/v1/orders?state=canceled"))["items"]!.AsArray();
        var trades = (await GetAsync("/api/v1/trades?limit=200"))["items"]!.AsArray();
        var pnl = await GetAsync("/api/v1/portfolio/pnl");

        Assert.True(open.Count >= 2, $"{open.Count} open orders");
        Assert.True(canceled.Count >= 1, $"{canceled.Count} cancelled orders");
        Assert.True(trades.Count >= 10, $"{trades.Count} trades");
        Assert.Equal(["binance", "coinbase", "kraken"], trades.Select(t => t!["exchange"]!.GetValue<string>()).Distinct().Order());
        Assert.False(pnl["history_incomplete"]!.GetValue<bool>(), pnl.ToJsonString());
        Assert.NotEmpty(pnl["positions"]!.AsArray());
    }

    [Fact]
    public async Task OnlyTheReadOnlyTrackerToken_StaysActive_AndNoReplaySessionIsLeft()
    {
        var tokens = (await GetAsync("/api/v1/tokens"))["items"]!.AsArray();
        var api = tokens.Where(t => t!["kind"]!.GetValue<string>() == "api").ToList();
        var tracker = Assert.Single(api);
        Assert.Equal("Portfolio tracker (read-only)", tracker!["display_name"]!.GetValue<string>());
        Assert.Equal(["portfolio:read"], tracker["scopes"]!.AsArray().Select(s => s!.GetValue<string>()));

        var sessions = (await GetAsync("/api/v1/auth/sessions"))["items"]!.AsArray();
        var session = Assert.Single(sessions);
        Assert.True(session!["current"]!.GetValue<bool>());
    }

    [Fact]
    public void ThePasswordIsMadeForThisRun_AndTheProgressWasReported()
    {
        Assert.Matches("^[a-z2-9]{5}(-[a-z2-9]{5}){3}$", _demo.Seeded.Password);
        Assert.Contains("replaying 7 days of trading", _progress.ToString(), StringComparison.Ordinal);
        Assert.True(_demo.Seeded.Orders >= 10);
    }

    private Task<JsonObject> GetAsync(string path) => _demo.Api.CallAsync(HttpMethod.Get, path, _session);
}
