using System.Net;
using System.Text.Json;
using Coffer.Sandbox.Faults;
using Coffer.Server.Features.Trading;
using Microsoft.Extensions.DependencyInjection;

namespace Coffer.Server.Tests.Trading;

/// <summary>
/// Every token constraint and market rule refuses an order before any request reaches the sandbox, with a problem naming
/// the constraint; a frozen account and a sealed server place nothing; the same idempotency key places one order.
/// </summary>
public abstract class OrderGuardApiTests : TradingTest
{
    /// <summary>A child of the session that can trade within <paramref name="trading"/> (creating it needs step-up).</summary>
    internal async Task<string> TradingTokenAsync(object trading)
    {
        using var response = await SendAsync(HttpMethod.Post, "/api/v1/tokens", new { scopes = new[] { "orders:write", "orders:read", "portfolio:read" }, kind = "api", trading }, Session, stepUp: StepUp(Seed));
        return (await JsonAsync(response, HttpStatusCode.Created)).GetProperty("token").GetString()!;
    }

    private async Task AssertRefusedAsync(HttpResponseMessage response, HttpStatusCode status, string type, string constraint, int seenBefore)
    {
        var body = await JsonAsync(response, status);
        Assert.Equal($"urn:coffer:problem:{type}", body.GetProperty("type").GetString());
        Assert.Equal(constraint, body.GetProperty("constraint").GetString());
        Assert.False(string.IsNullOrWhiteSpace(body.GetProperty("detail").GetString()));
        Assert.Equal(seenBefore, OrderRequestsSeen());
        Assert.Empty(Sandbox.State.Engine.GetOrders(Accounts["binance"].Key.Account));
    }

    public static TheoryData<string, string, decimal, decimal?, string> Constraints => new()
    {
        // trading limits (JSON), symbol, amount, limit price (null: market), the constraint that refuses
        { """{"exchanges":["kraken"]}""", "BTC/USDT", 0.01m, null, "exchanges" },
        { """{"symbols":["ETH/USDT"]}""", "BTC/USDT", 0.01m, null, "symbols" },
        { """{"max_order_notional":500}""", "BTC/USDT", 0.01m, null, "max_order_notional" },
        // BTC/USDT is at 60,000: a limit buy at 66,000 is 10% above the market.
        { """{"price_band_percent":5}""", "BTC/USDT", 0.001m, 66_000m, "price_band_percent" },
        { """{"price_band_percent":5}""", "BTC/USDT", 0.001m, 50_000m, "price_band_percent" },
        { """{"daily_volume_cap":100}""", "BTC/USDT", 0.002m, null, "daily_volume_cap" },
    };

    [Theory]
    [MemberData(nameof(Constraints))]
    public async Task Place_OutsideTheTokensLimits_IsRefusedBeforeTheExchangeSeesIt(string limits, string symbol, decimal amount, decimal? price, string constraint)
    {
        await SetUpTraderAsync();
        var token = await TradingTokenAsync(JsonSerializer.Deserialize<JsonElement>(limits));
        var seen = OrderRequestsSeen();
        using var response = await PlaceAsync(Order("binance", symbol, "buy", price is null ? "market" : "limit", amount, price), token: token);
        await AssertRefusedAsync(response, HttpStatusCode.Forbidden, "order-constraint-violated", constraint, seen);
    }

    [Fact]
    public async Task Place_WithinTheTokensLimits_IsPlacedAndCountsTowardsTheDailyCap()
    {
        await SetUpTraderAsync();
        // 0.001 BTC at 60,000 USDT ≈ 60 USD: one fits a cap of 100 USD, a second does not.
        var token = await TradingTokenAsync(new { exchanges = new[] { "binance" }, symbols = new[] { "BTC/USDT" }, max_order_notional = 100m, price_band_percent = 5m, daily_volume_cap = 100m });
        using (var first = await PlaceAsync(Order("binance", "BTC/USDT", "buy", "limit", 0.001m, 59_000m), token: token))
        {
            var placed = await JsonAsync(first, HttpStatusCode.Created);
            Assert.Equal("open", placed.GetProperty("state").GetString());
        }

        var seen = OrderRequestsSeen();
        using var second = await PlaceAsync(Order("binance", "BTC/USDT", "buy", "limit", 0.001m, 59_000m), token: token);
        var body = await JsonAsync(second, HttpStatusCode.Forbidden);
        Assert.Equal("daily_volume_cap", body.GetProperty("constraint").GetString());
        Assert.Equal(seen, OrderRequestsSeen());
    }

