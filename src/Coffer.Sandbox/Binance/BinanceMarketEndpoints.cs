using Coffer.Sandbox.Engine;
using static Coffer.Sandbox.Binance.BinanceJson;

namespace Coffer.Sandbox.Binance;

/// <summary>Public market data (rest-api.md "General endpoints", "Market Data endpoints"); weights as documented.</summary>
internal static class BinanceMarketEndpoints
{
    private static readonly string[] OrderTypes =
        ["LIMIT", "LIMIT_MAKER", "MARKET", "STOP_LOSS", "STOP_LOSS_LIMIT", "TAKE_PROFIT", "TAKE_PROFIT_LIMIT"];

    public static void Map(IEndpointRouteBuilder app, BinanceFront front)
    {
        app.MapGet("/api/v3/ping", front.Endpoint(BinanceSecurity.None, _ => 1, _ => Ok(new { })));
        app.MapGet("/api/v3/time", front.Endpoint(BinanceSecurity.None, _ => 1, Time));
        app.MapGet("/api/v3/exchangeInfo", front.Endpoint(BinanceSecurity.None, _ => 20, ExchangeInfo));
        app.MapGet("/api/v3/ticker/price", front.Endpoint(BinanceSecurity.None, ManyWeight(2, 4), TickerPrice));
        app.MapGet("/api/v3/ticker/bookTicker", front.Endpoint(BinanceSecurity.None, ManyWeight(2, 4), BookTicker));
        app.MapGet("/api/v3/ticker/24hr", front.Endpoint(BinanceSecurity.None, ManyWeight(2, 80), Ticker24h));
    }

    private static Func<BinanceRequest, int> ManyWeight(int one, int many) => r => r.Has("symbol") ? one : many;

    private static IResult Time(BinanceRequest request) => Ok(new { serverTime = Ms(request.State.Clock.GetUtcNow()) });

    private static IResult ExchangeInfo(BinanceRequest request)
    {
        var markets = request.SymbolSelection() ?? request.Engine.Markets;
        var options = request.State.Options.Binance;
        return Ok(new
        {
            timezone = "UTC",
            serverTime = Ms(request.State.Clock.GetUtcNow()),
            rateLimits = new object[]
            {
                new { rateLimitType = "REQUEST_WEIGHT", interval = "MINUTE", intervalNum = 1, limit = options.RequestWeightPerMinute },
            },
            exchangeFilters = Array.Empty<object>(),
            symbols = markets.Select(SymbolInfo).ToArray(),
        });
    }

    private static object SymbolInfo(Market m) => new
    {
        symbol = BinanceSymbols.ToBinance(m),
        status = "TRADING",
        baseAsset = m.Base,
        baseAssetPrecision = 8,
        quoteAsset = m.Quote,
        quotePrecision = 8,
        quoteAssetPrecision = 8,
        baseCommissionPrecision = 8,
        quoteCommissionPrecision = 8,
        orderTypes = OrderTypes,
        icebergAllowed = false,
        ocoAllowed = false,
        otoAllowed = false,
        quoteOrderQtyMarketAllowed = true,
        allowTrailingStop = false,
        cancelReplaceAllowed = false,
        isSpotTradingAllowed = true,
        isMarginTradingAllowed = false,
        filters = new object[]
        {
            new { filterType = "PRICE_FILTER", minPrice = Dec(m.TickSize), maxPrice = Dec(m.MaxPrice), tickSize = Dec(m.TickSize) },
            new { filterType = "LOT_SIZE", minQty = Dec(m.MinQty), maxQty = Dec(m.MaxQty), stepSize = Dec(m.LotStep) },
            new { filterType = "MARKET_LOT_SIZE", minQty = Dec(m.MinQty), maxQty = Dec(m.MaxQty), stepSize = Dec(m.LotStep) },
            new
            {
                filterType = "NOTIONAL",
                minNotional = Dec(m.MinNotional),
                applyMinToMarket = true,
                maxNotional = Dec(9_000_000_000m),
                applyMaxToMarket = false,
                avgPriceMins = 0,
            },
        },
        permissions = Array.Empty<string>(),
        permissionSets = new[] { new[] { "SPOT" } },
        defaultSelfTradePreventionMode = "EXPIRE_MAKER",
        allowedSelfTradePreventionModes = new[] { "NONE", "EXPIRE_TAKER", "EXPIRE_MAKER", "EXPIRE_BOTH" },
    };

    private static IResult TickerPrice(BinanceRequest request) =>
        OneOrMany(request, t => new { symbol = BinanceSymbols.ToBinance(t.Symbol), price = Dec(t.Last) });

    private static IResult BookTicker(BinanceRequest request) => OneOrMany(request, t => new
    {
        symbol = BinanceSymbols.ToBinance(t.Symbol),
        bidPrice = Dec(t.Bid),
        bidQty = Dec(t.BidQuantity),
        askPrice = Dec(t.Ask),
        askQty = Dec(t.AskQuantity),
    });

    private static IResult Ticker24h(BinanceRequest request)
    {
        var now = Ms(request.State.Clock.GetUtcNow());
        return OneOrMany(request, t => new
        {
            symbol = BinanceSymbols.ToBinance(t.Symbol),
            priceChange = Dec(t.Last - t.Open),
            priceChangePercent = (Math.Round((t.Last - t.Open) / t.Open * 100, 3)).ToString("F3", System.Globalization.CultureInfo.InvariantCulture),
            weightedAvgPrice = Dec(t.Volume > 0 ? t.QuoteVolume / t.Volume : t.Last),
            prevClosePrice = Dec(t.Open),
            lastPrice = Dec(t.Last),
            lastQty = Dec(0m),
            bidPrice = Dec(t.Bid),
            bidQty = Dec(t.BidQuantity),
            askPrice = Dec(t.Ask),
            askQty = Dec(t.AskQuantity),
            openPrice = Dec(t.Open),
            highPrice = Dec(t.High),
            lowPrice = Dec(t.Low),
            volume = Dec(t.Volume),
            quoteVolume = Dec(t.QuoteVolume),
            openTime = now - 86_400_000,
            closeTime = now,
            firstId = t.TradeCount > 0 ? 1 : -1,
            lastId = t.TradeCount > 0 ? t.TradeCount : -1,
            count = t.TradeCount,
        });
    }

    /// <summary>One object for <c>symbol</c>, an array for <c>symbols</c> or for all.</summary>
    private static IResult OneOrMany(BinanceRequest request, Func<Ticker, object> shape)
    {
        var selection = request.SymbolSelection();
        if (request.Has("symbol"))
        {
            return Ok(shape(request.Engine.GetTicker(selection![0].Symbol)!));
        }

        var tickers = selection is null
            ? request.Engine.GetTickers()
            : [.. selection.Select(m => request.Engine.GetTicker(m.Symbol)!)];
        return Ok(tickers.Select(shape).ToArray());
    }
}
