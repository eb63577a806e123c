using System.Net;
using System.Text.Json.Nodes;
using Coffer.Exchanges.Coinbase;
using Coffer.Exchanges.Model;
using Coffer.Exchanges.Signing;
using Coffer.Exchanges.Tests.Conformance;
using Coffer.Exchanges.Tests.Support;
using Coffer.Exchanges.Transport;
using Microsoft.Extensions.Logging;

namespace Coffer.Exchanges.Tests.Coinbase;

/// <summary>Error mapping, rate limits, paging, order building and permissions of the Coinbase connector.</summary>
public sealed class CoinbaseClientTests : IAsyncLifetime
{
    private TestVault? _vault;
    private ExchangeCredentials? _credentials;
    private string _pem = string.Empty;

    public async Task InitializeAsync()
    {
        _vault = await TestVault.StartAsync();
        using var key = CoinbaseTestSupport.NewKey();
        _pem = key.ExportECPrivateKeyPem();
        _credentials = await _vault.CredentialsAsync(CoinbaseTestSupport.KeyName, _pem);
    }

    public Task DisposeAsync()
    {
        _vault?.Dispose();
        return Task.CompletedTask;
    }

    [Theory]

    // Invalid or expired JWT: plain-text 401 (exchanges.md §3.7).
    [InlineData(401, "Unauthorized", nameof(ExchangeErrorKind.Authentication), false)]

    // Official SDK rest_base.handle_exception: 403 with "Missing required scopes".
    [InlineData(403, "{\"error\":\"PERMISSION_DENIED\",\"error_details\":\"Missing required scopes\",\"message\":\"Missing required scopes\"}", nameof(ExchangeErrorKind.Permission), false)]
    [InlineData(404, "{\"error\":\"NOT_FOUND\",\"error_details\":\"order with this orderID was not found\",\"message\":\"order with this orderID was not found\"}", nameof(ExchangeErrorKind.NotFound), false)]
    [InlineData(400, "{\"error\":\"unknown\",\"error_details\":\"order with this orderID was not found\",\"message\":\"order with this orderID was not found\"}", nameof(ExchangeErrorKind.NotFound), false)]
    [InlineData(400, "{\"error\":\"INVALID_ARGUMENT\",\"error_details\":\"account is not available\",\"message\":\"account is not available\"}", nameof(ExchangeErrorKind.InvalidOrder), false)]
    [InlineData(400, "{\"error\":\"PERMISSION_DENIED\",\"message\":\"permission denied\"}", nameof(ExchangeErrorKind.Permission), false)]
    [InlineData(400, "{\"error\":\"SOMETHING_ELSE\",\"message\":\"no\"}", nameof(ExchangeErrorKind.BadRequest), false)]
    [InlineData(500, "{\"error\":\"INTERNAL\",\"message\":\"internal error\"}", nameof(ExchangeErrorKind.ExchangeUnavailable), true)]
    [InlineData(503, "upstream connect error", nameof(ExchangeErrorKind.ExchangeUnavailable), true)]
    public async Task Errors_StatusAndBody_MapOntoKinds(int status, string body, string kindName, bool transient)
    {
        var kind = Enum.Parse<ExchangeErrorKind>(kindName);
        using var http = new HttpClient(ScriptedHandler.Answering(body, (HttpStatusCode)status));
        var client = CoinbaseTestSupport.Client(http, _credentials);

        var error = await Assert.ThrowsAsync<ExchangeException>(() => client.FetchOrderAsync("9fd0cadc-2ccc-45e8-b254-ea511c34e5b2", "BTC/USD", default));

        Assert.Equal(kind, error.Kind);
        Assert.Equal(transient, error.IsTransient);
        Assert.Equal(CoinbaseClient.Id, error.Exchange);
    }

