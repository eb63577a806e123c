using System.Text.Json;
using System.Text.Json.Nodes;
using Coffer.Exchanges.Binance;
using Coffer.Exchanges.Coinbase;
using Coffer.Exchanges.Kraken;
using Coffer.Exchanges.Model;
using Coffer.Exchanges.Tests.Coinbase;
using Coffer.Exchanges.Tests.Conformance;

namespace Coffer.Exchanges.Tests.Core;

/// <summary>
/// <see cref="OrderRules"/>: every rule under both policies on a made-up market, then the same rules on the real market
/// definitions of CCXT's markets files, read through each connector's own parsing (the files keep each exchange's raw
/// answer as <c>info</c>) and checked against numbers taken from the file itself.
/// </summary>
public sealed class OrderRulesTests
{
    // ---- unit tests on one made-up market ----

    private static readonly Market Btc = new()
    {
        Symbol = "BTC/USDT",
        Id = "BTCUSDT",
        Base = "BTC",
        Quote = "USDT",
        BaseId = "BTC",
        QuoteId = "USDT",
        AmountStep = 0.00001m,
        PriceTick = 0.01m,
        MinAmount = 0.0001m,
        MaxAmount = 100m,
        MinPrice = 1m,
        MaxPrice = 1_000_000m,
        MinCost = 5m,
        MaxCost = 2_000_000m,
    };

    [Fact]
    public void Check_AmountOffTheLotStep_IsTruncatedAndTheChangeIsReported()
    {
        var order = Accepted(Limit(0.123456m, 50_000m));

        Assert.Equal(0.12345m, order.Amount);
        Assert.Equal(0.12345m, order.Request.Amount);
        Assert.Equal(["amount 0.123456 truncated to 0.12345 (lot step 0.00001)"], order.Adjustments);
    }