    public static TheoryData<string, decimal, decimal?, string, string> RuleViolations => new()
    {
        // symbol, amount, limit price, rounding policy, the rule (BTC/USDT: step 0.00001, tick 0.01, min notional 5)
        { "BTC/USDT", 0.00001m, 60_000m, "round", "min-cost" },
        { "BTC/USDT", 0.000001m, 60_000m, "round", "min-amount" },
        { "BTC/USDT", 0.000015m, 60_000m, "strict", "amount-step" },
        { "BTC/USDT", 0.001m, 60_000.005m, "strict", "price-tick" },
    };

    [Theory]
    [MemberData(nameof(RuleViolations))]
    public async Task Place_OffTheMarketsRules_IsRefusedNamingTheRule(string symbol, decimal amount, decimal? price, string rounding, string rule)
    {
        await SetUpTraderAsync();
        var seen = OrderRequestsSeen();
        using var response = await PlaceAsync(Order("binance", symbol, "buy", "limit", amount, price, rounding: rounding));
        var body = await JsonAsync(response, HttpStatusCode.UnprocessableEntity);
        Assert.Equal("urn:coffer:problem:order-rule-violated", body.GetProperty("type").GetString());
        Assert.Equal(rule, body.GetProperty("constraint").GetString());
        Assert.Equal(seen, OrderRequestsSeen());
    }

    [Fact]
    public async Task Place_OffStepWithRounding_IsRoundedAsTheExchangeWouldAndSaysSo()
    {
        await SetUpTraderAsync();
        using var response = await PlaceAsync(Order("binance", "BTC/USDT", "buy", "limit", 0.0012345m, 59_000.004m));
        var placed = await JsonAsync(response, HttpStatusCode.Created);
        Assert.Equal(0.00123m, placed.GetProperty("amount").GetDecimal());
        Assert.Equal(59_000m, placed.GetProperty("price").GetDecimal());
        Assert.True(placed.GetProperty("adjustments").GetArrayLength() >= 2);
        var order = Assert.Single(Sandbox.State.Engine.GetOrders(Accounts["binance"].Key.Account));
        Assert.Equal(0.00123m, order.Quantity);
        Assert.Equal(59_000m, order.Price);
    }

    [Fact]
    public async Task Place_AboveTheStepUpThreshold_NeedsStepUp()
    {
        await SetUpTraderAsync();
        using (var settings = await SendAsync(HttpMethod.Put, "/api/v1/portfolio/settings", new { step_up_threshold = 1000m }, Session))
        {
            await JsonAsync(settings);
        }

        var seen = OrderRequestsSeen();
        using (var refused = await PlaceAsync(Order("binance", "BTC/USDT", "buy", "limit", 0.1m, 59_000m)))
        {
            var body = await JsonAsync(refused, HttpStatusCode.Forbidden);
            Assert.Equal("urn:coffer:problem:step-up-required", body.GetProperty("type").GetString());
            Assert.Equal(seen, OrderRequestsSeen());
        }

        using var accepted = await PlaceAsync(Order("binance", "BTC/USDT", "buy", "limit", 0.1m, 59_000m), stepUp: StepUp(Seed));
        await JsonAsync(accepted, HttpStatusCode.Created);
    }

    [Fact]
    public async Task Place_AfterFreeze_PlacesNothing()
    {
        await SetUpTraderAsync();
        var token = await TradingTokenAsync(new { max_order_notional = 1000m });
        using (var freeze = await SendAsync(HttpMethod.Post, "/api/v1/account/freeze", null, Session))
        {
            await JsonAsync(freeze);
        }

        var seen = OrderRequestsSeen();
        using var response = await PlaceAsync(Order("binance", "BTC/USDT", "buy", "market", 0.001m), token: token);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(seen, OrderRequestsSeen());
    }

    [Fact]
    public async Task Place_WhileSealed_PlacesNothing()
    {
        await SetUpTraderAsync();
        var seen = OrderRequestsSeen();
        await Server.Vault.SealAsync(CancellationToken.None);
        using var response = await PlaceAsync(Order("binance", "BTC/USDT", "buy", "market", 0.001m));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(seen, OrderRequestsSeen());
    }

