using System.Net;
using Coffer.Exchanges.Kraken;
using Coffer.Exchanges.Model;
using Coffer.Exchanges.Tests.Conformance;
using Coffer.Exchanges.Tests.Support;
using Microsoft.Extensions.Logging;

namespace Coffer.Exchanges.Tests.Kraken;

public sealed class KrakenBehaviourTests
{
    public static TheoryData<string, string, bool> Errors() => new()
    {
        { "EAPI:Invalid signature", "Authentication", false },
        { "EAPI:Invalid key", "Authentication", false },
        { "EGeneral:Permission denied", "Permission", false },
        { "EAccount:Invalid permissions", "Permission", false },
        { "EAPI:Rate limit exceeded", "RateLimited", true },
        { "EOrder:Rate limit exceeded", "RateLimited", true },
        { "EService:Throttled: 1700000000", "RateLimited", true },
        { "EGeneral:Too many requests", "RateLimited", true },
        { "EOrder:Insufficient funds", "InsufficientFunds", false },
        { "EOrder:Order minimum not met", "InvalidOrder", false },
        { "EOrder:Cost minimum not met", "InvalidOrder", false },
        { "EOrder:Tick size check failed", "InvalidOrder", false },
        { "EGeneral:Invalid arguments", "BadRequest", false },
        { "EGeneral:Invalid arguments:volume", "BadRequest", false },
        { "EService:Unavailable", "ExchangeUnavailable", true },
        { "EService:Busy", "ExchangeUnavailable", true },
        { "EGeneral:Temporary lockout", "Authentication", false },
        { "EOrder:Unknown order", "NotFound", false },
        { "ESomething:Never seen", "BadRequest", false },
    };