    [Theory]
    [InlineData("50000.004", "50000")]
    [InlineData("50000.005", "50000.01")]
    [InlineData("50000.016", "50000.02")]
    public void Check_PriceOffTheTick_IsRoundedToTheNearestTick(string asked, string expected)
    {
        var order = Accepted(Limit(0.1m, decimal.Parse(asked, System.Globalization.CultureInfo.InvariantCulture)));

        Assert.Equal(decimal.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), order.Price);
        Assert.Equal(order.Price, order.Request.Price);
        Assert.Single(order.Adjustments, a => a.StartsWith("price " + asked + " rounded to ", StringComparison.Ordinal));
    }

    [Fact]
    public void Check_TriggerOffTheTick_IsRoundedToTheNearestTick()
    {
        var order = Accepted(Limit(0.1m, 50_000m) with { Type = OrderType.StopLimit, TriggerPrice = 49_999.996m });

        Assert.Equal(50_000m, order.TriggerPrice);
        Assert.Equal(50_000m, order.Price);
    }

    [Fact]
    public void Check_OnStepValues_AreAcceptedUnchangedUnderBothPolicies()
    {
        var request = Limit(0.12345m, 50_000.01m);

        foreach (var policy in new[] { RoundingPolicy.Round, RoundingPolicy.Strict })
        {
            var order = Accepted(request, policy);
            Assert.Equal(request, order.Request);
            Assert.Empty(order.Adjustments);
        }
    }

    [Theory]
    [InlineData("0.123456", "50000", "amount-step", "0.00001")]
    [InlineData("0.1", "50000.005", "price-tick", "0.01")]
    public void Check_StrictPolicyAndAnOffStepValue_IsRefusedNamingTheStep(string amount, string price, string rule, string step)
    {
        var violation = Refused(Limit(Dec(amount), Dec(price)), RoundingPolicy.Strict);

        Assert.Equal(rule, violation.Rule);
        Assert.Contains("BTC/USDT", violation.Message, StringComparison.Ordinal);
        Assert.Contains(step, violation.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_StrictPolicyAndAnOffTickTrigger_IsRefused()
    {
        var violation = Refused(Limit(0.1m, 50_000m) with { Type = OrderType.StopLimit, TriggerPrice = 49_000.001m }, RoundingPolicy.Strict);

        Assert.Equal(OrderRuleIds.PriceTick, violation.Rule);
        Assert.Contains("trigger price 49000.001", violation.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_AmountThatTruncatesToZero_IsMinAmount()
    {
        var violation = Refused(Limit(0.000004m, 50_000m), market: Btc with { MinAmount = null });

        Assert.Equal(OrderRuleIds.MinAmount, violation.Rule);
        Assert.Contains("0.000004", violation.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_AmountBelowTheMinimumAfterTruncation_IsMinAmountNamingTheMinimum()
    {
        // 0.000109 truncates to 0.0001 on its own; 0.000099 truncates to 0.00009, under the minimum 0.0001.
        var violation = Refused(Limit(0.000099m, 90_000m));

        Assert.Equal(OrderRuleIds.MinAmount, violation.Rule);
        Assert.Contains("0.00009 BTC", violation.Message, StringComparison.Ordinal);
        Assert.Contains("at least 0.0001 BTC", violation.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_AmountAboveTheMaximum_IsMaxAmount()
    {
        var violation = Refused(Limit(100.00001m, 10m));

        Assert.Equal(OrderRuleIds.MaxAmount, violation.Rule);
        Assert.Contains("at most 100 BTC", violation.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0.99", "min-price")]
    [InlineData("0.004", "min-price")]
    [InlineData("1000000.01", "max-price")]
    public void Check_PriceOutsideTheMarketsRange_IsRefused(string price, string rule)
    {
        var violation = Refused(Limit(0.0001m, Dec(price)), market: Btc with { MinCost = null, MaxCost = null });

        Assert.Equal(rule, violation.Rule);
    }

    [Fact]
    public void Check_TriggerOutsideTheMarketsRange_IsRefused()
    {
        var violation = Refused(Stop(0.1m, trigger: 0.5m));

        Assert.Equal(OrderRuleIds.MinPrice, violation.Rule);
        Assert.Contains("trigger price", violation.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_NotionalBelowTheMinimumCost_IsMinCostWithTheAmountThatWouldDo()
    {
        // 0.0001 × 40000 = 4 < 5; 5 / 40000 = 0.000125 BTC, 0.00013 at the lot step 0.00001 (rounded up, to reach 5).
        var violation = Refused(Limit(0.0001m, 40_000m));

        Assert.Equal(OrderRuleIds.MinCost, violation.Rule);
        Assert.Contains("4 USDT", violation.Message, StringComparison.Ordinal);
        Assert.Contains("minimum of 5 USDT", violation.Message, StringComparison.Ordinal);
        Assert.Contains("at least 0.00013 BTC", violation.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_NotionalAboveTheMaximumCost_IsMaxCost()
    {
        var violation = Refused(Limit(40m, 60_000m));

        Assert.Equal(OrderRuleIds.MaxCost, violation.Rule);
    }

    [Fact]
    public void Check_NotionalIsTakenAfterRounding()
    {
        // 0.000125 × 39999.996: rounded to 0.00012 × 40000 = 4.8, under 5, though the asked values make 4.9999995.
        var violation = Refused(Limit(0.000125m, 39_999.996m));

        Assert.Equal(OrderRuleIds.MinCost, violation.Rule);
        Assert.Contains("4.8 USDT", violation.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_StopMarketOrder_ChecksItsNotionalAtTheTrigger()
    {
        Assert.Equal(OrderRuleIds.MinCost, Refused(Stop(0.0001m, trigger: 40_000m)).Rule);
        Assert.Null(Accepted(Stop(0.0001m, trigger: 60_000m)).Price);
    }

    [Fact]
    public void Check_MarketOrderWithoutAReferencePrice_SkipsTheCostCheck()
    {
        var order = Accepted(MarketOrder(0.0001m));

        Assert.Equal(0.0001m, order.Amount);
        Assert.Null(order.Price);
    }

    [Fact]
    public void Check_MarketOrderWithAReferencePrice_ChecksAmountTimesThePrice()
    {
        var violation = Refused(MarketOrder(0.0001m), referencePrice: 40_000m);

        Assert.Equal(OrderRuleIds.MinCost, violation.Rule);
        Assert.Contains("reference price 40000", violation.Message, StringComparison.Ordinal);
        Assert.NotNull(Check(MarketOrder(0.0001m), RoundingPolicy.Round, Btc, 60_000m).Order);
    }

    [Fact]
    public void Check_MarketBuyByValueWithAReferencePrice_ChecksTheQuoteToSpend()
    {
        var violation = Refused(MarketOrder(null) with { Cost = 4.99m }, referencePrice: 50_000m);

        Assert.Equal(OrderRuleIds.MinCost, violation.Rule);
    }

    [Fact]
    public void Check_MarketCostExemption_LetsASmallMarketOrderThrough()
    {
        var sizing = new OrderSizing { MinCostAppliesToMarket = false };

        var result = OrderRules.Check(MarketOrder(0.0001m), Btc, RoundingPolicy.Round, 40_000m, sizing);

        Assert.True(result.IsValid);
        Assert.Equal(OrderRuleIds.MinCost, OrderRules.Check(Limit(0.0001m, 40_000m), Btc, RoundingPolicy.Round, null, sizing).Violation?.Rule);
    }

    [Fact]
    public void Check_CostLimitsOfQuoteSizesOnly_DoNotBoundALimitOrdersNotional()
    {
        var sizing = new OrderSizing { CostLimitsBoundNotional = false };

        Assert.True(OrderRules.Check(Limit(0.0001m, 40_000m), Btc, RoundingPolicy.Round, null, sizing).IsValid);
        Assert.Equal(OrderRuleIds.MinCost, OrderRules.Check(MarketOrder(null) with { Cost = 4m }, Btc, RoundingPolicy.Round, 40_000m, sizing).Violation?.Rule);
    }

    [Fact]
    public void Check_MarketBuyWithAPrice_IsAQuoteToSpendTruncatedToTheQuoteStep()
    {
        var sizing = new OrderSizing { QuoteStep = 0.01m };

        var order = OrderRules.Check(MarketOrder(0.123m) with { Price = 101.11m }, Btc, RoundingPolicy.Round, null, sizing).OrThrow("test");

        // 0.123 × 101.11 = 12.43653 → 12.43.
        Assert.Equal(12.43m, order.QuoteToSpend);
        Assert.Null(order.Amount);
        Assert.Equal((null, null, 12.43m), (order.Request.Amount, order.Request.Price, order.Request.Cost));
        Assert.Equal(["quote to spend 12.43653 truncated to 12.43 (quote step 0.01)"], order.Adjustments);
    }

    [Fact]
    public void Check_StrictPolicyAndAnOffStepQuote_IsCostStep()
    {
        var sizing = new OrderSizing { QuoteStep = 0.01m };

        var result = OrderRules.Check(MarketOrder(null) with { Cost = 12.345m }, Btc, RoundingPolicy.Strict, null, sizing);

        Assert.Equal(OrderRuleIds.CostStep, result.Violation?.Rule);
    }

    [Fact]
    public void Check_QuoteThatTruncatesToZero_IsMinCost()
    {
        var result = OrderRules.Check(MarketOrder(null) with { Cost = 0.004m }, Btc, RoundingPolicy.Round, null, new OrderSizing { QuoteStep = 0.01m });

        Assert.Equal(OrderRuleIds.MinCost, result.Violation?.Rule);
    }

    [Fact]
    public void Check_MarketOrderWithAMarketLotStep_UsesItAndTheMarketMaximum()
    {
        var sizing = new OrderSizing { MarketAmountStep = 0.001m, MarketMaxAmount = 5m };

        var order = OrderRules.Check(MarketOrder(1.23456m), Btc, RoundingPolicy.Round, null, sizing).OrThrow("test");
        var tooLarge = OrderRules.Check(MarketOrder(5.001m), Btc, RoundingPolicy.Round, null, sizing);
        var limit = OrderRules.Check(Limit(5.001m, 10m), Btc, RoundingPolicy.Round, null, sizing);

        Assert.Equal(1.234m, order.Amount);
        Assert.Contains("market lot step 0.001", order.Adjustments.Single(), StringComparison.Ordinal);
        Assert.Equal(OrderRuleIds.MaxAmount, tooLarge.Violation?.Rule);
        Assert.True(limit.IsValid);
    }

    [Fact]
    public void Check_TypeTheMarketDoesNotTake_IsOrderType()
    {
        var market = Btc with { OrderTypes = new HashSet<OrderType> { OrderType.Limit, OrderType.Market } };

        var violation = Refused(Stop(0.1m, 60_000m), market: market);

        Assert.Equal(OrderRuleIds.OrderType, violation.Rule);
        Assert.Contains("StopLoss", violation.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_InactiveMarket_IsMarketInactive()
    {
        Assert.Equal(OrderRuleIds.MarketInactive, Refused(Limit(0.1m, 50_000m), market: Btc with { Active = false }).Rule);
    }

    [Theory]
    [InlineData("Limit", "missing-price")]
    [InlineData("StopLimit", "missing-price")]
    [InlineData("TakeProfitLimit", "missing-price")]
    [InlineData("StopLoss", "missing-trigger")]
    [InlineData("TakeProfit", "missing-trigger")]
    public void Check_PriceOrTriggerMissing_IsRefused(string typeName, string rule)
    {
        var type = Enum.Parse<OrderType>(typeName);
        var request = new OrderRequest { Symbol = "BTC/USDT", Side = OrderSide.Buy, Type = type, Amount = 0.1m, TriggerPrice = rule == "missing-price" ? 60_000m : null };

        Assert.Equal(rule, Refused(request).Rule);
    }

    [Fact]
    public void Check_StopLimitWithoutATrigger_IsMissingTrigger()
    {
        Assert.Equal(OrderRuleIds.MissingTrigger, Refused(Limit(0.1m, 50_000m) with { Type = OrderType.StopLimit }).Rule);
    }

    [Theory]
    [InlineData("Limit", null, null)]
    [InlineData("Limit", "0", null)]
    [InlineData("Limit", "0.1", "10")]
    [InlineData("Market", null, null)]
    [InlineData("Market", "0.1", "10")]
    public void Check_SizeMissingOrContradictory_IsInvalidSize(string typeName, string? amount, string? cost)
    {
        var type = Enum.Parse<OrderType>(typeName);
        var request = new OrderRequest { Symbol = "BTC/USDT", Side = OrderSide.Buy, Type = type, Amount = amount is null ? null : Dec(amount), Cost = cost is null ? null : Dec(cost), Price = type == OrderType.Limit ? 50_000m : null };

        Assert.Equal(OrderRuleIds.InvalidSize, Refused(request).Rule);
    }

    [Fact]
    public void Check_MarketSellWithAPrice_IsInvalidSize()
    {
        Assert.Equal(OrderRuleIds.InvalidSize, Refused(MarketOrder(0.1m) with { Side = OrderSide.Sell, Price = 50_000m }).Rule);
    }

    [Fact]
    public void Check_PriceOnAStopMarketOrder_IsIgnoredAndSaidSo()
    {
        var order = Accepted(Stop(0.1m, 60_000m) with { Price = 59_000m });

        Assert.Null(order.Price);
        Assert.Null(order.Request.Price);
        Assert.Contains(order.Adjustments, a => a.StartsWith("price 59000 ignored", StringComparison.Ordinal));
    }

    [Fact]
    public void OrThrow_AViolation_IsAnInvalidOrderCarryingItsMessage()
    {
        var result = Check(Limit(0.00001m, 50_000m), RoundingPolicy.Round, Btc, null);

        var error = Assert.Throws<ExchangeException>(() => result.OrThrow("binance"));

        Assert.Equal(ExchangeErrorKind.InvalidOrder, error.Kind);
        Assert.Equal("binance", error.Exchange);
        Assert.False(error.IsTransient);
        Assert.Equal(result.Violation!.Message, error.Message);
    }

    // ---- the connectors throw the rules' message ----

    [Fact]
    public async Task Connectors_AnAmountUnderTheMinimum_ThrowTheRulesMessageBeforeAnyRequest()
    {
        var binanceMarket = LtcMarket();
        var krakenMarket = KrakenMarkets().Single(m => m.Symbol == "ADA/USDT");
        var coinbaseMarket = CoinbaseTestSupport.Markets.Single(m => m.Symbol == "ADA/USDT");
        var request = new OrderRequest { Symbol = "ADA/USDT", Side = OrderSide.Buy, Type = OrderType.Limit, Amount = 0.004m, Price = 0.5m };
        var handler = ScriptedHandler.Answering("{}");
        using var http = new HttpClient(handler);

        var binance = Assert.Throws<ExchangeException>(() => BinanceOrders.Parameters(request with { Symbol = "LTC/USDT" }, binanceMarket));
        var kraken = Assert.Throws<ExchangeException>(() => KrakenOrders.Build(krakenMarket, request));
        var coinbase = await Assert.ThrowsAsync<ExchangeException>(() => CoinbaseTestSupport.Client(http, null).CreateOrderAsync(request, default));

        Assert.Equal(OrderRules.Check(request with { Symbol = "LTC/USDT" }, binanceMarket, RoundingPolicy.Round, null, BinanceOrders.Sizing(binanceMarket)).Violation!.Message, binance.Message);
        Assert.Equal(OrderRules.Check(request, krakenMarket, RoundingPolicy.Round, null).Violation!.Message, kraken.Message);
        Assert.Equal(OrderRules.Check(request, coinbaseMarket, RoundingPolicy.Round, null, CoinbaseClient.Sizing(coinbaseMarket)).Violation!.Message, coinbase.Message);
        Assert.All([binance, kraken, coinbase], e => Assert.Equal(ExchangeErrorKind.InvalidOrder, e.Kind));
        Assert.All([binance, kraken, coinbase], e => Assert.Contains("ADA/USDT", e.Message.Replace("LTC/USDT", "ADA/USDT", StringComparison.Ordinal), StringComparison.Ordinal));
        Assert.All([binance, kraken, coinbase], e => Assert.Contains("order at least", e.Message, StringComparison.Ordinal));
        Assert.Empty(handler.Requests);
    }

    [Fact]
    public async Task Connectors_StrictRounding_RefuseAnOffStepAmountThatTheyWouldOtherwiseTruncate()
    {
        var krakenMarket = KrakenMarkets().Single(m => m.Symbol == "BTC/USDT");
        var request = new OrderRequest { Symbol = "BTC/USDT", Side = OrderSide.Buy, Type = OrderType.Limit, Amount = 0.0123456m, Price = 60_000m, ClientOrderId = "c1" };
        var coinbaseRequest = request with { Symbol = "ADA/USDT", Amount = 12.345m, Price = 0.5m };
        var handler = ScriptedHandler.Answering("{}");
        using var http = new HttpClient(handler);

        var binanceRounded = BinanceOrders.Parameters(request with { Symbol = "LTC/USDT" }, LtcMarket()).ToDictionary(p => p.Key, p => p.Value);
        var binance = Assert.Throws<ExchangeException>(() => BinanceOrders.Parameters(request with { Symbol = "LTC/USDT", Rounding = RoundingPolicy.Strict }, LtcMarket()));
        var kraken = Assert.Throws<ExchangeException>(() => KrakenOrders.Build(krakenMarket, request with { Amount = 0.000123456789m, Rounding = RoundingPolicy.Strict }));
        var coinbase = await Assert.ThrowsAsync<ExchangeException>(() => CoinbaseTestSupport.Client(http, null).CreateOrderAsync(coinbaseRequest with { Rounding = RoundingPolicy.Strict }, default));

        Assert.Equal("0.012", binanceRounded["quantity"]);
        Assert.All([binance, kraken, coinbase], e => Assert.Contains("not a multiple of the lot step", e.Message, StringComparison.Ordinal));
        Assert.Empty(handler.Requests);
    }

    // ---- the real markets of CCXT's markets files, through each connector's own parsing ----

    public static TheoryData<string, string> RealMarkets() => new()
    {
        { "binance", "BTC/USDT" },
        { "binance", "ADA/USDT" },
        { "binance", "XRP/USDT" },
        { "binance", "DOGE/USDT" },
        { "kraken", "BTC/USDT" },
        { "kraken", "ADA/USDT" },
        { "kraken", "DOGE/USDT" },
        { "kraken", "XRP/USD" },
        { "coinbase", "BTC/USDC" },
        { "coinbase", "ADA/USDT" },
        { "coinbase", "DOGE/USDT" },
        { "coinbase", "XRP/USDT" },
    };

    [Theory]
    [MemberData(nameof(RealMarkets))]
    public void Check_RealMarketAmountOffTheStep_IsTruncatedToTheFilesStep(string exchange, string symbol)
    {
        var (market, sizing, facts) = Real(exchange, symbol);
        var expected = facts.AmountStep * (Multiple(facts.MinAmount, facts.AmountStep) + 7);
        var asked = expected + (facts.AmountStep * 0.37m);
        var price = NotionalPrice(facts, expected);

        var order = OrderRules.Check(Limit(asked, price, symbol), market, RoundingPolicy.Round, null, sizing).OrThrow(exchange);
        var strict = OrderRules.Check(Limit(asked, price, symbol), market, RoundingPolicy.Strict, null, sizing);

        Assert.Equal(expected, order.Amount);
        Assert.Equal(price, order.Price);
        Assert.Equal(OrderRuleIds.AmountStep, strict.Violation?.Rule);
    }

    [Theory]
    [MemberData(nameof(RealMarkets))]
    public void Check_RealMarketPriceOffTheTick_IsRoundedToTheNearestTick(string exchange, string symbol)
    {
        var (market, sizing, facts) = Real(exchange, symbol);
        var amount = facts.AmountStep * (Multiple(facts.MinAmount, facts.AmountStep) + 7);
        var price = NotionalPrice(facts, amount);

        var down = OrderRules.Check(Limit(amount, price + (facts.PriceTick * 0.4m), symbol), market, RoundingPolicy.Round, null, sizing).OrThrow(exchange);
        var up = OrderRules.Check(Limit(amount, price + (facts.PriceTick * 0.6m), symbol), market, RoundingPolicy.Round, null, sizing).OrThrow(exchange);
        var strict = OrderRules.Check(Limit(amount, price + (facts.PriceTick * 0.4m), symbol), market, RoundingPolicy.Strict, null, sizing);

        Assert.Equal(price, down.Price);
        Assert.Equal(price + facts.PriceTick, up.Price);
        Assert.Equal(OrderRuleIds.PriceTick, strict.Violation?.Rule);
    }

    [Theory]
    [MemberData(nameof(RealMarkets))]
    public void Check_RealMarketAmountUnderTheMinimum_IsMinAmount(string exchange, string symbol)
    {
        var (market, sizing, facts) = Real(exchange, symbol);
        var minimum = facts.MinAmount ?? facts.AmountStep;

        // Half the minimum: on markets whose minimum is one step it truncates to 0, elsewhere it stays under the minimum.
        var result = OrderRules.Check(Limit(minimum / 2, NotionalPrice(facts, minimum), symbol), market, RoundingPolicy.Round, null, sizing);

        Assert.Equal(OrderRuleIds.MinAmount, result.Violation?.Rule);
        Assert.Contains(symbol, result.Violation!.Message, StringComparison.Ordinal);
        Assert.Contains(Precision.Format(minimum), result.Violation.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(RealMarkets))]
    public void Check_RealMarketNotionalUnderTheMinimumCost_IsRefusedWhereTheExchangeBoundsTheNotional(string exchange, string symbol)
    {
        var (market, sizing, facts) = Real(exchange, symbol);
        var amount = facts.MinAmount ?? facts.AmountStep;
        var minCost = facts.MinCost ?? throw new InvalidOperationException($"{exchange} {symbol}: the file states no minimum cost.");

        // An on-tick price making amount × price about half the minimum cost, and the smallest on-tick one reaching it.
        var under = facts.PriceTick * decimal.Floor(minCost / 2 / amount / facts.PriceTick);
        var enough = facts.PriceTick * decimal.Ceiling(minCost / amount / facts.PriceTick);

        var refused = OrderRules.Check(Limit(amount, under, symbol), market, RoundingPolicy.Round, null, sizing);
        var accepted = OrderRules.Check(Limit(amount, enough, symbol), market, RoundingPolicy.Round, null, sizing);
        var byValue = OrderRules.Check(MarketOrder(null, symbol) with { Cost = minCost / 2 }, market, RoundingPolicy.Round, enough, sizing);

        Assert.True(accepted.IsValid, accepted.Violation?.Message);
        Assert.Equal(OrderRuleIds.MinCost, byValue.Violation?.Rule);
        if (facts.CostBoundsNotional)
        {
            Assert.Equal(OrderRuleIds.MinCost, refused.Violation?.Rule);
            Assert.Contains(Precision.Format(minCost), refused.Violation!.Message, StringComparison.Ordinal);
        }
        else
        {
            // Coinbase: quote_min_size bounds a quote_size, not a base_size order's notional (OrderSizing.CostLimitsBoundNotional).
            Assert.True(refused.IsValid, refused.Violation?.Message);
        }
    }

    [Theory]
    [InlineData("BTC/USDT")]
    [InlineData("ADA/USDT")]
    [InlineData("TRX/USDT")]
    public void BinanceOrders_RealMarket_SendsTheTruncatedQuantityAndTheRoundedPrice(string symbol)
    {
        var (market, _, facts) = Real("binance", symbol);
        var amount = facts.AmountStep * (Multiple(facts.MinAmount, facts.AmountStep) + 3);
        var price = NotionalPrice(facts, amount);
        var request = Limit(amount + (facts.AmountStep / 2), price + (facts.PriceTick * 0.7m), symbol);

        var p = BinanceOrders.Parameters(request, market).ToDictionary(x => x.Key, x => x.Value);

        Assert.Equal(Precision.Format(amount), p["quantity"]);
        Assert.Equal(Precision.Format(price + facts.PriceTick), p["price"]);
    }

    [Theory]
    [InlineData("ETH/USDT")]
    [InlineData("LTC/USDT")]
    public void KrakenOrders_RealMarket_SendsTheTruncatedVolumeAndTheRoundedPrice(string symbol)
    {
        var (market, _, facts) = Real("kraken", symbol);
        var amount = facts.AmountStep * (Multiple(facts.MinAmount, facts.AmountStep) + 3);
        var price = NotionalPrice(facts, amount);

        var order = KrakenOrders.Build(market, Limit(amount + (facts.AmountStep / 2), price + (facts.PriceTick * 0.3m), symbol));

        Assert.Equal(amount, order.Volume);
        Assert.Equal(price, order.Price);
    }

    [Theory]
    [InlineData("online", true, null)]
    [InlineData("limit_only", true, "market-order-refused")]
    [InlineData("post_only", true, "market-order-refused")]
    [InlineData("cancel_only", false, "market-inactive")]
    [InlineData("reduce_only", false, "market-inactive")]
    public void KrakenStatus_DecidesWhichOrdersTheRulesLetThrough(string status, bool active, string? marketOrder)
    {
        var info = ConformanceData.Load("ccxt", "markets", "kraken.json")["BTC/USDT"]!["info"]!.DeepClone();
        info["status"] = status;

        var market = KrakenParsing.Market("XBTUSDT", info)!;
        var limit = OrderRules.Check(Limit(0.001m, 60_000m), market, RoundingPolicy.Round, null);
        var byMarket = OrderRules.Check(MarketOrder(0.001m), market, RoundingPolicy.Round, null);

        // AssetPairs status (exchanges.md §2.4): limit_only and post_only take limit orders only.
        Assert.Equal(active, market.Active);
        Assert.Equal(active, limit.IsValid);
        Assert.Equal(marketOrder switch { null => null, "market-order-refused" => OrderRuleIds.OrderType, _ => marketOrder }, byMarket.Violation?.Rule);
    }

    [Fact]
    public void BinanceSizing_NotionalFlagsAndMarketLotSize_ComeFromTheFilters()
    {
        using var doc = JsonDocument.Parse("""
            {"symbols":[{"symbol":"LTCUSDT","status":"TRADING","baseAsset":"LTC","quoteAsset":"USDT","isSpotTradingAllowed":true,
              "filters":[{"filterType":"PRICE_FILTER","minPrice":"0.01","maxPrice":"100000","tickSize":"0.01"},
                         {"filterType":"LOT_SIZE","minQty":"0.001","maxQty":"90000","stepSize":"0.001"},
                         {"filterType":"MARKET_LOT_SIZE","minQty":"0","maxQty":"5000","stepSize":"0.01"},
                         {"filterType":"NOTIONAL","minNotional":"5","applyMinToMarket":false,"maxNotional":"9000000","applyMaxToMarket":false}]}]}
            """);
        var market = Assert.Single(BinanceParsing.Markets(doc.RootElement));

        var sizing = BinanceOrders.Sizing(market);

        Assert.Equal(new OrderSizing { MarketAmountStep = 0.01m, MarketMaxAmount = 5000m, QuoteStep = 0.01m, MinCostAppliesToMarket = false, MaxCostAppliesToMarket = false }, sizing);
        Assert.True(OrderRules.Check(MarketOrder(0.01m, "LTC/USDT"), market, RoundingPolicy.Round, 60m, sizing).IsValid);
    }

    /// <summary>A market's rules as the markets file writes them (CCXT's unified precision and limits, or the exchange's own numbers in info).</summary>
    private sealed record Facts(decimal AmountStep, decimal PriceTick, decimal? MinAmount, decimal? MinCost, bool CostBoundsNotional);

    /// <summary>The market as the connector parses the exchange's own answer kept in the file, and the file's numbers.</summary>
    private static (Market Market, OrderSizing Sizing, Facts Facts) Real(string exchange, string symbol)
    {
        var node = ConformanceData.Load("ccxt", "markets", exchange + ".json")[symbol] ?? throw new KeyNotFoundException($"{exchange} {symbol}");
        var info = node["info"]!;
        var precision = node["precision"]!;
        var limits = node["limits"]!;
        decimal? Num(JsonNode? n) => CcxtMarkets.Number(n) is { } v and > 0 ? v : null;

        switch (exchange)
        {
            case "binance":
                {
                    // Binance's markets file writes precision as digit counts.
                    using var doc = JsonDocument.Parse(new JsonObject { ["symbols"] = new JsonArray(info.DeepClone()) }.ToJsonString());
                    var market = Assert.Single(BinanceParsing.Markets(doc.RootElement));
                    var facts = new Facts(StepOfDigits(precision["amount"]), StepOfDigits(precision["price"]), Num(limits["amount"]?["min"]), Num(limits["cost"]?["min"]), true);
                    return (market, BinanceOrders.Sizing(market), facts);
                }

            case "kraken":
                {
                    var market = KrakenParsing.Market(node["id"]!.GetValue<string>(), info)!;

                    // CCXT's file leaves most Kraken cost limits empty; Kraken's own costmin is in info.
                    var facts = new Facts(Num(precision["amount"])!.Value, Num(precision["price"])!.Value, Num(limits["amount"]?["min"]), Num(info["costmin"]), true);
                    return (market, OrderSizing.Default, facts);
                }

            case "coinbase":
                {
                    var market = CoinbaseParsing.Market(info)!;
                    var facts = new Facts(Num(precision["amount"])!.Value, Num(precision["price"])!.Value, Num(limits["amount"]?["min"]), Num(limits["cost"]?["min"]), false);
                    return (market, CoinbaseClient.Sizing(market), facts);
                }

            default:
                throw new ArgumentOutOfRangeException(nameof(exchange), exchange, null);
        }
    }

    /// <summary>An on-tick price at which <paramref name="amount"/> is worth about twice the minimum cost (or 100 ticks).</summary>
    private static decimal NotionalPrice(Facts facts, decimal amount) =>
        facts.MinCost is { } min ? facts.PriceTick * decimal.Ceiling(2 * min / amount / facts.PriceTick) : facts.PriceTick * 100;

    private static decimal Multiple(decimal? minimum, decimal step) => minimum is { } m ? decimal.Ceiling(m / step) : 1;

    /// <summary>A digit count as a step: 2 → 0.01, 0 → 1.</summary>
    private static decimal StepOfDigits(JsonNode? digits)
    {
        var step = 1m;
        for (var i = 0; i < (int)(CcxtMarkets.Number(digits) ?? throw new InvalidDataException("No precision.")); i++)
        {
            step /= 10;
        }

        return step;
    }

    private static IReadOnlyList<Market> KrakenMarkets() => CcxtMarkets.Load("kraken", CcxtPrecisionMode.TickSize);

    private static Market LtcMarket() => Binance.BinanceTestClient.LtcUsdt with { MinAmount = 0.01m };

    private static OrderRequest Limit(decimal amount, decimal price, string symbol = "BTC/USDT") =>
        new() { Symbol = symbol, Side = OrderSide.Buy, Type = OrderType.Limit, Amount = amount, Price = price };

    private static OrderRequest Stop(decimal amount, decimal trigger) =>
        new() { Symbol = "BTC/USDT", Side = OrderSide.Sell, Type = OrderType.StopLoss, Amount = amount, TriggerPrice = trigger };

    private static OrderRequest MarketOrder(decimal? amount, string symbol = "BTC/USDT") =>
        new() { Symbol = symbol, Side = OrderSide.Buy, Type = OrderType.Market, Amount = amount };

    private static OrderRulesResult Check(OrderRequest request, RoundingPolicy policy, Market market, decimal? referencePrice) =>
        OrderRules.Check(request, market, policy, referencePrice);

    private static CheckedOrder Accepted(OrderRequest request, RoundingPolicy policy = RoundingPolicy.Round)
    {
        var result = Check(request, policy, Btc, null);
        Assert.True(result.IsValid, result.Violation?.Message);
        return result.Order;
    }

    private static OrderRuleViolation Refused(OrderRequest request, RoundingPolicy policy = RoundingPolicy.Round, Market? market = null, decimal? referencePrice = null)
    {
        var result = Check(request, policy, market ?? Btc, referencePrice);
        Assert.False(result.IsValid, "accepted: " + result.Order?.Request);
        return result.Violation;
    }

    private static decimal Dec(string text) => decimal.Parse(text, System.Globalization.CultureInfo.InvariantCulture);
}
