using Coffer.Exchanges.Model;
using Microsoft.Extensions.Logging;

namespace Coffer.Exchanges.Tests.Sandbox;

/// <summary>
/// DESIGN §1.1 and §9 ("log identifiers, never payloads") over a whole Binance scenario against the sandbox, logged at
/// Trace: no log line and no exception text carries a secret, a signature the connector sent, or an API key.
/// </summary>
public sealed class BinanceSandboxSecretTests
{
    [Fact]
    public async Task WholeScenarioAtTrace_NoLogLineOrExceptionCarriesSecretSignatureOrApiKey()
    {
        await using var sandbox = await BinanceSandbox.StartAsync();
        var errors = new List<Exception>();
        async Task Expect(Func<Task> call)
        {
            var error = await Assert.ThrowsAnyAsync<Exception>(call);
            errors.Add(error);
        }

        // Connect: permissions, markets, balances.
        var key = await sandbox.IssueKeyAsync("read", "trade");
        var withdrawing = await sandbox.IssueKeyAsync("read", "trade", "withdraw");
        await sandbox.DepositAsync(key.Account, "USDT", 5_000m);
        await sandbox.DepositAsync(key.Account, "BTC", 0.1m);
        await sandbox.SetPriceAsync("BTC/USDT", 60_000m);
        var client = await sandbox.ClientAsync(key);
        Assert.False((await client.FetchPermissionsAsync(default)).CanMoveFunds);
        Assert.True((await (await sandbox.ClientAsync(withdrawing)).FetchPermissionsAsync(default)).CanWithdraw);
        await client.FetchMarketsAsync(default);
        await client.FetchBalanceAsync(default);

        // Orders: rest, cancel, fill, trades; a refused order and an unknown one.
        var resting = await client.CreateOrderAsync(new OrderRequest { Symbol = "BTC/USDT", Side = OrderSide.Buy, Type = OrderType.Limit, Amount = 0.001m, Price = 50_000m }, default);
        await client.FetchOpenOrdersAsync("BTC/USDT", default);
        await client.CancelOrderAsync(resting.Id, "BTC/USDT", default);
        await client.CreateOrderAsync(new OrderRequest { Symbol = "BTC/USDT", Side = OrderSide.Sell, Type = OrderType.StopLoss, Amount = 0.001m, TriggerPrice = 55_000m }, default);
        await client.CancelAllOrdersAsync("BTC/USDT", default);
        await client.CreateOrderAsync(new OrderRequest { Symbol = "BTC/USDT", Side = OrderSide.Buy, Type = OrderType.Market, Amount = 0.002m }, default);
        await client.FetchClosedOrdersAsync("BTC/USDT", null, null, default);
        await client.FetchMyTradesAsync("BTC/USDT", null, null, default);
        Assert.Null(await client.FetchOrderByClientOrderIdAsync("e2e-unknown", "BTC/USDT", default));
        await Expect(() => client.CreateOrderAsync(new OrderRequest { Symbol = "BTC/USDT", Side = OrderSide.Buy, Type = OrderType.Limit, Amount = 1m, Price = 59_000m }, default));
        await Expect(() => client.CancelOrderAsync("999999", "BTC/USDT", default));

        // A wrong secret, and an unknown key.
        var wrongSecret = new string('w', 64);
        sandbox.Secrets.Add(wrongSecret);
        var wrong = await sandbox.ClientAsync(key, wrongSecret);
        await Expect(() => wrong.FetchBalanceAsync(default));
        var stranger = await sandbox.ClientAsync(new SandboxKey(new string('U', 64), new string('u', 64), "none"));
        await Expect(() => stranger.FetchBalanceAsync(default));

        // A 429 from the fault plan, then a 3 s clock skew absorbed by a re-measured offset.
        await sandbox.SetFaultsAsync(new { rate_limit = new { every = 1 }, rate_limit_retry_after_seconds = 1 });
        await Expect(() => client.FetchBalanceAsync(default));
        await sandbox.SetFaultsAsync(new { clock_skew_seconds = -3 });
        await client.FetchBalanceAsync(default);
        await sandbox.SetFaultsAsync(new { server_error = new { every = 1 } });
        await Expect(() => client.FetchOpenOrdersAsync("BTC/USDT", default));
        await sandbox.ClearFaultsAsync();

        var requests = await sandbox.RequestsAsync();
        Assert.Contains(requests, r => r.Outcome == "-1021");
        Assert.Contains(requests, r => r.Outcome == "-1022");
        Assert.Contains(requests, r => r.Outcome == "fault:429");

        var lines = sandbox.Logs.Lines.ToList();
        var texts = lines.Concat(errors.Select(e => e.ToString())).ToList();
        var forbidden = SandboxChecks.Forbidden(sandbox);

        // The scan has something to find: every signed request was recorded, and the calls were logged at Debug.
        Assert.True(sandbox.Recorder.Signatures.Count >= 20, $"{sandbox.Recorder.Signatures.Count} signatures recorded");
        Assert.Contains(key.ApiKey, sandbox.Recorder.ApiKeys);
        Assert.Contains(lines, l => l.StartsWith(nameof(LogLevel.Debug), StringComparison.Ordinal) && l.Contains("/api/v3/account", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("-1021", StringComparison.Ordinal));
        Assert.Equal(6, errors.Count);
        Assert.NotEmpty(SandboxChecks.Leaks([$"GET /api/v3/account?signature={sandbox.Recorder.Signatures.First()}"], forbidden));

        Assert.Empty(SandboxChecks.Leaks(texts, forbidden));
    }
}