    [Theory]
    [MemberData(nameof(Errors))]
    public async Task ErrorString_MapsToKindAndTransientFlag(string error, string kind, bool transient)
    {
        using var vault = await TestVault.StartAsync();
        var credentials = await vault.CredentialsAsync(KrakenTestKit.ApiKey, KrakenTestKit.Secret);
        using var http = new HttpClient(ScriptedHandler.Answering($$"""{"error":["{{error}}"]}"""));
        var client = KrakenTestKit.Client(http, credentials);

        var thrown = await Assert.ThrowsAsync<ExchangeException>(() => client.CreateOrderAsync(new OrderRequest { Symbol = "LTC/USDT", Side = OrderSide.Buy, Type = OrderType.Limit, Amount = 0.1m, Price = 50m }, default));

        Assert.Equal(Enum.Parse<ExchangeErrorKind>(kind), thrown.Kind);
        Assert.Equal(transient, thrown.IsTransient);
        Assert.Equal(error, thrown.ExchangeCode);
        Assert.DoesNotContain(KrakenTestKit.ApiKey, thrown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RateLimitError_PausesTheKeysBudget()
    {
        using var vault = await TestVault.StartAsync();
        var credentials = await vault.CredentialsAsync(KrakenTestKit.ApiKey, KrakenTestKit.Secret);
        var clock = new ManualClock();
        using var http = new HttpClient(ScriptedHandler.Answering("""{"error":["EAPI:Rate limit exceeded"]}"""));
        var services = Services(http, clock, out _);
        var client = new KrakenClient(new ExchangeConnection("kraken", KrakenClient.DefaultBaseUri, credentials), services, CcxtMarkets.Load("kraken", CcxtPrecisionMode.TickSize));

        await Assert.ThrowsAsync<ExchangeException>(() => client.FetchBalanceAsync(default));

        var budget = services.TransportFor(new ExchangeConnection("kraken", KrakenClient.DefaultBaseUri, credentials), [KrakenRateLimits.RestCounter, KrakenRateLimits.PublicCalls]).Budget;
        Assert.NotNull(budget.PausedUntil);
    }

    [Fact]
    public async Task RateLimitErrors_InARow_DoubleTheBackOff_AndFillTheRestCounter()
    {
        using var vault = await TestVault.StartAsync();
        var credentials = await vault.CredentialsAsync(KrakenTestKit.ApiKey, KrakenTestKit.Secret);
        var clock = new ManualClock();
        using var http = new HttpClient(ScriptedHandler.Answering("""{"error":["EAPI:Rate limit exceeded"]}"""));
        var services = Services(http, clock, out _);
        var connection = new ExchangeConnection("kraken", KrakenClient.DefaultBaseUri, credentials);
        var client = new KrakenClient(connection, services, CcxtMarkets.Load("kraken", CcxtPrecisionMode.TickSize));
        var counter = services.TransportFor(connection, [KrakenRateLimits.RestCounter, KrakenRateLimits.PublicCalls]).Budget[KrakenRateLimits.Rest];

        var pauses = new List<TimeSpan?>();
        var levels = new List<double>();
        for (var i = 0; i < 3; i++)
        {
            pauses.Add((await Assert.ThrowsAsync<ExchangeException>(() => client.FetchOpenOrdersAsync(null, default))).RetryAfter);
            levels.Add(counter.Used);
            clock.Advance(TimeSpan.FromSeconds(10));
        }

        // Kraken answers HTTP 200: the transport must not take that for a success that restarts the back-off.
        Assert.Equal([TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(4)], pauses);
        Assert.All(levels, level => Assert.Equal(KrakenRateLimits.RestCounter.Usable, level, 3));
    }

    [Fact]
    public async Task ConcurrentPrivateCalls_SendStrictlyIncreasingUniqueNonces()
    {
        using var vault = await TestVault.StartAsync();
        var credentials = await vault.CredentialsAsync(KrakenTestKit.ApiKey, KrakenTestKit.Secret);
        var handler = ScriptedHandler.Answering("""{"error":[],"result":{"open":{}}}""");
        using var http = new HttpClient(handler);
        var client = KrakenTestKit.Client(http, credentials);

        // 12 calls fit the REST counter (20 × 0.8 headroom) without waiting.
        await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => Task.Run(() => client.FetchOpenOrdersAsync(null, default))));

        var nonces = handler.Requests.Select(r => long.Parse(System.Web.HttpUtility.ParseQueryString(r.Body!)["nonce"]!, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(12, nonces.Distinct().Count());
        Assert.All(nonces, n => Assert.True(n >= DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeMilliseconds(), "nonces are at least the unix time in ms"));
    }

    [Fact]
    public async Task Nonce_IsAtLeastTheStoredOneAndTheClock()
    {
        using var vault = await TestVault.StartAsync();
        var credentials = await vault.CredentialsAsync(KrakenTestKit.ApiKey, KrakenTestKit.Secret);
        var handler = ScriptedHandler.Answering("""{"error":[],"result":{}}""");
        using var http = new HttpClient(handler);
        var store = new InMemoryNonceStore();
        var ahead = DateTimeOffset.UtcNow.AddDays(1).ToUnixTimeMilliseconds();
        await store.NextAsync(KrakenTestKit.ApiKey, ahead, default);
        var client = KrakenTestKit.Client(http, credentials, nonces: store);

        await client.FetchBalanceAsync(default);
        await client.FetchBalanceAsync(default);

        var nonces = handler.Requests.Select(r => long.Parse(System.Web.HttpUtility.ParseQueryString(r.Body!)["nonce"]!, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal([ahead + 1, ahead + 2], nonces);
    }

    [Fact]
    public async Task InvalidNonceTwice_TellsTheUserToGiveCofferADedicatedKey()
    {
        using var vault = await TestVault.StartAsync();
        var credentials = await vault.CredentialsAsync(KrakenTestKit.ApiKey, KrakenTestKit.Secret);
        var handler = ScriptedHandler.Answering("""{"error":["EAPI:Invalid nonce"]}""");
        using var http = new HttpClient(handler);
        var client = KrakenTestKit.Client(http, credentials);

        var thrown = await Assert.ThrowsAsync<ExchangeException>(() => client.FetchBalanceAsync(default));

        Assert.Equal(ExchangeErrorKind.Nonce, thrown.Kind);
        Assert.False(thrown.IsTransient);
        Assert.Contains("used by another app", thrown.Message, StringComparison.Ordinal);
        Assert.Contains("Give Coffer a dedicated key", thrown.Message, StringComparison.Ordinal);
        Assert.Equal(2, handler.Requests.Count);
    }

    [Fact]
    public async Task InvalidNonceOnce_IsRetriedWithAFreshLargerNonce()
    {
        using var vault = await TestVault.StartAsync();
        var credentials = await vault.CredentialsAsync(KrakenTestKit.ApiKey, KrakenTestKit.Secret);
        var calls = 0;
        var handler = new ScriptedHandler(_ => Interlocked.Increment(ref calls) == 1
            ? (HttpStatusCode.OK, """{"error":["EAPI:Invalid nonce"]}""")
            : (HttpStatusCode.OK, """{"error":[],"result":{"XXBT":{"balance":"1.5","hold_trade":"0.5"}}}"""));
        using var http = new HttpClient(handler);

        var balances = await KrakenTestKit.Client(http, credentials).FetchBalanceAsync(default);

        Assert.Equal(new Balance("BTC", 1m, 0.5m, 1.5m), balances.ByCurrency["BTC"]);
        var nonces = handler.Requests.Select(r => long.Parse(System.Web.HttpUtility.ParseQueryString(r.Body!)["nonce"]!, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.True(nonces[1] > nonces[0]);
    }

    [Fact]
    public async Task RestCounter_RisesByCallCost_AndDecaysAtTheStarterRate()
    {
        using var vault = await TestVault.StartAsync();
        var credentials = await vault.CredentialsAsync(KrakenTestKit.ApiKey, KrakenTestKit.Secret);
        var clock = new ManualClock();
        using var http = new HttpClient(ScriptedHandler.Answering("""{"error":[],"result":{"trades":{},"count":0,"open":{}}}"""));
        var services = Services(http, clock, out _);
        var connection = new ExchangeConnection("kraken", KrakenClient.DefaultBaseUri, credentials);
        var client = new KrakenClient(connection, services, CcxtMarkets.Load("kraken", CcxtPrecisionMode.TickSize));
        var counter = services.TransportFor(connection, [KrakenRateLimits.RestCounter, KrakenRateLimits.PublicCalls]).Budget[KrakenRateLimits.Rest];

        await client.FetchMyTradesAsync(null, null, null, default);
        Assert.Equal(2, counter.Used, 3);
        await client.FetchOpenOrdersAsync(null, default);
        Assert.Equal(3, counter.Used, 3);

        clock.Advance(TimeSpan.FromSeconds(3));
        Assert.Equal(2.01, counter.Used, 3);
        Assert.Equal(15, KrakenRateLimits.RestCounter.Capacity);
        Assert.Contains("spot-rest-ratelimits", KrakenRateLimits.RestCounter.Source, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateOrder_TruncatesAmountToLotAndRoundsPriceToTick()
    {
        using var vault = await TestVault.StartAsync();
        var credentials = await vault.CredentialsAsync(KrakenTestKit.ApiKey, KrakenTestKit.Secret);
        var handler = ScriptedHandler.Answering("""{"error":[],"result":{"txid":["OABC12-DEF34-GHI567"],"descr":{"order":"x"}}}""");
        using var http = new HttpClient(handler);
        var client = KrakenTestKit.Client(http, credentials);

        var order = await client.CreateOrderAsync(new OrderRequest { Symbol = "BTC/USD", Side = OrderSide.Sell, Type = OrderType.StopLimit, Amount = 0.123456789m, Price = 34000.06m, TriggerPrice = 35000.04m, ClientOrderId = "coffer-1", PostOnly = true }, default);

        var body = System.Web.HttpUtility.ParseQueryString(handler.Requests[0].Body!);
        Assert.Equal("XXBTZUSD", body["pair"]);
        Assert.Equal("stop-loss-limit", body["ordertype"]);
        Assert.Equal("0.12345678", body["volume"]);
        Assert.Equal("35000", body["price"]);
        Assert.Equal("34000.1", body["price2"]);
        Assert.Equal("post", body["oflags"]);
        Assert.Equal("coffer-1", body["cl_ord_id"]);
        Assert.Equal("OABC12-DEF34-GHI567", order.Id);
        Assert.Equal(0.12345678m, order.Amount);
    }

    [Fact]
    public async Task CancelAllForASymbol_CancelsOnlyThatPairsOrders()
    {
        using var vault = await TestVault.StartAsync();
        var credentials = await vault.CredentialsAsync(KrakenTestKit.ApiKey, KrakenTestKit.Secret);
        const string open = """{"error":[],"result":{"open":{"OLTC01-AAAAA-BBBBBB":{"status":"open","opentm":"1705260203.5","descr":{"pair":"LTCUSDT","type":"buy","ordertype":"limit","price":"50","price2":"0"},"vol":"0.1","vol_exec":"0","price":"0","oflags":"fciq"},"OBTC01-AAAAA-BBBBBB":{"status":"open","opentm":"1705260203.5","descr":{"pair":"XBTUSD","type":"buy","ordertype":"limit","price":"30000","price2":"0"},"vol":"0.1","vol_exec":"0","price":"0","oflags":"fciq"}}}}""";
        var handler = new ScriptedHandler(r => (HttpStatusCode.OK, r.Uri.AbsolutePath.EndsWith("OpenOrders", StringComparison.Ordinal) ? open : """{"error":[],"result":{"count":1}}"""));
        using var http = new HttpClient(handler);

        var cancelled = await KrakenTestKit.Client(http, credentials).CancelAllOrdersAsync("LTC/USDT", default);

        Assert.Equal("OLTC01-AAAAA-BBBBBB", Assert.Single(cancelled).Id);
        var cancels = handler.Requests.Where(r => r.Uri.AbsolutePath == "/0/private/CancelOrder").ToList();
        Assert.Equal("txid=OLTC01-AAAAA-BBBBBB", Assert.Single(cancels).Body!.Split('&')[1]);
        Assert.DoesNotContain(handler.Requests, r => r.Uri.AbsolutePath == "/0/private/CancelAll");
    }

    public static TheoryData<string, bool, bool, bool, bool?> Permissions() => new()
    {
        { """{"permissions":["query-funds","query-open-trades","modify-trades","close-trades"],"ipAllowlist":["1.2.3.4"]}""", true, false, false, true },
        { """{"apiKeyInfo":{"permissions":["query-funds","withdraw-funds"],"ipAllowlist":[]}}""", false, true, false, false },
        { """{"permissions":{"query-funds":true,"modify-trades":true,"add-withdraw-address":true}}""", true, false, true, null },
    };

    [Theory]
    [MemberData(nameof(Permissions))]
    public async Task GetApiKeyInfo_ReadsPermissionsDefensively(string result, bool canTrade, bool canWithdraw, bool canTransfer, bool? ipRestricted)
    {
        using var vault = await TestVault.StartAsync();
        var credentials = await vault.CredentialsAsync(KrakenTestKit.ApiKey, KrakenTestKit.Secret);
        var handler = ScriptedHandler.Answering($$"""{"error":[],"result":{{result}}}""");
        using var http = new HttpClient(handler);

        var permissions = await KrakenTestKit.Client(http, credentials).FetchPermissionsAsync(default);

        Assert.Equal("/0/private/GetApiKeyInfo", handler.Requests[0].Uri.AbsolutePath);
        Assert.Equal(canTrade, permissions.CanTrade);
        Assert.Equal(canWithdraw, permissions.CanWithdraw);
        Assert.Equal(canTransfer, permissions.CanTransfer);
        Assert.Equal(ipRestricted, permissions.IpRestricted);
    }

    [Fact]
    public async Task GetApiKeyInfo_WithoutPermissions_FailsClosed()
    {
        using var vault = await TestVault.StartAsync();
        var credentials = await vault.CredentialsAsync(KrakenTestKit.ApiKey, KrakenTestKit.Secret);
        using var http = new HttpClient(ScriptedHandler.Answering("""{"error":[],"result":{"apiKeyName":"x"}}"""));

        await Assert.ThrowsAsync<ExchangeException>(() => KrakenTestKit.Client(http, credentials).FetchPermissionsAsync(default));
    }

    [Fact]
    public async Task Logs_AtDebug_NeverContainTheSignatureSecretOrKey()
    {
        using var vault = await TestVault.StartAsync();
        var credentials = await vault.CredentialsAsync(KrakenTestKit.ApiKey, KrakenTestKit.Secret);
        var handler = new ScriptedHandler(r => (HttpStatusCode.OK, r.Uri.AbsolutePath.EndsWith("BalanceEx", StringComparison.Ordinal) ? """{"error":["EAPI:Invalid nonce"]}""" : """{"error":["EAPI:Invalid key"]}"""));
        using var http = new HttpClient(handler);
        using var provider = new CapturingLoggerProvider();
        using var logs = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Debug).AddProvider(provider));
        var client = KrakenTestKit.Client(http, credentials, logs: logs);

        await Assert.ThrowsAsync<ExchangeException>(() => client.FetchBalanceAsync(default));
        await Assert.ThrowsAsync<ExchangeException>(() => client.CreateOrderAsync(new OrderRequest { Symbol = "LTC/USDT", Side = OrderSide.Buy, Type = OrderType.Limit, Amount = 0.1m, Price = 50m }, default));

        Assert.NotEmpty(provider.Lines);
        var signatures = handler.Requests.Select(r => r.Headers["API-Sign"]).ToList();
        Assert.All(provider.Lines, line =>
        {
            Assert.DoesNotContain(KrakenTestKit.ApiKey, line, StringComparison.Ordinal);
            Assert.DoesNotContain(KrakenTestKit.Secret, line, StringComparison.Ordinal);
            Assert.DoesNotContain("API-Sign", line, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("nonce=", line, StringComparison.Ordinal);
            Assert.All(signatures, s => Assert.DoesNotContain(s, line, StringComparison.Ordinal));
        });
    }

    private static ConnectorServices Services(HttpClient http, ManualClock clock, out Transport.RequestBudgets budgets)
    {
        budgets = new Transport.RequestBudgets(clock);
        return new ConnectorServices(http, budgets, new InMemoryNonceStore(), Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance, clock);
    }
}
