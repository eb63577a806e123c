using System.Net;
using System.Text;
using Coffer.Exchanges.Binance;
using Coffer.Exchanges.Tests.Conformance;
using Coffer.Exchanges.Tests.Support;
using Microsoft.Extensions.Logging;

namespace Coffer.Exchanges.Tests.Binance;

public sealed class BinanceErrorTests
{
    private const string ApiKey = "vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A";
    private const string Secret = "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j";

    /// <summary>errors.md bodies with the statuses Binance sends them with.</summary>
    public static TheoryData<int, int, string, string, bool> Errors() => new()
    {
        { 400, -1021, "Timestamp for this request is outside of the recvWindow.", "Timestamp", true },
        { 400, -1022, "Signature for this request is not valid.", "Authentication", false },
        { 401, -2015, "Invalid API-key, IP, or permissions for action.", "Authentication", false },
        { 401, -2014, "API-key format invalid.", "Authentication", false },
        { 401, -1002, "You are not authorized to execute this request.", "Permission", false },
        { 400, -1003, "Too many requests; current limit is 6000 request weight per 1 MINUTE.", "RateLimited", true },
        { 400, -1015, "Too many new orders; current limit is 10 orders per SECOND.", "RateLimited", true },
        { 400, -2010, "Account has insufficient balance for requested action.", "InsufficientFunds", false },
        { 400, -2010, "Order would immediately match and take.", "InvalidOrder", false },
        { 400, -1013, "Filter failure: LOT_SIZE", "InvalidOrder", false },
        { 400, -1013, "Filter failure: NOTIONAL", "InvalidOrder", false },
        { 400, -2011, "Unknown order sent.", "NotFound", false },
        { 400, -2011, "Order was not canceled due to cancel restrictions.", "InvalidOrder", false },
        { 400, -2013, "Order does not exist.", "NotFound", false },
        { 503, -1001, "Internal error; unable to process your request. Please try again.", "ExchangeUnavailable", true },
    };

    [Theory]
    [MemberData(nameof(Errors))]
    public async Task Call_ExchangeErrorBody_MapsToKindAndTransientFlag(int status, int code, string msg, string kind, bool transient)
    {
        var body = $$"""{"code":{{code}},"msg":"{{msg}}"}""";
        using var vault = await TestVault.StartAsync();
        using var http = new HttpClient(ScriptedHandler.Answering(body, (HttpStatusCode)status));
        var client = BinanceTestClient.Create(http, await vault.CredentialsAsync(ApiKey, Secret), [BinanceTestClient.LtcUsdt]);

        var error = await Assert.ThrowsAsync<ExchangeException>(() => client.CreateOrderAsync(new() { Symbol = "LTC/USDT", Side = Model.OrderSide.Buy, Type = Model.OrderType.Limit, Amount = 1, Price = 50 }, default));

        Assert.Equal(kind, error.Kind.ToString());
        Assert.Equal(transient, error.IsTransient);
        Assert.Equal(code.ToString(System.Globalization.CultureInfo.InvariantCulture), error.ExchangeCode);
    }

    [Theory]
    [InlineData(403, "<html>WAF</html>", "Permission", false)]
    [InlineData(500, "", "ExchangeUnavailable", true)]
    [InlineData(502, "<html>Bad gateway</html>", "ExchangeUnavailable", true)]
    [InlineData(429, "{}", "RateLimited", true)]
    [InlineData(418, "{}", "RateLimited", true)]
    public async Task Call_HttpStatusWithoutCode_MapsByStatus(int status, string body, string kind, bool transient)
    {
        using var http = new HttpClient(ScriptedHandler.Answering(body, (HttpStatusCode)status));
        var client = BinanceTestClient.Create(http, null, [BinanceTestClient.LtcUsdt]);

        var error = await Assert.ThrowsAsync<ExchangeException>(() => client.FetchTickersAsync(["LTC/USDT"], default));

        Assert.Equal(kind, error.Kind.ToString());
        Assert.Equal(transient, error.IsTransient);
    }

    [Fact]
    public async Task TooManyRequests_WithRetryAfter_PausesTheSharedBudget()
    {
        var clock = new ManualClock();
        using var http = new HttpClient(new Scripted(_ => Reply((HttpStatusCode)429, """{"code":-1003,"msg":"Too many requests."}""", ("Retry-After", "30"))));
        var client = BinanceTestClient.Create(http, null, [BinanceTestClient.LtcUsdt], clock);

        var error = await Assert.ThrowsAsync<ExchangeException>(() => client.FetchTimeAsync(default));

        Assert.Equal(ExchangeErrorKind.RateLimited, error.Kind);
        Assert.True(error.IsTransient);
        Assert.Equal(TimeSpan.FromSeconds(30), error.RetryAfter);
    }