    [Theory]
    [InlineData("{\"success\":false,\"failure_reason\":\"UNKNOWN_FAILURE_REASON\",\"order_id\":\"\",\"error_response\":{\"error\":\"INSUFFICIENT_FUND\",\"message\":\"Insufficient balance in source account\",\"error_details\":\"\",\"preview_failure_reason\":\"PREVIEW_INSUFFICIENT_FUND\",\"new_order_failure_reason\":\"UNKNOWN_FAILURE_REASON\"}}", nameof(ExchangeErrorKind.InsufficientFunds), "INSUFFICIENT_FUND")]
    [InlineData("{\"success\":false,\"error_response\":{\"error\":\"UNKNOWN_FAILURE_REASON\",\"preview_failure_reason\":\"PREVIEW_INSUFFICIENT_FUND\"}}", nameof(ExchangeErrorKind.InsufficientFunds), "PREVIEW_INSUFFICIENT_FUND")]
    [InlineData("{\"success\":false,\"error_response\":{\"error\":\"INVALID_LIMIT_PRICE_POST_ONLY\",\"message\":\"Limit price too aggressive\"}}", nameof(ExchangeErrorKind.InvalidOrder), "INVALID_LIMIT_PRICE_POST_ONLY")]
    [InlineData("{\"success\":false,\"error_response\":{\"error\":\"UNSUPPORTED_ORDER_CONFIGURATION\"}}", nameof(ExchangeErrorKind.InvalidOrder), "UNSUPPORTED_ORDER_CONFIGURATION")]
    [InlineData("{\"success\":false,\"error_response\":{\"error\":\"UNKNOWN_FAILURE_REASON\",\"preview_failure_reason\":\"PREVIEW_INVALID_BASE_SIZE_TOO_SMALL\"}}", nameof(ExchangeErrorKind.InvalidOrder), "PREVIEW_INVALID_BASE_SIZE_TOO_SMALL")]
    public async Task CreateOrder_SuccessFalseOn200_IsRefusedWithTheReason(string body, string kindName, string code)
    {
        var kind = Enum.Parse<ExchangeErrorKind>(kindName);
        using var http = new HttpClient(ScriptedHandler.Answering(body));
        var client = CoinbaseTestSupport.Client(http, _credentials);

        var error = await Assert.ThrowsAsync<ExchangeException>(() => client.CreateOrderAsync(Limit(OrderSide.Buy, 0.01m, 50000m), default));

        Assert.Equal(kind, error.Kind);
        Assert.Equal(code, error.ExchangeCode);
        Assert.False(error.IsTransient);
    }

    [Fact]
    public async Task CreateOrder_SuccessTrueWithUnknownFailureReason_IsAccepted()
    {
        // FAQ (docs.cdp.coinbase.com/coinbase-app/advanced-trade-apis/faq): this combination means the order was placed.
        const string body = "{\"success\":true,\"failure_reason\":\"UNKNOWN_FAILURE_REASON\",\"order_id\":\"11111111-0000-0000-0000-000000000000\",\"success_response\":{\"order_id\":\"11111111-0000-0000-0000-000000000000\",\"product_id\":\"BTC-USD\",\"side\":\"BUY\",\"client_order_id\":\"mine-1\"}}";
        using var http = new HttpClient(ScriptedHandler.Answering(body));
        var client = CoinbaseTestSupport.Client(http, _credentials);

        var order = await client.CreateOrderAsync(Limit(OrderSide.Buy, 0.01m, 50000m) with { ClientOrderId = "mine-1" }, default);

        Assert.Equal("11111111-0000-0000-0000-000000000000", order.Id);
        Assert.Equal("mine-1", order.ClientOrderId);
        Assert.Equal(OrderStatus.Open, order.Status);
    }

    [Fact]
    public async Task CreateOrder_Limit_TruncatesAmountRoundsPrice_AndAlwaysSendsAClientOrderId()
    {
        var handler = Accepting();
        using var http = new HttpClient(handler);
        var client = CoinbaseTestSupport.Client(http, _credentials);

        var order = await client.CreateOrderAsync(Limit(OrderSide.Buy, 0.123456789m, 50000.005m), default);

        var body = JsonNode.Parse(handler.Requests[0].Body!)!;
        Assert.Equal("/api/v3/brokerage/orders", handler.Requests[0].Uri.AbsolutePath);
        Assert.Equal("0.12345678", body["order_configuration"]!["limit_limit_gtc"]!["base_size"]!.GetValue<string>());
        Assert.Equal("50000.01", body["order_configuration"]!["limit_limit_gtc"]!["limit_price"]!.GetValue<string>());
        Assert.False(body["order_configuration"]!["limit_limit_gtc"]!["post_only"]!.GetValue<bool>());
        Assert.True(Guid.TryParse(body["client_order_id"]!.GetValue<string>(), out _));
        Assert.Equal("BTC-USD", body["product_id"]!.GetValue<string>());
        Assert.Equal(0.12345678m, order.Amount);
    }