    [Fact]
    public async Task Place_TwentyConcurrentRequestsWithOneKey_PlaceOneOrder()
    {
        await SetUpTraderAsync();
        var key = Guid.NewGuid().ToString();
        var body = Order("kraken", "BTC/USD", "buy", "limit", 0.01m, 59_000m);
        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => PlaceAsync(body, key)));
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var response in responses)
        {
            using (response)
            {
                Assert.True(response.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
                ids.Add((await JsonAsync(response, response.StatusCode)).GetProperty("id").GetString()!);
            }
        }

        Assert.Single(ids);
        Assert.Equal(1, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
        Assert.Single(Sandbox.State.Engine.GetOrders(Accounts["kraken"].Key.Account));
        Assert.Equal(1, Sandbox.State.Requests.Last(10_000).Count(IsOrderPlacement));

        // The same key with another order is refused, not replayed.
        using var reused = await PlaceAsync(Order("kraken", "BTC/USD", "buy", "limit", 0.02m, 59_000m), key);
        Assert.Equal("urn:coffer:problem:idempotency-key-reused", (await JsonAsync(reused, HttpStatusCode.UnprocessableEntity)).GetProperty("type").GetString());
    }

    [Fact]
    public async Task Place_WithoutAnIdempotencyKey_IsRefused()
    {
        await SetUpTraderAsync();
        using var response = await SendAsync(HttpMethod.Post, "/api/v1/orders", Order("binance", "BTC/USDT", "buy", "market", 0.001m), Session);
        Assert.Equal("urn:coffer:problem:idempotency-key-required", (await JsonAsync(response, HttpStatusCode.BadRequest)).GetProperty("type").GetString());
        Assert.Equal(0, OrderRequestsSeen());
    }

    [Theory]
    [InlineData("""{"symbol":"BTC/USDT","side":"buy","type":"market","amount":1}""")]
    [InlineData("""{"connection_id":"00000000-0000-0000-0000-000000000001","symbol":"BTC/USDT","side":"buy","type":"market","amount":1}""")]
    [InlineData("""{"CONNECTION","side":"up","type":"market","amount":1}""")]
    public async Task Place_BadRequests_AreProblemsAndSendNothing(string json)
    {
        await SetUpTraderAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/orders") { Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", Session);
        request.Headers.Add("Idempotency-Key", "k1");
        using var response = await Server.Client.SendAsync(request);
        Assert.True((int)response.StatusCode is 400 or 404, $"{(int)response.StatusCode}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(0, OrderRequestsSeen());
    }

    [Fact]
    public async Task Follow_AnOpenOrderThatFillsLater_IsClosedWithItsFill()
    {
        await SetUpTraderAsync();
        var placed = await PlacedAsync("binance", "BTC/USDT", "buy", "limit", 0.01m, 59_500m);
        Assert.Equal("open", placed.GetProperty("state").GetString());
        Sandbox.State.Engine.SetPrice("BTC/USDT", 59_000m);

        await Server.Services.GetRequiredService<OrderReconciler>().ReconcileAsync(followOpen: true, CancellationToken.None);
        var order = await Server.GetJsonAsync($"/api/v1/orders/{placed.GetProperty("id").GetString()}", Session);
        Assert.Equal("closed", order.GetProperty("state").GetString());
        Assert.Equal(0.01m, order.GetProperty("filled").GetDecimal());
        var fills = Sandbox.State.Engine.GetFills(Accounts["binance"].Key.Account);
        Assert.Equal(fills.Sum(f => f.QuoteQuantity), order.GetProperty("filled_cost").GetDecimal());
    }

    [Fact]
    public async Task Place_WhenTheExchangesAnswerIsLost_IsAcceptedAsSentThenSettledWithoutSendingAgain()
    {
        await SetUpTraderAsync();
        // One order first: the markets and prices it needs are then at hand, and only the placement meets the fault.
        await PlacedAsync("coinbase", "BTC/USD", "buy", "limit", 0.01m, 58_000m);
        Sandbox.State.Faults.Set(new FaultPlan { ServerError = new FaultRule(Every: 1) });
        using var response = await PlaceAsync(Order("coinbase", "BTC/USD", "buy", "limit", 0.01m, 59_000m));
        var accepted = await JsonAsync(response, HttpStatusCode.Accepted);
        Assert.Equal("sent", accepted.GetProperty("state").GetString());
        Assert.Contains("not known yet", accepted.GetProperty("error").GetString(), StringComparison.Ordinal);

        // The exchange never had it (the fault answered first): once the in-flight grace is over, it is failed.
        Sandbox.State.Faults.Set(FaultPlan.None);
        var reconciler = Server.Services.GetRequiredService<OrderReconciler>();
        await reconciler.ReconcileAsync(followOpen: false, CancellationToken.None);
        var id = accepted.GetProperty("id").GetString();
        Assert.Equal("sent", (await Server.GetJsonAsync($"/api/v1/orders/{id}", Session)).GetProperty("state").GetString());
        Clock.Advance(OrderReconciler.InFlightGrace + TimeSpan.FromSeconds(1));
        var placements = OrderRequestsSeen();
        await reconciler.ReconcileAsync(followOpen: false, CancellationToken.None);
        Assert.Equal("failed", (await Server.GetJsonAsync($"/api/v1/orders/{id}", Session)).GetProperty("state").GetString());
        Assert.Equal(placements, OrderRequestsSeen());
        Assert.Single(Sandbox.State.Engine.GetOrders(Accounts["coinbase"].Key.Account));
    }

    [Fact]
    public async Task CancelAndCancelAll_OpenOrders_AreCancelledOnTheExchange()
    {
        await SetUpTraderAsync();
        var one = await PlacedAsync("coinbase", "BTC/USD", "buy", "limit", 0.01m, 50_000m);
        await PlacedAsync("coinbase", "BTC/USD", "buy", "limit", 0.01m, 51_000m);
        await PlacedAsync("coinbase", "BTC/USD", "buy", "limit", 0.01m, 52_000m);
        using (var cancel = await SendAsync(HttpMethod.Delete, $"/api/v1/orders/{one.GetProperty("id").GetString()}", null, Session))
        {
            Assert.Equal("canceled", (await JsonAsync(cancel)).GetProperty("state").GetString());
        }

        using (var all = await SendAsync(HttpMethod.Post, "/api/v1/orders/cancel-all", new { connection_id = Accounts["coinbase"].ConnectionId, symbol = "BTC/USD" }, Session))
        {
            Assert.Equal(2, (await JsonAsync(all)).GetProperty("canceled").GetArrayLength());
        }

        Assert.Empty(Sandbox.State.Engine.GetOrders(Accounts["coinbase"].Key.Account, openOnly: true));
        var list = await Server.GetJsonAsync("/api/v1/orders?state=canceled&exchange=coinbase", Session);
        Assert.Equal(3, list.GetProperty("items").GetArrayLength());
    }
}