    [Fact]
    public async Task TooManyRequests_NextCallWaitsForThePause()
    {
        var clock = new ManualClock();
        var calls = 0;
        using var http = new HttpClient(new Scripted(_ => ++calls == 1
            ? Reply((HttpStatusCode)429, "{}", ("Retry-After", "40"))
            : Reply(HttpStatusCode.OK, """{"serverTime":1}""")));
        var client = BinanceTestClient.Create(http, null, [], clock);
        await Assert.ThrowsAsync<ExchangeException>(() => client.FetchTimeAsync(default));

        // 40 s is beyond the budget's longest wait: the caller is told to come back instead of a request going out.
        var error = await Assert.ThrowsAsync<ExchangeException>(() => client.FetchTimeAsync(default));

        Assert.Equal(ExchangeErrorKind.RateLimited, error.Kind);
        Assert.Equal(1, calls);
    }

    [Fact]
    public async Task UsedWeightHeader_IsFedIntoTheBudget()
    {
        var budgets = new Transport.RequestBudgets(TimeProvider.System);
        using var http = new HttpClient(new Scripted(_ => Reply(HttpStatusCode.OK, """{"serverTime":1}""", ("X-MBX-USED-WEIGHT-1M", "4321"))));
        var client = BinanceTestClient.Create(http, null, [], budgets: budgets);

        await client.FetchTimeAsync(default);

        var budget = budgets.For("binance", "public", BinanceTestClient.BaseUri.Authority, BinanceRateLimits.Rules);
        Assert.Equal(4321, budget[BinanceRateLimits.RequestWeight].Used);
    }