    [Theory]
    [InlineData(nameof(OrderType.StopLimit), nameof(OrderSide.Sell), CoinbaseParsing.StopDown)]
    [InlineData(nameof(OrderType.StopLimit), nameof(OrderSide.Buy), CoinbaseParsing.StopUp)]
    [InlineData(nameof(OrderType.TakeProfitLimit), nameof(OrderSide.Sell), CoinbaseParsing.StopUp)]
    [InlineData(nameof(OrderType.TakeProfitLimit), nameof(OrderSide.Buy), CoinbaseParsing.StopDown)]
    public async Task CreateOrder_StopLimit_DirectionFollowsWhatTheTriggerWaitsFor(string typeName, string sideName, string direction)
    {
        var type = Enum.Parse<OrderType>(typeName);
        var side = Enum.Parse<OrderSide>(sideName);
        var handler = Accepting();
        using var http = new HttpClient(handler);
        var client = CoinbaseTestSupport.Client(http, _credentials);

        await client.CreateOrderAsync(new OrderRequest { Symbol = "BTC/USD", Side = side, Type = type, Amount = 0.5m, Price = 40000m, TriggerPrice = 40100m }, default);

        var config = JsonNode.Parse(handler.Requests[0].Body!)!["order_configuration"]!["stop_limit_stop_limit_gtc"]!;
        Assert.Equal(direction, config["stop_direction"]!.GetValue<string>());
        Assert.Equal("40100", config["stop_price"]!.GetValue<string>());
    }

    [Theory]
    [InlineData(nameof(OrderType.StopLoss))]
    [InlineData(nameof(OrderType.TakeProfit))]
    public async Task CreateOrder_StopMarket_IsRefusedBeforeAnyRequest(string typeName)
    {
        var type = Enum.Parse<OrderType>(typeName);
        var handler = Accepting();
        using var http = new HttpClient(handler);
        var client = CoinbaseTestSupport.Client(http, _credentials);

        var error = await Assert.ThrowsAsync<ExchangeException>(() => client.CreateOrderAsync(new OrderRequest { Symbol = "BTC/USD", Side = OrderSide.Sell, Type = type, Amount = 1m, TriggerPrice = 30000m }, default));

        Assert.Equal(ExchangeErrorKind.InvalidOrder, error.Kind);
        Assert.Contains("stop-limit", error.Message, StringComparison.Ordinal);
        Assert.Empty(handler.Requests);
    }

    [Theory]
    [InlineData(nameof(TimeInForce.Ioc), "sor_limit_ioc")]
    [InlineData(nameof(TimeInForce.Fok), "limit_limit_fok")]
    public async Task CreateOrder_LimitIocFok_UseTheirConfigurations(string tifName, string name)
    {
        var tif = Enum.Parse<TimeInForce>(tifName);
        var handler = Accepting();
        using var http = new HttpClient(handler);
        var client = CoinbaseTestSupport.Client(http, _credentials);

        await client.CreateOrderAsync(Limit(OrderSide.Sell, 1m, 40000m) with { TimeInForce = tif }, default);

        Assert.NotNull(JsonNode.Parse(handler.Requests[0].Body!)!["order_configuration"]![name]);
    }

    [Fact]
    public async Task CreateOrder_AmountBelowTheMinimum_IsRefusedLocally()
    {
        var handler = Accepting();
        using var http = new HttpClient(handler);
        var client = CoinbaseTestSupport.Client(http, _credentials);

        var error = await Assert.ThrowsAsync<ExchangeException>(() => client.CreateOrderAsync(new OrderRequest { Symbol = "ADA/USDT", Side = OrderSide.Sell, Type = OrderType.Market, Amount = 0.009m }, default));

        Assert.Equal(ExchangeErrorKind.InvalidOrder, error.Kind);
        Assert.Empty(handler.Requests);
    }

