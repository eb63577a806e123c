using System.Globalization;
using Coffer.Sandbox.Engine;
using static Coffer.Sandbox.Coinbase.CoinbaseJson;

namespace Coffer.Sandbox.Coinbase;

/// <summary>Server time, products, tickers and best bid/ask (Advanced Trade REST reference; reference §3.4).</summary>
internal static class CoinbaseMarketEndpoints
{
    public static void Map(IEndpointRouteBuilder group, CoinbaseFront front)
    {
        group.MapGet("/time", front.Endpoint(CoinbaseSecurity.Public, Time));
        // The same data public (/market/…, cached for 1 s on the exchange) and authenticated.
        foreach (var (prefix, security) in new[] { ("/market", CoinbaseSecurity.Public), ("", CoinbaseSecurity.View) })
        {
            group.MapGet(prefix + "/products", front.Endpoint(security, Products));
            group.MapGet(prefix + "/products/{product_id}", front.Endpoint(security, Product));
            group.MapGet(prefix + "/products/{product_id}/ticker", front.Endpoint(security, Ticker));
        }

        group.MapGet("/best_bid_ask", front.Endpoint(CoinbaseSecurity.View, BestBidAsk));
    }

    private static IResult Time(CoinbaseRequest request)
    {
        var now = request.State.Clock.GetUtcNow();
        return Ok(new
        {
            iso = now.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
            epochSeconds = now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
            epochMillis = now.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture),
        });
    }

    /// <summary>GET /v2/time: <c>{"data":{"iso":"2015-06-23T18:02:51Z","epoch":1435082571}}</c>, whole seconds, epoch a number.</summary>
    public static IResult AppTime(CoinbaseRequest request)
    {
        var now = request.State.Clock.GetUtcNow();
        return Ok(new
        {
            data = new
            {
                iso = now.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
                epoch = now.ToUnixTimeSeconds(),
            },
        });
    }

    private static IResult Products(CoinbaseRequest request)
    {
        var wanted = request.QueryAll("product_ids");
        if (request.Query("product_type") is { } type && type != "SPOT")
        {
            return Ok(new { products = Array.Empty<object>(), num_products = 0 });
        }

        var markets = request.Engine.Markets.Where(m => wanted.Count == 0 || wanted.Contains(CoinbaseIds.ProductId(m))).ToList();
        var offset = int.TryParse(request.Query("offset"), NumberStyles.None, CultureInfo.InvariantCulture, out var o) ? o : 0;
        var limit = request.Limit(markets.Count == 0 ? 1 : markets.Count, int.MaxValue) ?? markets.Count;
        var page = markets.Skip(offset).Take(limit).Select(m => ProductJson(request, m)).ToArray();
        return Ok(new { products = page, num_products = markets.Count });
    }

    private static IResult Product(CoinbaseRequest request) =>
        request.Ids.FindProduct(request.Route("product_id") ?? "") is { } market
            ? Ok(ProductJson(request, market))
            : NotFound("ProductID is invalid");

    private static IResult Ticker(CoinbaseRequest request)
    {
        if (request.Ids.FindProduct(request.Route("product_id") ?? "") is not { } market)
        {
            return NotFound("ProductID is invalid");
        }

        var ticker = request.Engine.GetTicker(market.Symbol)!;
        var limit = request.Limit(100, 1000) ?? 100;
        // Public trades: the sandbox has no other users, so the tape is every account's fills on the product, newest first.
        var trades = request.Engine.GetFills(symbol: market.Symbol).Reverse().Take(limit).Select(f => new
        {
            trade_id = CoinbaseIds.TradeId(f.Id),
            product_id = CoinbaseIds.ProductId(market),
            price = Dec(f.Price),
            size = Dec(f.Quantity),
            time = CoinbaseJson.Time(f.Time),
            side = f.Side == OrderSide.Buy ? "BUY" : "SELL",
            bid = "",
            ask = "",
            exchange = "COINBASE",
        }).ToArray();
        return Ok(new { trades, best_bid = Dec(ticker.Bid), best_ask = Dec(ticker.Ask) });
    }

    private static IResult BestBidAsk(CoinbaseRequest request)
    {
        var wanted = request.QueryAll("product_ids");
        var now = CoinbaseJson.Time(request.State.Clock.GetUtcNow());
        var books = request.Engine.GetTickers()
            .Where(t => wanted.Count == 0 || wanted.Contains(CoinbaseIds.ProductId(t.Symbol)))
            .Select(t => new
            {
                product_id = CoinbaseIds.ProductId(t.Symbol),
                bids = new[] { new { price = Dec(t.Bid), size = Dec(t.BidQuantity) } },
                asks = new[] { new { price = Dec(t.Ask), size = Dec(t.AskQuantity) } },
                time = now,
            }).ToArray();
        return Ok(new { pricebooks = books });
    }

    private static Dictionary<string, object?> ProductJson(CoinbaseRequest request, Market m)
    {
        var ticker = request.Engine.GetTicker(m.Symbol)!;
        var change = ticker.Open == 0 ? 0m : Math.Round((ticker.Last - ticker.Open) / ticker.Open * 100m, 8);
        return new Dictionary<string, object?>
        {
            ["product_id"] = CoinbaseIds.ProductId(m),
            ["price"] = Dec(ticker.Last),
            ["price_percentage_change_24h"] = Dec(change),
            ["volume_24h"] = Dec(ticker.Volume),
            ["volume_percentage_change_24h"] = "0",
            ["base_increment"] = Dec(m.LotStep),
            ["quote_increment"] = Dec(m.TickSize),
            ["quote_min_size"] = Dec(m.MinNotional),
            ["quote_max_size"] = Dec(m.MaxQty * m.MaxPrice),
            ["base_min_size"] = Dec(m.MinQty),
            ["base_max_size"] = Dec(m.MaxQty),
            ["base_name"] = m.Base,
            ["quote_name"] = m.Quote,
            ["watched"] = false,
            ["is_disabled"] = false,
            ["new"] = false,
            ["status"] = "online",
            ["cancel_only"] = false,
            ["limit_only"] = false,
            ["post_only"] = false,
            ["trading_disabled"] = false,
            ["auction_mode"] = false,
            ["product_type"] = "SPOT",
            ["quote_currency_id"] = m.Quote,
            ["base_currency_id"] = m.Base,
            ["mid_market_price"] = Dec((ticker.Bid + ticker.Ask) / 2),
            ["base_display_symbol"] = m.Base,
            ["quote_display_symbol"] = m.Quote,
            ["view_only"] = false,
            ["price_increment"] = Dec(m.TickSize),
        };
    }
}