    [Fact]
    public async Task InvalidTimestamp_RefreshesTheClockOnceAndRetries()
    {
        var clock = new ManualClock();
        var serverAhead = TimeSpan.FromSeconds(10);
        var requests = new List<Uri>();
        using var http = new HttpClient(new Scripted(r =>
        {
            requests.Add(r.RequestUri!);
            return r.RequestUri!.AbsolutePath switch
            {
                "/api/v3/time" => Reply(HttpStatusCode.OK, $$"""{"serverTime":{{(clock.GetUtcNow() + serverAhead).ToUnixTimeMilliseconds()}}}"""),
                _ when requests.Count == 1 => Reply(HttpStatusCode.BadRequest, """{"code":-1021,"msg":"Timestamp for this request was 1000ms ahead of the server's time."}"""),
                _ => Reply(HttpStatusCode.OK, """{"balances":[{"asset":"LTC","free":"1.5","locked":"0.5"}]}"""),
            };
        }));
        using var vault = await TestVault.StartAsync();
        var client = BinanceTestClient.Create(http, await vault.CredentialsAsync(ApiKey, Secret), [], clock);

        var balances = await client.FetchBalanceAsync(default);

        Assert.Equal(["/api/v3/account", "/api/v3/time", "/api/v3/account"], requests.Select(u => u.AbsolutePath));
        Assert.Equal(2m, balances.ByCurrency["LTC"].Total);
        Assert.Equal(serverAhead, client.Clock.Offset);
        Assert.Contains($"timestamp={(clock.GetUtcNow() + serverAhead).ToUnixTimeMilliseconds()}", requests[2].Query, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvalidTimestamp_Twice_RetriesOnlyOnce()
    {
        var requests = 0;
        using var http = new HttpClient(new Scripted(r =>
        {
            requests++;
            return r.RequestUri!.AbsolutePath == "/api/v3/time"
                ? Reply(HttpStatusCode.OK, """{"serverTime":1700000000000}""")
                : Reply(HttpStatusCode.BadRequest, """{"code":-1021,"msg":"Timestamp for this request is outside of the recvWindow."}""");
        }));
        using var vault = await TestVault.StartAsync();
        var client = BinanceTestClient.Create(http, await vault.CredentialsAsync(ApiKey, Secret), []);

        var error = await Assert.ThrowsAsync<ExchangeException>(() => client.FetchBalanceAsync(default));

        Assert.Equal(ExchangeErrorKind.Timestamp, error.Kind);
        Assert.Equal(3, requests);
    }

    [Fact]
    public async Task MissingSymbol_IsRefusedClearly_WithoutARequest()
    {
        var handler = ScriptedHandler.Answering("[]");
        using var http = new HttpClient(handler);
        using var vault = await TestVault.StartAsync();
        var client = BinanceTestClient.Create(http, await vault.CredentialsAsync(ApiKey, Secret), [BinanceTestClient.LtcUsdt]);

        var closed = await Assert.ThrowsAsync<ExchangeException>(() => client.FetchClosedOrdersAsync(null, null, null, default));
        var trades = await Assert.ThrowsAsync<ExchangeException>(() => client.FetchMyTradesAsync(null, null, null, default));
        var cancel = await Assert.ThrowsAsync<ExchangeException>(() => client.CancelAllOrdersAsync(null, default));

        foreach (var error in new[] { closed, trades, cancel })
        {
            Assert.Equal(ExchangeErrorKind.BadRequest, error.Kind);
            Assert.False(error.IsTransient);
            Assert.Contains("give a symbol", error.Message, StringComparison.Ordinal);
        }

        Assert.Contains("allOrders", closed.Message, StringComparison.Ordinal);
        Assert.Empty(handler.Requests);
    }

    [Fact]
    public async Task OrderByClientOrderId_NoSuchOrder_IsNull()
    {
        var handler = ScriptedHandler.Answering("""{"code":-2013,"msg":"Order does not exist."}""", HttpStatusCode.BadRequest);
        using var http = new HttpClient(handler);
        using var vault = await TestVault.StartAsync();
        var client = BinanceTestClient.Create(http, await vault.CredentialsAsync(ApiKey, Secret), [BinanceTestClient.LtcUsdt]);

        var order = await client.FetchOrderByClientOrderIdAsync("cf-123", "LTC/USDT", default);

        Assert.Null(order);
        Assert.Contains("origClientOrderId=cf-123", handler.Requests.Single().Uri.Query, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Permissions_MapApiRestrictions()
    {
        using var http = new HttpClient(ScriptedHandler.Answering("""{"ipRestrict":true,"createTime":1698645219000,"enableReading":true,"enableWithdrawals":false,"enableInternalTransfer":false,"enableMargin":false,"enableFutures":false,"permitsUniversalTransfer":true,"enableVanillaOptions":false,"enableFixApiTrade":false,"enableFixReadOnly":false,"enableSpotAndMarginTrading":true,"enablePortfolioMarginTrading":false}"""));
        using var vault = await TestVault.StartAsync();
        var client = BinanceTestClient.Create(http, await vault.CredentialsAsync(ApiKey, Secret), []);

        var permissions = await client.FetchPermissionsAsync(default);

        Assert.True(permissions.CanTrade);
        Assert.False(permissions.CanWithdraw);
        Assert.True(permissions.CanTransfer);
        Assert.True(permissions.CanMoveFunds);
        Assert.True(permissions.IpRestricted);
    }

    [Fact]
    public async Task Logs_AtDebug_NeverContainSignatureSecretOrApiKey()
    {
        var logs = new CapturingLoggerProvider();
        using var factory = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(logs));
        var calls = 0;
        var handler = new Scripted(r => r.RequestUri!.AbsolutePath == "/api/v3/time"
            ? Reply(HttpStatusCode.OK, """{"serverTime":1700000000000}""")
            : ++calls == 1
                ? Reply(HttpStatusCode.BadRequest, """{"code":-1021,"msg":"Timestamp for this request is outside of the recvWindow."}""")
                : Reply(HttpStatusCode.BadRequest, """{"code":-2010,"msg":"Account has insufficient balance for requested action."}"""));
        using var http = new HttpClient(handler);
        using var vault = await TestVault.StartAsync();
        var client = BinanceTestClient.Create(http, await vault.CredentialsAsync(ApiKey, Secret), [BinanceTestClient.LtcUsdt], logs: factory);

        var error = await Assert.ThrowsAsync<ExchangeException>(() => client.CreateOrderAsync(new() { Symbol = "LTC/USDT", Side = Model.OrderSide.Buy, Type = Model.OrderType.Limit, Amount = 1, Price = 50 }, default));

        var signatures = handler.Bodies.Select(b => b.Split('&').Single(p => p.StartsWith("signature=", StringComparison.Ordinal))["signature=".Length..]).ToList();
        Assert.Equal(2, signatures.Count);
        Assert.NotEmpty(logs.Lines);
        var secrets = signatures.Append(Secret).Append(ApiKey).ToList();
        foreach (var line in logs.Lines.Append(error.Message).Append(error.ToString()))
        {
            foreach (var secret in secrets)
            {
                Assert.DoesNotContain(secret, line, StringComparison.Ordinal);
            }
        }
    }

    private static HttpResponseMessage Reply(HttpStatusCode status, string body, params (string Name, string Value)[] headers)
    {
        var response = new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        foreach (var (name, value) in headers)
        {
            response.Headers.TryAddWithoutValidation(name, value);
        }

        return response;
    }

    /// <summary>Answers each request by a function of it (headers included), and keeps the bodies sent.</summary>
    private sealed class Scripted(Func<HttpRequestMessage, HttpResponseMessage> reply) : HttpMessageHandler
    {
        public List<string> Bodies { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.Content is not null)
            {
                Bodies.Add(await request.Content.ReadAsStringAsync(cancellationToken));
            }

            return reply(request);
        }
    }
}
