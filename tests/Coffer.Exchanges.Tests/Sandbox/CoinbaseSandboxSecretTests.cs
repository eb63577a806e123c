using Coffer.Exchanges.Model;
using Microsoft.Extensions.Logging;

namespace Coffer.Exchanges.Tests.Sandbox;

/// <summary>
/// DESIGN §1.1 and §9 ("log identifiers, never payloads") over a whole Coinbase scenario against the sandbox, logged at
/// Trace: no log line and no exception text carries a private key (whole, or any line of its PEM), a JWT the connector
/// sent, or a JWT's signature.
/// </summary>
public sealed class CoinbaseSandboxSecretTests
{
    [Fact]
    public async Task WholeScenarioAtTrace_NoLogLineOrExceptionCarriesPrivateKeyJwtOrSignature()
    {
        await using var sandbox = await CoinbaseSandbox.StartAsync();
        var errors = new List<Exception>();
        async Task Expect(Func<Task> call) => errors.Add(await Assert.ThrowsAnyAsync<Exception>(call));

        // Connect: permissions (and a key that could move funds), markets, balances.
        var key = await sandbox.IssueKeyAsync("read", "trade");
        var transferring = await sandbox.IssueKeyAsync("read", "trade", "transfer");
        var viewer = await sandbox.IssueKeyAsync("read");
        await sandbox.DepositAsync(key.Account, "USD", 5_000m);
        await sandbox.DepositAsync(key.Account, "BTC", 0.1m);
        await sandbox.SetPriceAsync("BTC/USD", 60_000m);
        var client = await sandbox.ClientAsync(key);
        Assert.False((await client.FetchPermissionsAsync(default)).CanMoveFunds);
        Assert.True((await (await sandbox.ClientAsync(transferring)).FetchPermissionsAsync(default)).CanMoveFunds);
        await client.FetchMarketsAsync(default);
        await client.FetchBalanceAsync(default);
        await client.FetchTickersAsync(["BTC/USD", "ETH/USD"], default);

        // Orders: rest, cancel, fill, trades; refused, unknown and forbidden ones.
        var resting = await client.CreateOrderAsync(new OrderRequest { Symbol = "BTC/USD", Side = OrderSide.Buy, Type = OrderType.Limit, Amount = 0.001m, Price = 50_000m }, default);
        await client.FetchOpenOrdersAsync("BTC/USD", default);
        await client.CancelOrderAsync(resting.Id, "BTC/USD", default);
        await client.CreateOrderAsync(new OrderRequest { Symbol = "BTC/USD", Side = OrderSide.Sell, Type = OrderType.StopLimit, Amount = 0.001m, Price = 54_900m, TriggerPrice = 55_000m }, default);
        await client.CancelAllOrdersAsync("BTC/USD", default);
        await client.CreateOrderAsync(new OrderRequest { Symbol = "BTC/USD", Side = OrderSide.Buy, Type = OrderType.Market, Amount = 0.002m, Price = 60_000m }, default);
        await client.FetchClosedOrdersAsync("BTC/USD", null, null, default);
        await client.FetchMyTradesAsync("BTC/USD", null, null, default);
        Assert.Null(await client.FetchOrderByClientOrderIdAsync("e2e-unknown", "BTC/USD", default));
        await Expect(() => client.CreateOrderAsync(new OrderRequest { Symbol = "BTC/USD", Side = OrderSide.Buy, Type = OrderType.Limit, Amount = 1m, Price = 59_000m }, default));
        await Expect(() => client.CancelOrderAsync("00000000-0000-4000-8000-000000000000", "BTC/USD", default));
        await Expect(async () => await (await sandbox.ClientAsync(viewer)).CreateOrderAsync(new OrderRequest { Symbol = "BTC/USD", Side = OrderSide.Buy, Type = OrderType.Limit, Amount = 0.001m, Price = 50_000m }, default));

        // A wrong private key, an unknown key name, and a secret that is no EC key at all.
        var wrongPem = CoinbaseSandbox.NewPem();
        sandbox.Secrets.Add(wrongPem);
        await Expect(async () => await (await sandbox.ClientAsync(key, wrongPem)).FetchBalanceAsync(default));
        var stranger = CoinbaseSandbox.UnknownKey();
        sandbox.Secrets.Add(stranger.Secret);
        await Expect(async () => await (await sandbox.ClientAsync(stranger)).FetchBalanceAsync(default));
        const string NotAKey = "-----BEGIN EC PRIVATE KEY-----\nbm90IGEga2V5IGF0IGFsbCwganVzdCB0ZXh0IHRoYXQgbG9va3MgbGlrZSBvbmU=\n-----END EC PRIVATE KEY-----\n";
        sandbox.Secrets.Add(NotAKey);
        await Expect(async () => await (await sandbox.ClientAsync(key, NotAKey)).FetchBalanceAsync(default));

        // A 429 from the fault plan, a 3 s clock skew measured through /v2/time, and a 503.
        await sandbox.SetFaultsAsync(new { rate_limit = new { every = 1 }, rate_limit_retry_after_seconds = 1 });
        await Expect(() => client.FetchBalanceAsync(default));
        await sandbox.SetFaultsAsync(new { clock_skew_seconds = -3 });
        await client.FetchTimeAsync(default);
        await client.FetchBalanceAsync(default);
        await sandbox.SetFaultsAsync(new { server_error = new { every = 1 } });
        await Expect(() => client.FetchOpenOrdersAsync("BTC/USD", default));
        await sandbox.ClearFaultsAsync();

        var requests = await sandbox.RequestsAsync();
        Assert.Contains(requests, r => r.Outcome == "unauthorized:signature");
        Assert.Contains(requests, r => r.Outcome == "unauthorized:unknown-key");
        Assert.Contains(requests, r => r.Outcome == "PERMISSION_DENIED");
        Assert.Contains(requests, r => r.Outcome == "fault:429");
        Assert.Contains(requests, r => r.Outcome == "fault:503");

        var lines = sandbox.Logs.Lines.ToList();
        var texts = lines.Concat(errors.Select(e => e.ToString())).ToList();
        var forbidden = sandbox.Secrets.SelectMany(PemParts).Concat(sandbox.Recorder.Signatures).Distinct(StringComparer.Ordinal).ToList();

        // The scan has something to find: every signed request was recorded, the calls were logged, and a leak is caught.
        Assert.True(sandbox.Recorder.Signatures.Count >= 40, $"{sandbox.Recorder.Signatures.Count} JWTs and signatures recorded");
        Assert.Contains(lines, l => l.StartsWith(nameof(LogLevel.Debug), StringComparison.Ordinal) && l.Contains("/api/v3/brokerage/accounts", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("-> 401", StringComparison.Ordinal));
        Assert.Equal(
            [ExchangeErrorKind.InsufficientFunds, ExchangeErrorKind.NotFound, ExchangeErrorKind.Permission, ExchangeErrorKind.Authentication, ExchangeErrorKind.Authentication, ExchangeErrorKind.Authentication, ExchangeErrorKind.RateLimited, ExchangeErrorKind.ExchangeUnavailable],
            errors.Select(e => Assert.IsType<ExchangeException>(e).Kind));
        Assert.NotEmpty(SandboxChecks.Leaks([$"Authorization: Bearer {sandbox.Recorder.Signatures.First()}"], forbidden));
        Assert.NotEmpty(SandboxChecks.Leaks([PemParts(key.Secret).Last()], forbidden));

        Assert.Empty(SandboxChecks.Leaks(texts, forbidden));
    }

    /// <summary>A PEM secret, and each of its base64 lines: a log quoting part of a key leaks it as surely as all of it.</summary>
    private static IEnumerable<string> PemParts(string secret) =>
        [secret, .. secret.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Where(l => !l.StartsWith("-----", StringComparison.Ordinal) && l.Length >= 16)];
}
