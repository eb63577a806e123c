using System.Globalization;
using System.Text.Json;
using Coffer.Cli.Tests.Infrastructure;
using Coffer.Sandbox.Engine;
using Coffer.Server.Tests.Trading;

namespace Coffer.Server.Tests.Cli;

/// <summary>
/// The real <c>coffer order</c>, <c>coffer trades</c> and <c>coffer portfolio</c> commands against a real server over
/// HTTPS and the sandbox's exchanges: what the CLI says was placed, cancelled and synced is checked against the
/// sandbox's own books and fills.
/// </summary>
public sealed class PortfolioCliTests : TradingTest
{
    private const string StepUpPrompt = "Authenticator code (step-up; input is hidden):";

    [Fact]
    public async Task PlaceListCancel_LimitAndMarketOrders_MatchTheSandboxsBook()
    {
        await SetUpTraderAsync();
        var account = Accounts["binance"].Key.Account;

        // A limit buy below the market rests on the book; the output names its key for a safe retry.
        var limit = await SucceedAsync("order", "place", "--connection", "binance", "--symbol", "BTC/USDT", "--side", "buy", "--type", "limit", "--amount", "0.001", "--price", "50000");
        Assert.Contains("Placed order ", limit.Stdout, StringComparison.Ordinal);
        Assert.Matches(@"State\s*│\s*open", limit.Stdout);
        Assert.Matches(@"Idempotency key: [0-9a-f-]{36} \(to retry safely", limit.Stdout);
        var resting = Assert.Single(Sandbox.State.Engine.GetOrders(account, openOnly: true));
        Assert.Equal(0.001m, resting.Quantity);
        Assert.Equal(50_000m, resting.Price);

        // A market buy fills at once; JSON output is the server's order view. (A second later, so that it lists first.)
        Clock.Advance(TimeSpan.FromSeconds(1));
        var market = Json(await SucceedAsync("order", "place", "--connection", Accounts["binance"].ConnectionId, "--symbol", "btc/usdt", "--side", "buy", "--type", "market", "--amount", "0.002", "--format", "json"));
        Assert.Equal("closed", market.GetProperty("state").GetString());
        Assert.Equal(0.002m, market.GetProperty("filled").GetDecimal());
        Assert.Equal(0.002m, Sandbox.State.Engine.GetFills(account).Where(f => f.OrderId.ToString(CultureInfo.InvariantCulture) == market.GetProperty("exchange_order_id").GetString()).Sum(f => f.Quantity));

        // list: both, newest first; one page of one says there are more; --all follows the cursor.
        var listed = Json(await SucceedAsync("order", "list", "--format", "json"));
        Assert.Equal([market.GetProperty("id").GetString(), IdOf(limit)], listed.GetProperty("items").EnumerateArray().Select(o => o.GetProperty("id").GetString()));
        var firstPage = await SucceedAsync("order", "list", "--limit", "1");
        Assert.Contains("There are more: add --cursor ", firstPage.Stdout, StringComparison.Ordinal);
        Assert.Equal(2, Json(await SucceedAsync("order", "list", "--limit", "1", "--all", "--format", "json")).GetProperty("items").GetArrayLength());
        var open = await SucceedAsync("order", "list", "--state", "open", "--connection", "binance");
        Assert.Contains(IdOf(limit), open.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(market.GetProperty("id").GetString()!, open.Stdout, StringComparison.Ordinal);

        // cancel one: the sandbox's order is cancelled.
        var canceled = await SucceedAsync("order", "cancel", IdOf(limit));
        Assert.Contains("it is canceled", canceled.Stdout, StringComparison.Ordinal);
        Assert.Equal(OrderStatus.Canceled, Sandbox.State.Engine.GetOrder(account, resting.Id)!.Status);
        Assert.Empty(Sandbox.State.Engine.GetOrders(account, openOnly: true));

        // cancel-all: every open order of the symbol on that connection, and none elsewhere.
        await SucceedAsync("order", "place", "--connection", "binance", "--symbol", "BTC/USDT", "--side", "buy", "--type", "limit", "--amount", "0.001", "--price", "51000");
        await SucceedAsync("order", "place", "--connection", "binance", "--symbol", "BTC/USDT", "--side", "buy", "--type", "limit", "--amount", "0.001", "--price", "52000");
        await SucceedAsync("order", "place", "--connection", "kraken", "--symbol", "BTC/USD", "--side", "buy", "--type", "limit", "--amount", "0.001", "--price", "50000");
        Assert.Equal(2, Sandbox.State.Engine.GetOrders(account, openOnly: true).Count);
        var all = await SucceedAsync("order", "cancel-all", "--connection", "binance", "--symbol", "BTC/USDT");
        Assert.Contains("Canceled 2 BTC/USDT orders on 'binance'.", all.Stdout, StringComparison.Ordinal);
        Assert.Empty(Sandbox.State.Engine.GetOrders(account, openOnly: true));
        Assert.Single(Sandbox.State.Engine.GetOrders(Accounts["kraken"].Key.Account, openOnly: true));
        var none = await SucceedAsync("order", "cancel-all", "--connection", "binance", "--symbol", "BTC/USDT");
        Assert.Contains("No open BTC/USDT orders on 'binance': nothing to cancel.", none.Stdout, StringComparison.Ordinal);

        // Cancelling what is no longer open is the server's problem, with the fix.
        var again = await RunAsync(new TestConsole(), "order", "cancel", IdOf(limit));
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("only open orders can be cancelled", again.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Place_OffTheMarketsRules_ShowsTheConstraint_AndTheSandboxSeesNothing()
    {
        await SetUpTraderAsync();
        var seen = OrderRequestsSeen();

        // BTC/USDT has an amount step of 0.00001: strict refuses 0.000015 rather than rounding it.
        var refused = await RunAsync(new TestConsole(), "order", "place", "--connection", "binance", "--symbol", "BTC/USDT", "--side", "buy", "--type", "limit", "--amount", "0.000015", "--price", "60000", "--strict");
        var json = await RunAsync(new TestConsole(), "order", "place", "--connection", "binance", "--symbol", "BTC/USDT", "--side", "buy", "--type", "limit", "--amount", "0.00001", "--price", "60000", "--format", "json");

        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("(constraint: amount-step)", refused.Stderr, StringComparison.Ordinal);
        Assert.Contains("Idempotency key: ", refused.Stderr, StringComparison.Ordinal);
        Assert.Equal(1, json.ExitCode);
        var problem = Json(json);
        Assert.Equal("urn:coffer:problem:order-rule-violated", problem.GetProperty("type").GetString());
        Assert.Equal("min-cost", problem.GetProperty("constraint").GetString());
        Assert.Equal(seen, OrderRequestsSeen());
        Assert.Empty(Sandbox.State.Engine.GetOrders(Accounts["binance"].Key.Account));
    }

    [Fact]
    public async Task Place_SameKeyTwice_PlacesOneOrder()
    {
        await SetUpTraderAsync();
        var key = Guid.NewGuid().ToString();
        string[] args = ["order", "place", "--connection", "kraken", "--symbol", "BTC/USD", "--side", "buy", "--type", "limit", "--amount", "0.01", "--price", "55000", "--key", key];
        var seen = OrderRequestsSeen();

        var first = await SucceedAsync(args);
        var second = await SucceedAsync(args);

        Assert.Contains("Placed order ", first.Stdout, StringComparison.Ordinal);
        Assert.Contains($"Already placed with this key: order {IdOf(first)}", second.Stdout, StringComparison.Ordinal);
        Assert.Contains($"--key {key}", second.Stdout, StringComparison.Ordinal);
        Assert.Single(Sandbox.State.Engine.GetOrders(Accounts["kraken"].Key.Account));
        Assert.Equal(seen + 1, OrderRequestsSeen());

        // The same key for another order is refused with the CLI's fix.
        var reused = await RunAsync(new TestConsole(), ["order", "place", "--connection", "kraken", "--symbol", "BTC/USD", "--side", "buy", "--type", "limit", "--amount", "0.02", "--price", "55000", "--key", key]);
        Assert.Equal(1, reused.ExitCode);
        Assert.Contains("That --key belongs to another order.", reused.Stderr, StringComparison.Ordinal);
        Assert.Single(Sandbox.State.Engine.GetOrders(Accounts["kraken"].Key.Account));
    }

    [Fact]
    public async Task Place_AboveTheStepUpThreshold_AsksForTheCode_AndResendsWithTheSameKey()
    {
        await SetUpTraderAsync();
        using (var settings = await SendAsync(HttpMethod.Put, "/api/v1/portfolio/settings", new { step_up_threshold = 100m }, Session))
        {
            await JsonAsync(settings);
        }

        // 0.01 BTC at 59,000 is worth 590 USD, above 100. Without a terminal there is nobody to ask: nothing is sent.
        string[] order = ["order", "place", "--connection", "binance", "--symbol", "BTC/USDT", "--side", "buy", "--type", "limit", "--amount", "0.01", "--price", "59000"];
        var seen = OrderRequestsSeen();
        var unasked = await RunAsync(new TestConsole(stdin: string.Empty), order);
        Assert.Equal(1, unasked.ExitCode);
        Assert.Contains("pass --totp CODE", unasked.Stderr, StringComparison.Ordinal);
        Assert.Equal(seen, OrderRequestsSeen());

        // On a terminal: the hidden prompt, then the same order again with the same key.
        var key = Guid.NewGuid().ToString();
        using (var console = new TestConsole(secret: NextCode()))
        {
            var asked = await RunAsync(console, [.. order, "--key", key]);
            Assert.True(asked.ExitCode == 0, asked.Output);
            Assert.Equal([StepUpPrompt], console.Prompts);
            Assert.Contains("This order needs step-up", asked.Stderr, StringComparison.Ordinal);
            Assert.Contains("Placed order ", asked.Stdout, StringComparison.Ordinal);
        }

        var placed = Assert.Single(Sandbox.State.Engine.GetOrders(Accounts["binance"].Key.Account));
        Assert.Equal(0.01m, placed.Quantity);
        Assert.Equal(seen + 1, OrderRequestsSeen());
        var recorded = Json(await SucceedAsync("order", "list", "--format", "json")).GetProperty("items");
        Assert.Equal(key, Assert.Single(recorded.EnumerateArray()).GetProperty("idempotency_key").GetString());

        // --totp: no prompt at all.
        using var flagged = new TestConsole();
        var withFlag = await RunAsync(flagged, [.. order, "--totp", NextCode()]);
        Assert.True(withFlag.ExitCode == 0, withFlag.Output);
        Assert.Empty(flagged.Prompts);
        Assert.Equal(2, Sandbox.State.Engine.GetOrders(Accounts["binance"].Key.Account).Count);
    }

    [Fact]
    public async Task PortfolioRefresh_ShowsEachConnectionAsItFinishes_ThenTheSummary()
    {
        await SetUpTraderAsync();
        await SucceedAsync("order", "place", "--connection", "binance", "--symbol", "BTC/USDT", "--side", "buy", "--type", "market", "--amount", "0.01");

        var refreshed = await SucceedAsync("portfolio", "--refresh");

        Assert.Contains("Syncing 3 connections…", refreshed.Stderr, StringComparison.Ordinal);
        foreach (var exchange in new[] { "binance", "kraken", "coinbase" })
        {
            Assert.Matches($@"\[[123]/3\] {exchange} done \(complete\)", refreshed.Stderr);
        }

        var server = await Server.GetJsonAsync("/api/v1/portfolio", Session);
        var total = server.GetProperty("total_value").GetDecimal();
        Assert.True(total > 200_000m, server.ToString());
        var shown = decimal.Parse(System.Text.RegularExpressions.Regex.Match(refreshed.Stdout, @"Total value: ([0-9.]+) USD").Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.InRange(shown, total * 0.99m, total * 1.01m);
        Assert.Contains("By asset", refreshed.Stdout, StringComparison.Ordinal);
        Assert.Matches(@"BTC\s*│\s*[0-9.]+\s*│\s*[0-9.]+%\s*│\s*█*", refreshed.Stdout);
        Assert.Contains("By exchange account", refreshed.Stdout, StringComparison.Ordinal);
        Assert.Contains("Coverage of the last sync", refreshed.Stdout, StringComparison.Ordinal);
        Assert.Equal(!server.GetProperty("complete").GetBoolean(), refreshed.Stdout.Contains("Warning: this total is incomplete", StringComparison.Ordinal));
        Assert.DoesNotContain("Syncing", refreshed.Stdout, StringComparison.Ordinal);

        // JSON: stdout is the server's summary and nothing else; the progress stays on stderr.
        var json = await SucceedAsync("portfolio", "--refresh", "--format", "json");
        var summary = Json(json);
        Assert.Equal("USD", summary.GetProperty("currency").GetString());
        Assert.Equal(3, summary.GetProperty("coverage").GetArrayLength());
        Assert.All(summary.GetProperty("coverage").EnumerateArray(), c => Assert.Equal("complete", c.GetProperty("status").GetString()));
        Assert.Contains("kraken done (complete)", json.Stderr, StringComparison.Ordinal);

        // balances and history (each refresh took a snapshot).
        var balances = await SucceedAsync("portfolio", "balances");
        Assert.Matches(@"binance\s*│\s*binance\s*│\s*BTC\s*│", balances.Stdout);
        var history = Json(await SucceedAsync("portfolio", "history", "--range", "24h", "--by", "exchange", "--format", "json"));
        Assert.True(history.GetProperty("points").GetArrayLength() >= 2, history.ToString());
        Assert.Matches(@"Value in USD over 24h: \d+ points\.", (await SucceedAsync("portfolio", "history", "--range", "24h")).Stdout);
        var badRange = await RunAsync(new TestConsole(), "portfolio", "history", "--range", "2w");
        Assert.Equal(2, badRange.ExitCode);
    }

    [Fact]
    public async Task Trades_ListAndCsvExport_AreTheSandboxsFills()
    {
        await SetUpTraderAsync();
        await SucceedAsync("order", "place", "--connection", "binance", "--symbol", "BTC/USDT", "--side", "buy", "--type", "market", "--amount", "0.003");
        await SucceedAsync("order", "place", "--connection", "kraken", "--symbol", "BTC/USD", "--side", "buy", "--type", "market", "--amount", "0.002");
        await RefreshAsync();
        var fills = Accounts.Values.Sum(a => Sandbox.State.Engine.GetFills(a.Key.Account).Count);
        var binanceFills = Sandbox.State.Engine.GetFills(Accounts["binance"].Key.Account);

        var all = Json(await SucceedAsync("trades", "--all", "--limit", "1", "--format", "json")).GetProperty("items");
        var binance = Json(await SucceedAsync("trades", "--connection", "binance", "--format", "json")).GetProperty("items");
        var table = await SucceedAsync("trades", "--exchange", "kraken", "--side", "buy");

        Assert.Equal(fills, all.GetArrayLength());
        Assert.Equal(binanceFills.Count, binance.GetArrayLength());
        Assert.Equal(binanceFills.Sum(f => f.Quantity), binance.EnumerateArray().Sum(t => t.GetProperty("amount").GetDecimal()));
        Assert.Matches(@"kraken\s*│\s*BTC/USD\s*│\s*buy", table.Stdout);
        Assert.DoesNotContain("BTC/USDT", table.Stdout, StringComparison.Ordinal);

        var file = Path.Combine(Data.Directory, "trades.csv");
        var exported = await SucceedAsync("trades", "--export", file);
        Assert.Contains($"Wrote {fills} rows", exported.Stdout, StringComparison.Ordinal);
        var lines = await File.ReadAllLinesAsync(file);
        Assert.StartsWith("time,exchange,symbol,side,price,amount,cost", lines[0], StringComparison.Ordinal);
        Assert.Equal(fills, lines.Skip(1).Count(l => l.Length > 0));

        var piped = await SucceedAsync("trades", "--export", "-", "--connection", "kraken");
        var rows = piped.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("time,exchange", rows[0], StringComparison.Ordinal);
        Assert.Equal(Sandbox.State.Engine.GetFills(Accounts["kraken"].Key.Account).Count, rows.Length - 1);
        Assert.All(rows.Skip(1), r => Assert.Contains(",kraken,BTC/USD,", r, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Pnl_TableAndExports_AreTheServersFifoPnl()
    {
        await SetUpTraderAsync();
        await SucceedAsync("order", "place", "--connection", "binance", "--symbol", "BTC/USDT", "--side", "buy", "--type", "market", "--amount", "0.02");
        Clock.Advance(TimeSpan.FromSeconds(7));
        Sandbox.State.Engine.SetPrice("BTC/USDT", 66_000m);
        await SucceedAsync("order", "place", "--connection", "binance", "--symbol", "BTC/USDT", "--side", "sell", "--type", "market", "--amount", "0.01");
        Clock.Advance(TimeSpan.FromSeconds(7));
        await RefreshAsync();
        var server = await Server.GetJsonAsync("/api/v1/portfolio/pnl", Session);
        var realized = server.GetProperty("total").GetProperty("realized_pnl").GetDecimal();

        var table = await SucceedAsync("portfolio", "pnl");
        var json = Json(await SucceedAsync("portfolio", "pnl", "--format", "json"));

        Assert.True(realized != 0, server.ToString());
        Assert.Contains($"Realized PnL: {realized.ToString("0.############################", CultureInfo.InvariantCulture)} USD", table.Stdout, StringComparison.Ordinal);
        Assert.Matches(@"BTC\s*│\s*USDT\s*│\s*0\.0\d*\s*│", table.Stdout);
        Assert.Contains("Method: FIFO", table.Stdout, StringComparison.Ordinal);
        Assert.Equal(realized, json.GetProperty("total").GetProperty("realized_pnl").GetDecimal());

        var file = Path.Combine(Data.Directory, "realized.csv");
        var exported = await SucceedAsync("portfolio", "pnl", "--export", "realized", "--output", file);
        var realizedRows = (await File.ReadAllLinesAsync(file)).Count(l => l.Length > 0) - 1;
        Assert.True(realizedRows >= 1, exported.Output);
        Assert.Contains($"Wrote {realizedRows} rows", exported.Stdout, StringComparison.Ordinal);

        var positions = await SucceedAsync("portfolio", "pnl", "--export", "positions", "--output", "-");
        var rows = positions.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(rows.Length >= 2, positions.Stdout);
        Assert.Contains(rows.Skip(1), r => r.Contains("BTC", StringComparison.Ordinal) && r.Contains("USDT", StringComparison.Ordinal));

        var missingOutput = await RunAsync(new TestConsole(), "portfolio", "pnl", "--export", "positions");
        Assert.Equal(2, missingOutput.ExitCode);
        Assert.Contains("--export needs --output FILE", missingOutput.Stderr, StringComparison.Ordinal);
    }

    private string NextCode() => StepUp(Seed)["totp=".Length..];

    /// <summary>The order id in a `coffer order place` table output.</summary>
    private static string IdOf(CliResult placed) =>
        System.Text.RegularExpressions.Regex.Match(placed.Stdout, @"Id\s*│\s*([0-9a-f-]{36})").Groups[1].Value is { Length: 36 } id ? id : throw new InvalidOperationException(placed.Output);

    private async Task<CliResult> SucceedAsync(params string[] args)
    {
        var result = await RunAsync(new TestConsole(), args);
        Assert.True(result.ExitCode == 0, $"coffer {string.Join(' ', args)} exited {result.ExitCode}: {result.Output}");
        return result;
    }

    private Task<CliResult> RunAsync(TestConsole console, params string[] args) =>
        CliRunner.RunAsync(
            new Dictionary<string, string?>
            {
                ["COFFER_ADDR"] = Server.Address.ToString(),
                ["COFFER_CACERT"] = Server.Settings.GeneratedCertificatePath,
                ["COFFER_TOKEN"] = Session,
            },
            console,
            args);

    private static JsonElement Json(CliResult result) => JsonDocument.Parse(result.Stdout).RootElement.Clone();
}
