using Coffer.Exchanges.Model;
using Coffer.Server.Features.Portfolio.Analytics;

namespace Coffer.Server.Tests.Portfolio.Analytics;

public sealed class ConversionGraphTests
{
    private static readonly DateTimeOffset T0 = new(2024, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private static (string, Ticker) T(string exchange, string symbol, decimal? last, DateTimeOffset? at = null, decimal? bid = null, decimal? ask = null) =>
        (exchange, new Ticker { Symbol = symbol, Last = last, Bid = bid, Ask = ask, Timestamp = at ?? T0 });

    private static ConversionGraph Graph(params (string, Ticker)[] tickers) => new(tickers);

    [Fact]
    public void Price_SameAssetAndCurrency_OneWithNoHops()
    {
        var result = Graph().Price("BTC", "BTC", null);

        Assert.NotNull(result);
        Assert.Equal(1m, result.Price);
        Assert.Empty(result.Hops);
        Assert.Null(result.AsOf);
    }

    [Fact]
    public void Price_DirectPair_UsesLastWithOneHop()
    {
        var result = Graph(T("kraken", "BTC/USD", 60000m, bid: 1m, ask: 2m)).Price("BTC", "USD", null);

        Assert.NotNull(result);
        Assert.Equal(60000m, result.Price);
        var hop = Assert.Single(result.Hops);
        Assert.Equal(("kraken", "BTC/USD", "BTC", "USD", 60000m, false), (hop.Exchange, hop.Symbol, hop.From, hop.To, hop.Price, hop.Inverted));
        Assert.Equal(T0, hop.Timestamp);
        Assert.Equal(T0, result.AsOf);
    }

    [Fact]
    public void Price_NoLast_UsesBidAskMidpoint()
    {
        var result = Graph(T("kraken", "ETH/USD", null, bid: 1999m, ask: 2001m)).Price("ETH", "USD", null);

        Assert.Equal(2000m, result?.Price);
    }

    [Fact]
    public void Price_NonPositiveLast_FallsBackToMidpoint()
    {
        var result = Graph(T("kraken", "ETH/USD", 0m, bid: 10m, ask: 11m)).Price("ETH", "USD", null);

        Assert.Equal(10.5m, result?.Price);
    }

    [Fact]
    public void Price_NoUsablePrice_Null()
    {
        var graph = Graph(T("kraken", "ETH/USD", 0m, bid: 10m, ask: null), T("binance", "ETH/USD", -1m, bid: 0m, ask: 5m));

        Assert.Null(graph.Price("ETH", "USD", null));
    }

    [Fact]
    public void Price_InvertedPair_ReciprocalWithInvertedHop()
    {
        var result = Graph(T("kraken", "BTC/USD", 50000m)).Price("USD", "BTC", null);

        Assert.NotNull(result);
        Assert.Equal(0.00002m, result.Price);
        var hop = Assert.Single(result.Hops);
        Assert.True(hop.Inverted);
        Assert.Equal(50000m, hop.Price);
        Assert.Equal(0.00002m, hop.Rate);
        Assert.Equal(("USD", "BTC"), (hop.From, hop.To));
    }

    [Fact]
    public void Price_OneBridge_MultipliesTwoHops()
    {
        var graph = Graph(T("binance", "ETH/USDT", 2000m), T("kraken", "USDT/EUR", 0.9m));

        var result = graph.Price("ETH", "EUR", null);

        Assert.NotNull(result);
        Assert.Equal(1800m, result.Price);
        Assert.Equal(["ETH/USDT", "USDT/EUR"], result.Hops.Select(h => h.Symbol));
    }

    [Fact]
    public void Price_TwoBridges_ThreeHops()
    {
        var graph = Graph(T("kraken", "XYZ/BTC", 0.0001m), T("kraken", "BTC/USDT", 60000m), T("kraken", "USDT/EUR", 0.92m));

        var result = graph.Price("XYZ", "EUR", null);

        Assert.NotNull(result);
        Assert.Equal(5.52m, result.Price);
        Assert.Equal(["XYZ", "BTC", "USDT"], result.Hops.Select(h => h.From));
    }

    [Fact]
    public void Price_PathNeedsThreeBridges_Null()
    {
        var graph = Graph(
            T("kraken", "XYZ/BTC", 0.0001m),
            T("kraken", "BTC/USDT", 60000m),
            T("kraken", "USDT/USD", 1m),
            T("kraken", "USD/EUR", 0.9m));

        Assert.Null(graph.Price("XYZ", "EUR", null));
        Assert.NotNull(graph.Price("XYZ", "USD", null));
    }

    [Fact]
    public void Price_UsdtInUsd_PricedThroughRealPairNotAssumedOne()
    {
        var graph = Graph(T("kraken", "BTC/USDT", 60000m), T("kraken", "BTC/USD", 60300m));

        var result = graph.Price("USDT", "USD", null);

        Assert.NotNull(result);
        Assert.Equal(1.005m, result.Price);
        Assert.Collection(
            result.Hops,
            h => Assert.Equal(("BTC/USDT", true), (h.Symbol, h.Inverted)),
            h => Assert.Equal(("BTC/USD", false), (h.Symbol, h.Inverted)));
    }

    [Fact]
    public void Price_UsdtQuotedAssetInUsd_GoesThroughUsdtToUsdRate()
    {
        var graph = Graph(T("binance", "ETH/USDT", 2000m), T("kraken", "BTC/USDT", 60000m), T("kraken", "BTC/USD", 60300m));

        var result = graph.Price("ETH", "USD", null);

        Assert.NotNull(result);
        Assert.Equal(2010m, result.Price);
        Assert.Equal(["ETH/USDT", "BTC/USDT", "BTC/USD"], result.Hops.Select(h => h.Symbol));
    }

    [Fact]
    public void Price_IntermediateNotBridge_NullUnlessConfigured()
    {
        (string, Ticker)[] tickers = [T("kraken", "ABC/ETH", 0.5m), T("kraken", "ETH/USD", 3000m)];

        Assert.Null(new ConversionGraph(tickers).Price("ABC", "USD", null));
        Assert.Equal(1500m, new ConversionGraph(tickers, ["ETH"]).Price("ABC", "USD", null)?.Price);
    }

    [Fact]
    public void Price_SamePairOnTwoExchanges_PrefersExchangeElseOrdinalName()
    {
        var graph = Graph(T("kraken", "BTC/USD", 60000m), T("bitstamp", "BTC/USD", 60100m));

        Assert.Equal(60100m, graph.Price("BTC", "USD", null)?.Price);
        Assert.Equal(60000m, graph.Price("BTC", "USD", "kraken")?.Price);
        Assert.Equal("kraken", Assert.Single(graph.Price("BTC", "USD", "kraken")!.Hops).Exchange);
    }

    [Fact]
    public void Price_EqualLengthPaths_PreferredExchangeBeatsBridgeOrder()
    {
        var graph = Graph(
            T("binance", "ETH/USDT", 2000m),
            T("binance", "USDT/EUR", 0.9m),
            T("kraken", "ETH/BTC", 0.05m),
            T("kraken", "BTC/EUR", 40000m));

        // Without a preference USDT comes before BTC in the bridge order.
        Assert.Equal(1800m, graph.Price("ETH", "EUR", null)?.Price);
        Assert.Equal(2000m, graph.Price("ETH", "EUR", "kraken")?.Price);
        Assert.Equal(1800m, graph.Price("ETH", "EUR", "binance")?.Price);
    }

    [Fact]
    public void Price_ShorterPathOnOtherExchange_BeatsPreferredLongerPath()
    {
        var graph = Graph(T("binance", "ETH/EUR", 1850m), T("kraken", "ETH/BTC", 0.05m), T("kraken", "BTC/EUR", 40000m));

        var result = graph.Price("ETH", "EUR", "kraken");

        Assert.Equal(1850m, result?.Price);
        Assert.Equal("binance", Assert.Single(result!.Hops).Exchange);
    }

    [Fact]
    public void Price_BridgeOrderConfigured_FollowsConfiguredOrder()
    {
        (string, Ticker)[] tickers =
        [
            T("kraken", "ETH/USDT", 2000m), T("kraken", "USDT/EUR", 0.9m),
            T("kraken", "ETH/BTC", 0.05m), T("kraken", "BTC/EUR", 40000m),
        ];

        Assert.Equal(1800m, new ConversionGraph(tickers).Price("ETH", "EUR", null)?.Price);
        Assert.Equal(2000m, new ConversionGraph(tickers, ["BTC", "USDT"]).Price("ETH", "EUR", null)?.Price);
    }

    [Fact]
    public void Price_PairListedBothWaysOnOneExchange_DirectReadingBeforeInverted()
    {
        var graph = Graph(T("kraken", "BTC/USD", 60000m), T("kraken", "USD/BTC", 0.00002m));

        var result = graph.Price("BTC", "USD", null);

        Assert.Equal(60000m, result?.Price);
        Assert.False(Assert.Single(result!.Hops).Inverted);
    }

    [Fact]
    public void Price_StaleHop_AsOfIsOldestHopTime()
    {
        var fresh = T0.AddMinutes(10);
        var stale = T0.AddHours(-3);
        var graph = Graph(T("binance", "ETH/USDT", 2000m, fresh), T("kraken", "USDT/EUR", 0.9m, stale));

        var result = graph.Price("ETH", "EUR", null);

        Assert.Equal(stale, result?.AsOf);
        Assert.Equal([fresh, stale], result!.Hops.Select(h => h.Timestamp!.Value));
    }

    [Fact]
    public void Price_HopWithoutTime_AsOfUnknown()
    {
        var graph = new ConversionGraph(
        [
            ("binance", new Ticker { Symbol = "ETH/USDT", Last = 2000m, Timestamp = T0 }),
            ("kraken", new Ticker { Symbol = "USDT/EUR", Last = 0.9m }),
        ]);

        var result = graph.Price("ETH", "EUR", null);

        Assert.Equal(1800m, result?.Price);
        Assert.Null(result!.AsOf);
    }

    [Fact]
    public void Price_SameTickerTwice_NewestReadingWins()
    {
        var graph = Graph(T("kraken", "BTC/USD", 60000m, T0), T("kraken", "BTC/USD", 61000m, T0.AddSeconds(5)), T("kraken", "BTC/USD", 59000m, T0.AddSeconds(-5)));

        Assert.Equal(61000m, graph.Price("BTC", "USD", null)?.Price);
    }

    [Fact]
    public void Price_UnknownAsset_Null()
    {
        var graph = Graph(T("kraken", "BTC/USD", 60000m));

        Assert.Null(graph.Price("DOGE", "USD", null));
        Assert.Null(graph.Rate("DOGE", "USD"));
    }

    [Fact]
    public void Price_DerivativeOrMalformedSymbol_Ignored()
    {
        var graph = Graph(T("binance", "BTC/USDT:USDT", 60000m), T("binance", "BTCUSDT", 60000m), T("binance", "BTC/", 60000m));

        Assert.Null(graph.Price("BTC", "USDT", null));
    }

    [Fact]
    public void Price_ProductOutsideDecimalRange_PathNotUsed()
    {
        var graph = Graph(T("x", "AAA/BTC", 1e10m), T("x", "BTC/USDT", 1e10m), T("x", "USDT/EUR", 1e10m));

        Assert.Null(graph.Price("AAA", "EUR", null));
        Assert.Equal(1e20m, graph.Price("AAA", "USDT", null)?.Price);
    }

    [Fact]
    public void Rate_Path_EqualsPrice()
    {
        var graph = Graph(T("binance", "ETH/USDT", 2000m), T("kraken", "USDT/EUR", 0.9m));

        Assert.Equal(1800m, graph.Rate("ETH", "EUR"));
        Assert.Equal(1m, graph.Rate("EUR", "EUR"));
    }
}
