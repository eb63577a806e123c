using System.Globalization;
using static Coffer.Sandbox.Kraken.KrakenJson;

namespace Coffer.Sandbox.Kraken;

/// <summary>Public market data (rest-api get-server-time, get-tradable-asset-pairs, get-ticker-information).</summary>
internal static class KrakenMarketEndpoints
{
    public static void Map(IEndpointRouteBuilder app, KrakenFront front)
    {
        string[] methods = ["GET", "POST"];
        app.MapMethods("/0/public/Time", methods, front.Public(Time));
        app.MapMethods("/0/public/AssetPairs", methods, front.Public(AssetPairs));
        app.MapMethods("/0/public/Ticker", methods, front.Public(Ticker));
    }

    private static IResult Time(KrakenRequest request)
    {
        var now = request.State.Clock.GetUtcNow();
        return Ok(new
        {
            unixtime = now.ToUnixTimeSeconds(),
            rfc1123 = now.ToString("ddd, dd MMM yy HH:mm:ss", CultureInfo.InvariantCulture) + " +0000",
        });
    }

    private static IResult AssetPairs(KrakenRequest request)
    {
        var info = request.Optional("info") ?? "info";
        if (info is not ("info" or "leverage" or "fees" or "margin"))
        {
            throw new KrakenRejection(KrakenError.InvalidArguments("info"));
        }

        return Ok(request.PairSelection().ToDictionary(p => p.Name, p => PairInfo(p)));
    }

    private static Dictionary<string, object> PairInfo(KrakenPair pair)
    {
        var m = pair.Market;
        return new Dictionary<string, object>
        {
            ["altname"] = pair.AltName,
            ["wsname"] = pair.WsName,
            ["aclass_base"] = "currency",
            ["base"] = KrakenAssets.Code(m.Base),
            ["aclass_quote"] = "currency",
            ["quote"] = KrakenAssets.Code(m.Quote),
            ["lot"] = "unit",
            ["cost_decimals"] = pair.CostDecimals,
            ["pair_decimals"] = pair.PairDecimals,
            ["lot_decimals"] = pair.LotDecimals,
            ["lot_multiplier"] = 1,
            ["leverage_buy"] = Array.Empty<int>(),
            ["leverage_sell"] = Array.Empty<int>(),
            // Fee schedules in percent: the sandbox has one tier per market.
            ["fees"] = new[] { new[] { 0m, m.TakerFee * 100 } },
            ["fees_maker"] = new[] { new[] { 0m, m.MakerFee * 100 } },
            ["fee_volume_currency"] = "ZUSD",
            ["margin_call"] = 80,
            ["margin_stop"] = 40,
            ["ordermin"] = Plain(m.MinQty),
            ["costmin"] = Plain(m.MinNotional),
            ["tick_size"] = Plain(m.TickSize),
            ["status"] = "online",
        };
    }

    private static IResult Ticker(KrakenRequest request) =>
        Ok(request.PairSelection().ToDictionary(p => p.Name, p => TickerOf(request, p)));

    private static object TickerOf(KrakenRequest request, KrakenPair pair)
    {
        var t = request.Engine.GetTicker(pair.Market.Symbol)!;
        string Price(decimal value) => Dec(value, pair.PairDecimals);
        string Volume(decimal value) => Dec(value, 8);
        var vwap = t.Volume > 0 ? t.QuoteVolume / t.Volume : t.Last;
        return new
        {
            a = new[] { Price(t.Ask), WholeLots(t.AskQuantity), Dec(t.AskQuantity, 3) },
            b = new[] { Price(t.Bid), WholeLots(t.BidQuantity), Dec(t.BidQuantity, 3) },
            c = new[] { Price(t.Last), Volume(0m) },
            v = new[] { Volume(t.Volume), Volume(t.Volume) },
            p = new[] { Price(Math.Round(vwap, pair.PairDecimals)), Price(Math.Round(vwap, pair.PairDecimals)) },
            t = new[] { t.TradeCount, t.TradeCount },
            l = new[] { Price(t.Low), Price(t.Low) },
            h = new[] { Price(t.High), Price(t.High) },
            o = Price(t.Open),
        };
    }

    private static string WholeLots(decimal quantity) => Math.Floor(quantity).ToString(CultureInfo.InvariantCulture);

    private static string Plain(decimal value) => (value / 1.0000000000000000000000000000m).ToString(CultureInfo.InvariantCulture);
}