    [Fact]
    public async Task CancelOrder_PerOrderFailure_IsReported()
    {
        using var http = new HttpClient(ScriptedHandler.Answering("{\"results\":[{\"success\":false,\"failure_reason\":\"UNKNOWN_CANCEL_ORDER\",\"order_id\":\"abc\"}]}"));
        var client = CoinbaseTestSupport.Client(http, _credentials);

        var error = await Assert.ThrowsAsync<ExchangeException>(() => client.CancelOrderAsync("abc", "BTC/USD", default));

        Assert.Equal(ExchangeErrorKind.NotFound, error.Kind);
        Assert.Equal("UNKNOWN_CANCEL_ORDER", error.ExchangeCode);
    }

    [Fact]
    public async Task CancelAllOrders_ListsOpenOrdersOfTheSymbol_AndReturnsThoseCancelled()
    {
        var handler = new ScriptedHandler(r => r.Uri.AbsolutePath.EndsWith("/batch_cancel", StringComparison.Ordinal)
            ? (HttpStatusCode.OK, "{\"results\":[{\"success\":true,\"failure_reason\":\"UNKNOWN_CANCEL_FAILURE_REASON\",\"order_id\":\"o1\"},{\"success\":false,\"failure_reason\":\"ORDER_IS_FULLY_FILLED\",\"order_id\":\"o2\"}]}")
            : (HttpStatusCode.OK, "{\"orders\":[" + OpenOrder("o1") + "," + OpenOrder("o2") + "],\"has_next\":false,\"cursor\":\"\"}"));
        using var http = new HttpClient(handler);
        var client = CoinbaseTestSupport.Client(http, _credentials);

        var cancelled = await client.CancelAllOrdersAsync("BTC/USD", default);

        Assert.Equal("o1", Assert.Single(cancelled).Id);
        Assert.Equal(OrderStatus.Canceled, cancelled[0].Status);
        Assert.Contains("product_ids=BTC-USD", handler.Requests[0].Uri.Query, StringComparison.Ordinal);
        Assert.Contains("order_status=OPEN", handler.Requests[0].Uri.Query, StringComparison.Ordinal);
        Assert.Equal("{\"order_ids\":[\"o1\",\"o2\"]}", handler.Requests[1].Body);
    }

    [Fact]
    public async Task FetchBalance_PagesWithTheCursor_AndAddsAccountsOfOneCurrency()
    {
        var handler = new ScriptedHandler(r => r.Uri.Query.Contains("cursor=page2", StringComparison.Ordinal)
            ? (HttpStatusCode.OK, "{\"accounts\":[" + Account("BTC", "0.5", "0.1") + "],\"has_next\":false,\"cursor\":\"\",\"size\":1}")
            : (HttpStatusCode.OK, "{\"accounts\":[" + Account("BTC", "1.25", "0") + "," + Account("USD", "100", "20.5") + "],\"has_next\":true,\"cursor\":\"page2\",\"size\":2}"));
        using var http = new HttpClient(handler);
        var client = CoinbaseTestSupport.Client(http, _credentials);

        var balances = await client.FetchBalanceAsync(default);

        Assert.Equal(2, handler.Requests.Count);
        Assert.Contains("limit=250", handler.Requests[0].Uri.Query, StringComparison.Ordinal);
        Assert.Equal(new Balance("BTC", 1.75m, 0.1m, 1.85m), balances.ByCurrency["BTC"]);
        Assert.Equal(new Balance("USD", 100m, 20.5m, 120.5m), balances.ByCurrency["USD"]);
    }

    [Fact]
    public async Task FetchBalance_RepeatedCursor_StopsPaging()
    {
        var handler = ScriptedHandler.Answering("{\"accounts\":[],\"has_next\":true,\"cursor\":\"same\"}");
        using var http = new HttpClient(handler);
        var client = CoinbaseTestSupport.Client(http, _credentials);

        await client.FetchBalanceAsync(default);

        Assert.Equal(2, handler.Requests.Count);
    }

