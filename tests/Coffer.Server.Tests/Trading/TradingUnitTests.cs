using Coffer.Exchanges.Model;
using Coffer.Server.Features.Portfolio;
using Coffer.Server.Features.Tokens;
using Coffer.Server.Features.Trading;

namespace Coffer.Server.Tests.Trading;

/// <summary>The pure pieces of trading: the token-limit guard, client order ids, symbol discovery.</summary>
public sealed class TradingUnitTests
{
    private static OrderCheck Check(decimal? limit = null, decimal? trigger = null, decimal? reference = 100m, decimal? notional = 50m, string exchange = "binance", string symbol = "BTC/USDT") =>
        new(exchange, symbol, limit, trigger, reference, notional, "USD");

    [Fact]
    public void Check_NoLimits_AllowsAnything() => Assert.Null(OrderGuard.Check(null, Check(limit: 1_000_000m, notional: null, reference: null)));

    [Theory]
    [InlineData(105d, null, null)]
    [InlineData(95d, null, null)]
    [InlineData(105.01d, null, "price_band_percent")]
    [InlineData(94.99d, null, "price_band_percent")]
    [InlineData(null, 106d, "price_band_percent")]
    [InlineData(100d, 94d, "price_band_percent")]
    public void Check_PriceBand_IsSymmetricAndCoversTheTrigger(double? limit, double? trigger, string? refused)
    {
        var refusal = OrderGuard.Check(new TradingLimits(PriceBandPercent: 5m), Check(limit: (decimal?)limit, trigger: (decimal?)trigger));
        Assert.Equal(refused, refusal?.Constraint);
    }

    [Fact]
    public void Check_PriceBandWithoutAMarketPrice_Refuses() =>
        Assert.Equal("price_band_percent", OrderGuard.Check(new TradingLimits(PriceBandPercent: 5m), Check(limit: 100m, reference: null))?.Constraint);

    [Fact]
    public void Check_MarketOrderUnderAPriceBand_IsNotJudgedByIt() =>
        Assert.Null(OrderGuard.Check(new TradingLimits(PriceBandPercent: 5m), Check(reference: null)));

    [Theory]
    [InlineData(50d, null)]
    [InlineData(50.01d, "max_order_notional")]
    public void Check_MaxNotional_IsInclusive(double notional, string? refused) =>
        Assert.Equal(refused, OrderGuard.Check(new TradingLimits(MaxOrderNotional: 50m), Check(notional: (decimal)notional))?.Constraint);

    [Fact]
    public void Check_NotionalThatCannotBeConverted_RefusesUnderANotionalLimit() =>
        Assert.Equal("max_order_notional", OrderGuard.Check(new TradingLimits(MaxOrderNotional: 50m), Check(notional: null))?.Constraint);

    [Fact]
    public void Check_ExchangesAndSymbols_AreCaseInsensitiveAllowlists()
    {
        var limits = new TradingLimits(Exchanges: ["Binance"], Symbols: ["btc/usdt"]);
        Assert.Null(OrderGuard.Check(limits, Check()));
        Assert.Equal("exchanges", OrderGuard.Check(limits, Check(exchange: "kraken"))?.Constraint);
        Assert.Equal("symbols", OrderGuard.Check(limits, Check(symbol: "ETH/USDT"))?.Constraint);
    }

    [Theory]
    [InlineData(40d, 60d, null)]
    [InlineData(40d, 60.01d, "daily_volume_cap")]
    public void CheckDailyVolume_CountsWhatWasTradedPlusThisOrder(double traded, double order, string? refused) =>
        Assert.Equal(refused, OrderGuard.CheckDailyVolume(100m, (decimal)traded, (decimal)order, "USD", "tok1")?.Constraint);

    [Fact]
    public void CheckDailyVolume_UnknownValue_Refuses() =>
        Assert.Equal("daily_volume_cap", OrderGuard.CheckDailyVolume(100m, 0, null, "USD", "tok1")?.Constraint);

    [Fact]
    public void ClientOrderIds_SameUserAndKey_SameIdThatEveryExchangeAccepts()
    {
        var user = Guid.NewGuid();
        var id = ClientOrderIds.For(user, "key-1");
        Assert.Equal(id, ClientOrderIds.For(user, "key-1"));
        Assert.NotEqual(id, ClientOrderIds.For(user, "key-2"));
        Assert.NotEqual(id, ClientOrderIds.For(Guid.NewGuid(), "key-1"));

        // Binance ^[a-zA-Z0-9-_]{1,36}$; Kraken a UUID; RFC 9562 version 8, variant 10.
        Assert.Matches("^[a-zA-Z0-9-_]{1,36}$", id);
        Assert.Matches("^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$", id);
    }

    [Fact]
    public void Symbols_AskTheMarketsOfHeldCurrenciesAndOfOrdersSeen()
    {
        static Market M(string b, string q) => new() { Symbol = $"{b}/{q}", Id = b + q, Base = b, Quote = q, BaseId = b, QuoteId = q, AmountStep = 1, PriceTick = 1 };
        var markets = new[] { M("BTC", "USDT"), M("ETH", "BTC"), M("ETH", "USDT"), M("SOL", "EUR"), M("DOGE", "TRY"), M("XRP", "ABC"), M("ADA", "ABC") };
        var held = new HashSet<string>(StringComparer.Ordinal) { "BTC", "ETH", "XRP" };
        var seen = new HashSet<string>(StringComparer.Ordinal) { "ADA/ABC" };
        Assert.Equal(["ADA/ABC", "BTC/USDT", "ETH/BTC", "ETH/USDT"], SymbolDiscovery.Symbols(markets, held, seen));
    }
}
