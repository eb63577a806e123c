using Coffer.Sandbox.Engine;
using static Coffer.Sandbox.Kraken.KrakenJson;

namespace Coffer.Sandbox.Kraken;

/// <summary>Kraken's order info object (OpenOrders, ClosedOrders, QueryOrders) and its one-line <c>descr.order</c>.</summary>
internal static class KrakenOrderJson
{
    public static Dictionary<string, object?> Of(KrakenRequest request, Order o, bool withTrades)
    {
        var pair = request.Pairs.Of(o.Market);
        var note = request.Front.Notes.Of(o.Id);
        var (price, price2) = DescrPrices(o.Type, o.Price, o.StopPrice);
        var volume = o.Quantity ?? o.QuoteQuantity ?? 0m;
        var json = new Dictionary<string, object?>
        {
            ["refid"] = null,
            ["userref"] = note?.UserRef ?? (note?.ClientOrderIdGiven == true ? null : 0L),
        };
        if (note?.ClientOrderIdGiven == true)
        {
            json["cl_ord_id"] = o.ClientOrderId;
        }

        json["status"] = Status(o.Status);
        json["opentm"] = Seconds(o.CreatedAt);
        json["starttm"] = 0;
        json["expiretm"] = 0;
        json["descr"] = new Dictionary<string, object?>
        {
            ["pair"] = pair.AltName,
            ["type"] = Side(o.Side),
            ["ordertype"] = TypeName(o.Type),
            ["price"] = price is { } p ? Dec(p, pair.PairDecimals) : "0",
            ["price2"] = price2 is { } p2 ? Dec(p2, pair.PairDecimals) : "0",
            ["leverage"] = "none",
            ["order"] = Describe(pair, o.Side, o.Type, volume, o.Price, o.StopPrice),
            ["close"] = "",
        };
        json["vol"] = Dec(volume, 8);
        json["vol_exec"] = Dec(o.Filled, 8);
        json["cost"] = Dec(o.FilledQuote, pair.CostDecimals);
        json["fee"] = Dec(o.Fees, pair.CostDecimals);
        json["price"] = Dec(o.Filled > 0 ? Math.Round(o.FilledQuote / o.Filled, pair.CostDecimals) : 0m, pair.PairDecimals);
        json["stopprice"] = Dec(0m, pair.PairDecimals);
        json["limitprice"] = Dec(0m, pair.PairDecimals);
        json["misc"] = "";
        json["oflags"] = note?.OrderFlags ?? DefaultFlags(o.Side);
        if (withTrades)
        {
            var trades = request.Engine.GetFills(o.Account, orderId: o.Id);
            if (trades.Count > 0)
            {
                json["trades"] = trades.Select(f => KrakenIds.Trade(f.Id)).ToArray();
            }
        }

        if (!o.Status.IsOpen())
        {
            json["reason"] = o.Status == OrderStatus.Canceled ? "User requested" : null;
            json["closetm"] = Seconds(o.UpdatedAt);
        }

        return json;
    }

    /// <summary>e.g. <c>buy 1.25000000 XBTUSD @ limit 37500.00</c>, <c>sell 0.10000000 LTCUSDT @ stop loss 55.00 -> limit 54.00</c>.</summary>
    public static string Describe(KrakenPair pair, OrderSide side, OrderType type, decimal volume, decimal? limit, decimal? trigger)
    {
        string P(decimal? value) => Dec(value ?? 0m, pair.PairDecimals);
        var what = type switch
        {
            OrderType.Market => "market",
            OrderType.Limit or OrderType.LimitMaker => "limit " + P(limit),
            OrderType.StopLoss => "stop loss " + P(trigger),
            OrderType.TakeProfit => "take profit " + P(trigger),
            OrderType.StopLossLimit => $"stop loss {P(trigger)} -> limit {P(limit)}",
            OrderType.TakeProfitLimit => $"take profit {P(trigger)} -> limit {P(limit)}",
            _ => throw new ArgumentOutOfRangeException(nameof(type)),
        };
        return $"{Side(side)} {Dec(volume, 8)} {pair.AltName} @ {what}";
    }

    public static string Side(OrderSide side) => side == OrderSide.Buy ? "buy" : "sell";

    public static string TypeName(OrderType type) => type switch
    {
        OrderType.Market => "market",
        OrderType.Limit or OrderType.LimitMaker => "limit",
        OrderType.StopLoss => "stop-loss",
        OrderType.StopLossLimit => "stop-loss-limit",
        OrderType.TakeProfit => "take-profit",
        OrderType.TakeProfitLimit => "take-profit-limit",
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };

    /// <summary>
    /// The fee currency flag of an order (AddOrder oflags, docs.kraken.com/api/docs/rest-api/add-order: fciq, "prefer fee
    /// in quote currency", is the default when buying). A buy with fcib pays its fee in base; sells pay in the quote
    /// they receive (the engine does not take a sell's fee in base, so the front refuses fcib on a sell).
    /// </summary>
    public static string DefaultFlags(OrderSide side, bool feeInBase = false) => side == OrderSide.Buy && feeInBase ? "fcib" : "fciq";

    public static string Status(OrderStatus status) => status switch
    {
        OrderStatus.New or OrderStatus.PartiallyFilled => "open",
        OrderStatus.Filled => "closed",
        OrderStatus.Canceled or OrderStatus.Rejected => "canceled",
        OrderStatus.Expired => "expired",
        _ => throw new ArgumentOutOfRangeException(nameof(status)),
    };

    /// <summary><c>descr.price</c> is the limit price, or the trigger for stop/take-profit kinds; <c>price2</c> the limit of those.</summary>
    private static (decimal? Price, decimal? Price2) DescrPrices(OrderType type, decimal? limit, decimal? trigger) => type switch
    {
        OrderType.StopLossLimit or OrderType.TakeProfitLimit => (trigger, limit),
        OrderType.StopLoss or OrderType.TakeProfit => (trigger, null),
        _ => (limit, null),
    };
}