    [Fact]
    public async Task TooManyRequests_PausesTheSharedBudget_AndIsTransient()
    {
        var clock = new ManualClock();
        var budgets = new RequestBudgets(clock);
        using var http = new HttpClient(new HeaderHandler(HttpStatusCode.TooManyRequests, "{\"message\":\"Too many requests\"}", ("Retry-After", "3")));
        var client = CoinbaseTestSupport.Client(http, _credentials, time: clock, budgets: budgets);

        var error = await Assert.ThrowsAsync<ExchangeException>(() => client.FetchBalanceAsync(default));

        Assert.Equal(ExchangeErrorKind.RateLimited, error.Kind);
        Assert.True(error.IsTransient);
        var budget = budgets.For(CoinbaseClient.Id, CoinbaseTestSupport.KeyName, CoinbaseTestSupport.BaseUri.Authority, [CoinbaseRateLimits.PrivateRule]);
        Assert.Equal(clock.GetUtcNow() + TimeSpan.FromSeconds(3), budget.PausedUntil);
    }

    [Fact]
    public async Task RateLimitHeaders_FeedTheBudget()
    {
        var clock = new ManualClock();
        var budgets = new RequestBudgets(clock);
        using var http = new HttpClient(new HeaderHandler(HttpStatusCode.OK, "{\"accounts\":[],\"has_next\":false}", ("x-ratelimit-limit", "30"), ("x-ratelimit-remaining", "5"), ("x-ratelimit-reset", "1700000001")));
        var client = CoinbaseTestSupport.Client(http, _credentials, time: clock, budgets: budgets);

        await client.FetchBalanceAsync(default);

        var budget = budgets.For(CoinbaseClient.Id, CoinbaseTestSupport.KeyName, CoinbaseTestSupport.BaseUri.Authority, [CoinbaseRateLimits.PrivateRule]);
        Assert.Equal(25, budget[CoinbaseRateLimits.Private].Used);
    }

    [Fact]
    public void RateLimits_AreDeclaredWithTheirUnconfirmedSource()
    {
        Assert.Equal(30, CoinbaseRateLimits.PrivateRule.Capacity);
        Assert.Equal(RateLimitScope.Account, CoinbaseRateLimits.PrivateRule.Scope);
        Assert.Equal(10, CoinbaseRateLimits.PublicRule.Capacity);
        Assert.Equal(RateLimitScope.Ip, CoinbaseRateLimits.PublicRule.Scope);
        Assert.Equal(TimeSpan.FromSeconds(1), CoinbaseRateLimits.PublicRule.Window);
        Assert.Contains("UNCONFIRMED", CoinbaseRateLimits.PrivateRule.Source, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true, true)]
    [InlineData(false, false)]
    public async Task FetchPermissions_CanTransferIsTheWithdrawalRight(bool canTransfer, bool movesFunds)
    {
        using var http = new HttpClient(ScriptedHandler.Answering($"{{\"can_view\":true,\"can_trade\":true,\"can_transfer\":{(canTransfer ? "true" : "false")},\"can_receive\":true,\"portfolio_uuid\":\"p\",\"portfolio_type\":\"DEFAULT\"}}"));
        var client = CoinbaseTestSupport.Client(http, _credentials);

        var permissions = await client.FetchPermissionsAsync(default);

        Assert.True(permissions.CanRead);
        Assert.True(permissions.CanTrade);
        Assert.Equal(canTransfer, permissions.CanWithdraw);
        Assert.Equal(canTransfer, permissions.CanTransfer);
        Assert.Equal(movesFunds, permissions.CanMoveFunds);
        Assert.Null(permissions.IpRestricted);
    }

    [Fact]
    public async Task FetchTime_V2TimeInWholeSeconds_ReturnsItAndSetsTheOffsetToTheMiddleOfThatSecond()
    {
        var clock = new ManualClock();
        var server = clock.GetUtcNow() + TimeSpan.FromSeconds(42);
        var handler = ScriptedHandler.Answering("{\"data\":{\"iso\":\"ignored when epoch is given\",\"epoch\":" + server.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture) + "}}");
        using var http = new HttpClient(handler);
        var client = CoinbaseTestSupport.Client(http, null, time: clock);

        var time = await client.FetchTimeAsync(default);

