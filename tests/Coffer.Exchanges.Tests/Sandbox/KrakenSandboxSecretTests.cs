using Coffer.Exchanges.Model;
using Microsoft.Extensions.Logging;

namespace Coffer.Exchanges.Tests.Sandbox;

/// <summary>
/// DESIGN §1.1 and §9 ("log identifiers, never payloads") over a whole Kraken scenario against the sandbox, logged at
/// Trace: no log line and no exception text carries a secret, an API-Sign the connector sent, or an API key.
/// </summary>
public sealed class KrakenSandboxSecretTests
{
    private const string Btc = "BTC/USD";

    [Fact]
    public async Task WholeScenarioAtTrace_NoLogLineOrExceptionCarriesSecretSignatureOrApiKey()
    {
        await using var sandbox = await KrakenSandbox.StartAsync();
        var errors = new List<Exception>();
        async Task Expect(Func<Task> call) => errors.Add(await Assert.ThrowsAnyAsync<Exception>(call));

        // Connect: permissions (and a key that could withdraw), markets, balances.
        var key = await sandbox.IssueKeyAsync("read", "trade");
        var withdrawing = await sandbox.IssueKeyAsync("read", "trade", "withdraw");
        await sandbox.DepositAsync(key.Account, "USD", 5_000m);
        await sandbox.DepositAsync(key.Account, "BTC", 0.1m);
        await sandbox.SetPriceAsync(Btc, 60_000m);
        var client = await sandbox.ClientAsync(key);
        Assert.False((await client.FetchPermissionsAsync(default)).CanMoveFunds);
        Assert.True((await (await sandbox.ClientAsync(withdrawing)).FetchPermissionsAsync(default)).CanWithdraw);
        await client.FetchMarketsAsync(default);
        await client.FetchBalanceAsync(default);
        await client.FetchTickersAsync([Btc], default);

        // Orders: rest, cancel, fill, trades; a refused order and an unknown one.
        var resting = await client.CreateOrderAsync(new OrderRequest { Symbol = Btc, Side = OrderSide.Buy, Type = OrderType.Limit, Amount = 0.001m, Price = 50_000m, ClientOrderId = "e2e-secret" }, default);
        await client.FetchOpenOrdersAsync(Btc, default);
        await client.FetchOrderByClientOrderIdAsync("e2e-secret", Btc, default);
        await client.CancelOrderAsync(resting.Id, Btc, default);
        await client.CreateOrderAsync(new OrderRequest { Symbol = Btc, Side = OrderSide.Sell, Type = OrderType.StopLimit, Amount = 0.001m, Price = 54_900m, TriggerPrice = 55_000m }, default);
        await client.CancelAllOrdersAsync(Btc, default);
        await client.CreateOrderAsync(new OrderRequest { Symbol = Btc, Side = OrderSide.Buy, Type = OrderType.Market, Amount = 0.002m }, default);
        await client.FetchClosedOrdersAsync(Btc, null, null, default);
        await client.FetchMyTradesAsync(Btc, null, null, default);
        await Expect(() => client.CreateOrderAsync(new OrderRequest { Symbol = Btc, Side = OrderSide.Buy, Type = OrderType.Limit, Amount = 1m, Price = 59_000m }, default));
        await Expect(() => client.CancelOrderAsync("OAAAAA-BBBBB-CCCCCC", Btc, default));

        // A wrong secret, an unknown key, and a read-only key trading.
        var wrongSecret = Convert.ToBase64String(Enumerable.Repeat((byte)7, 64).ToArray());
        sandbox.Secrets.Add(wrongSecret);
        await Expect(async () => await (await sandbox.ClientAsync(key, wrongSecret)).FetchBalanceAsync(default));
        var stranger = new SandboxKey(Convert.ToBase64String(Enumerable.Repeat((byte)9, 42).ToArray()), Convert.ToBase64String(Enumerable.Repeat((byte)3, 64).ToArray()), "none");
        sandbox.Secrets.Add(stranger.Secret);
        await Expect(async () => await (await sandbox.ClientAsync(stranger)).FetchBalanceAsync(default));
        var reader = await sandbox.ClientAsync(await sandbox.IssueKeyAsync("read"));
        await Expect(() => reader.CreateOrderAsync(new OrderRequest { Symbol = Btc, Side = OrderSide.Buy, Type = OrderType.Limit, Amount = 0.001m, Price = 50_000m }, default));

        // A rate-limit fault, a clock skew measured, a 5xx, and a nonce regression (another app's nonces ahead).
        await sandbox.SetFaultsAsync(new { rate_limit = new { every = 1 } });
        await Expect(() => client.FetchBalanceAsync(default));
        await sandbox.SetFaultsAsync(new { clock_skew_seconds = -3 });
        await client.FetchTimeAsync(default);
        await client.FetchBalanceAsync(default);
        await sandbox.SetFaultsAsync(new { server_error = new { every = 1 } });
        await Expect(() => client.FetchOpenOrdersAsync(Btc, default));
        await sandbox.ClearFaultsAsync();
        var ahead = new InMemoryNonceStore();
        await ahead.NextAsync(key.ApiKey, DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeMilliseconds(), default);
        await sandbox.Client(await sandbox.CredentialsAsync(key), sandbox.OtherServices(ahead)).FetchBalanceAsync(default);
        await Expect(() => client.FetchBalanceAsync(default));

        var outcomes = (await sandbox.RequestsAsync()).Select(r => r.Outcome).ToList();
        Assert.Contains("EAPI:Invalid signature", outcomes);
        Assert.Contains("EAPI:Invalid key", outcomes);
        Assert.Contains("EGeneral:Permission denied", outcomes);
        Assert.Contains("EAPI:Invalid nonce", outcomes);
        Assert.Contains("fault:429", outcomes);
        Assert.Contains("fault:503", outcomes);
        Assert.DoesNotContain("EGeneral:Temporary lockout", outcomes);

        var lines = sandbox.Logs.Lines.ToList();
        var texts = lines.Concat(errors.Select(e => e.ToString())).ToList();
        var forbidden = SandboxChecks.Forbidden(sandbox);

        // The scan has something to find: every signed request was recorded, and the calls were logged at Debug.
        Assert.True(sandbox.Recorder.Signatures.Count >= 25, $"{sandbox.Recorder.Signatures.Count} signatures recorded");
        Assert.Contains(key.ApiKey, sandbox.Recorder.ApiKeys);
        Assert.Contains(stranger.ApiKey, sandbox.Recorder.ApiKeys);
        Assert.Contains(lines, l => l.StartsWith(nameof(LogLevel.Debug), StringComparison.Ordinal) && l.Contains("/0/private/BalanceEx", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("another program uses this API key", StringComparison.Ordinal));
        Assert.Equal(8, errors.Count);
        Assert.NotEmpty(SandboxChecks.Leaks([$"POST /0/private/Balance API-Sign: {sandbox.Recorder.Signatures.First()}"], forbidden));

        Assert.Empty(SandboxChecks.Leaks(texts, forbidden));
    }
}