public sealed class OrderGuardApiSqliteTests : OrderGuardApiTests;

public sealed class OrderGuardApiPostgresTests : OrderGuardApiTests
{
    internal override bool OnPostgres => true;

    [Fact]
    public async Task Place_ConcurrentlyOnTwoNodes_OnlyWhatFitsTheDailyCapIsPlaced()
    {
        await SetUpTraderAsync();
        await using var other = await StartNodeAsync();

        // 0.001 BTC at 59,000 USDT ≈ 59 USD: one order fits a cap of 100 USD; ten at once, five through each node.
        var token = await TradingTokenAsync(new { exchanges = new[] { "binance" }, symbols = new[] { "BTC/USDT" }, daily_volume_cap = 100m });
        var seen = OrderRequestsSeen();
        var responses = await Task.WhenAll(Enumerable.Range(0, 10).Select(i =>
            PlaceAsync(Order("binance", "BTC/USDT", "buy", "limit", 0.001m, 59_000m), token: token, node: i % 2 == 0 ? Server : other)));
        try
        {
            Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Created);
            foreach (var refused in responses.Where(r => r.StatusCode != HttpStatusCode.Created))
            {
                Assert.Equal("daily_volume_cap", (await JsonAsync(refused, HttpStatusCode.Forbidden)).GetProperty("constraint").GetString());
            }

            Assert.Equal(seen + 1, OrderRequestsSeen());
            Assert.Single(Sandbox.State.Engine.GetOrders(Accounts["binance"].Key.Account));
        }
        finally
        {
            foreach (var response in responses)
            {
                response.Dispose();
            }
        }
    }
}