        Assert.Equal("https://api.coinbase.com/v2/time", Assert.Single(handler.Requests).Uri.ToString());
        Assert.Equal(server, time);
        Assert.Equal(TimeSpan.FromSeconds(42.5), client.Clock.Offset);
    }

    [Fact]
    public async Task FetchTime_IsoOnly_IsParsed_AndAnswerWithoutEither_IsAFormatError()
    {
        var clock = new ManualClock();
        using var iso = new HttpClient(ScriptedHandler.Answering("{\"data\":{\"iso\":\"2026-12-01T12:00:10.250Z\"}}"));
        using var empty = new HttpClient(ScriptedHandler.Answering("{\"iso\":\"2026-12-01T12:00:10Z\",\"epochMillis\":\"1\"}"));

        var time = await CoinbaseTestSupport.Client(iso, null, time: clock).FetchTimeAsync(default);
        await Assert.ThrowsAsync<FormatException>(() => CoinbaseTestSupport.Client(empty, null, time: clock).FetchTimeAsync(default));

        Assert.Equal(new DateTimeOffset(2026, 12, 1, 12, 0, 10, 250, TimeSpan.Zero), time);
    }

    [Fact]
    public async Task FetchOrderByClientOrderId_AbsentOrder_IsNull_AndPresentOneIsFound()
    {
        var handler = new ScriptedHandler(r => r.Uri.Query.Contains("cursor=p2", StringComparison.Ordinal)
            ? (HttpStatusCode.OK, "{\"orders\":[" + OpenOrder("o9", "mine-9") + "],\"has_next\":false,\"cursor\":\"\"}")
            : (HttpStatusCode.OK, "{\"orders\":[" + OpenOrder("o1", "other") + "],\"has_next\":true,\"cursor\":\"p2\"}"));
        using var http = new HttpClient(handler);
        var client = CoinbaseTestSupport.Client(http, _credentials);

        Assert.Equal("o9", (await client.FetchOrderByClientOrderIdAsync("mine-9", "BTC/USD", default))?.Id);
        Assert.Null(await client.FetchOrderByClientOrderIdAsync("never-placed", "BTC/USD", default));
    }

    [Fact]
    public async Task FetchTickers_Many_TakeLastAndVolumeFromProducts_AndBidAskFromBestBidAsk()
    {
        var handler = new ScriptedHandler(r => r.Uri.AbsolutePath.EndsWith("/best_bid_ask", StringComparison.Ordinal)
            ? (HttpStatusCode.OK, "{\"pricebooks\":[{\"product_id\":\"BTC-USD\",\"bids\":[{\"price\":\"64999.99\",\"size\":\"1\"}],\"asks\":[{\"price\":\"65000.01\",\"size\":\"2\"}],\"time\":\"2024-04-24T09:56:38.063595Z\"},{\"product_id\":\"ADA-USDT\",\"bids\":[],\"asks\":[]}]}")
            : (HttpStatusCode.OK, "{\"products\":[{\"product_id\":\"BTC-USD\",\"price\":\"65000\",\"volume_24h\":\"1234.5\",\"product_type\":\"SPOT\"},{\"product_id\":\"ADA-USDT\",\"price\":\"0.45\",\"volume_24h\":\"10\",\"product_type\":\"SPOT\"},{\"product_id\":\"BIT-28JUN24-CDE\",\"price\":\"1\",\"product_type\":\"FUTURE\"}]}"));
        using var http = new HttpClient(handler);
        var client = CoinbaseTestSupport.Client(http, _credentials);

        var tickers = await client.FetchTickersAsync(["BTC/USD", "ADA/USDT"], default);

        Assert.Equal("product_ids=BTC-USD&product_ids=ADA-USDT", handler.Requests[0].Uri.Query.TrimStart('?'));
        var btc = tickers.Single(t => t.Symbol == "BTC/USD");
        Assert.Equal((65000m, 1234.5m, 64999.99m, 65000.01m), (btc.Last!.Value, btc.BaseVolume!.Value, btc.Bid!.Value, btc.Ask!.Value));
        var ada = tickers.Single(t => t.Symbol == "ADA/USDT");
        Assert.Null(ada.Bid);
        Assert.Equal(2, tickers.Count);
    }

    [Fact]
    public async Task PrivateCall_WithoutCredentials_IsAuthentication()
    {
        using var http = new HttpClient(ScriptedHandler.Answering("{}"));
        var client = CoinbaseTestSupport.Client(http, null);

        var error = await Assert.ThrowsAsync<ExchangeException>(() => client.FetchBalanceAsync(default));

        Assert.Equal(ExchangeErrorKind.Authentication, error.Kind);
    }

    [Fact]
    public async Task Logs_AtDebug_NeverHoldTheJwtThePemOrTheKeyName()
    {
        var logs = new CapturingLoggerProvider();
        using var factory = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(logs));
        var handler = new ScriptedHandler(r => r.Uri.AbsolutePath.EndsWith("/accounts", StringComparison.Ordinal)
            ? (HttpStatusCode.OK, "{\"accounts\":[],\"has_next\":false}")
            : (HttpStatusCode.Unauthorized, "Unauthorized"));
        using var http = new HttpClient(handler);
        var client = CoinbaseTestSupport.Client(http, _credentials, logs: factory);

        await client.FetchBalanceAsync(default);
        var error = await Assert.ThrowsAsync<ExchangeException>(() => client.CreateOrderAsync(Limit(OrderSide.Buy, 0.01m, 50000m), default));

        var jwts = handler.Requests.Where(r => r.Headers.ContainsKey("Authorization")).Select(r => r.Headers["Authorization"]["Bearer ".Length..]).ToList();
        Assert.NotEmpty(jwts);
        Assert.NotEmpty(logs.Lines);
        var keyId = CoinbaseTestSupport.KeyName.Split('/')[^1];
        var pemBody = _pem.Split('\n')[1];
        foreach (var text in logs.Lines.Append(error.ToString()))
        {
            Assert.DoesNotContain(keyId, text, StringComparison.Ordinal);
            Assert.DoesNotContain(pemBody, text, StringComparison.Ordinal);
            Assert.DoesNotContain("eyJ", text, StringComparison.Ordinal);
            Assert.All(jwts, jwt => Assert.DoesNotContain(jwt.Split('.')[2], text, StringComparison.Ordinal));
        }
    }

    private static OrderRequest Limit(OrderSide side, decimal amount, decimal price) =>
        new() { Symbol = "BTC/USD", Side = side, Type = OrderType.Limit, Amount = amount, Price = price };

    private static ScriptedHandler Accepting() =>
        ScriptedHandler.Answering("{\"success\":true,\"success_response\":{\"order_id\":\"22222222-0000-0000-0000-000000000000\",\"product_id\":\"BTC-USD\",\"side\":\"BUY\",\"client_order_id\":\"x\"}}");

    private static string Account(string currency, string available, string hold) =>
        $"{{\"uuid\":\"{Guid.NewGuid()}\",\"name\":\"{currency} Wallet\",\"currency\":\"{currency}\",\"available_balance\":{{\"value\":\"{available}\",\"currency\":\"{currency}\"}},\"default\":true,\"active\":true,\"type\":\"ACCOUNT_TYPE_CRYPTO\",\"ready\":true,\"hold\":{{\"value\":\"{hold}\",\"currency\":\"{currency}\"}}}}";

    private static string OpenOrder(string id, string clientOrderId = "c") =>
        $"{{\"order_id\":\"{id}\",\"product_id\":\"BTC-USD\",\"side\":\"BUY\",\"client_order_id\":\"{clientOrderId}\",\"status\":\"OPEN\",\"time_in_force\":\"GOOD_UNTIL_CANCELLED\",\"created_time\":\"2024-01-01T00:00:00Z\",\"filled_size\":\"0\",\"average_filled_price\":\"0\",\"filled_value\":\"0\",\"total_fees\":\"0\",\"order_configuration\":{{\"limit_limit_gtc\":{{\"base_size\":\"0.1\",\"limit_price\":\"30000\",\"post_only\":false}}}}}}";

    /// <summary>Answers every request with one status, body and set of response headers.</summary>
    private sealed class HeaderHandler(HttpStatusCode status, string body, params (string Name, string Value)[] headers) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = new HttpResponseMessage(status) { Content = new StringContent(body), RequestMessage = request };
            foreach (var (name, value) in headers)
            {
                response.Headers.TryAddWithoutValidation(name, value);
            }

            return Task.FromResult(response);
        }
    }
}
