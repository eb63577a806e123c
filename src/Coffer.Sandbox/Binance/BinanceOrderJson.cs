using Coffer.Sandbox.Engine;
using static Coffer.Sandbox.Binance.BinanceJson;

namespace Coffer.Sandbox.Binance;

/// <summary>The order object of rest-api.md, in its query (full), RESULT and cancel shapes.</summary>
internal static class BinanceOrderJson
{
    public static Dictionary<string, object?> Result(Order o)
    {
        var json = new Dictionary<string, object?>
        {
            ["symbol"] = BinanceSymbols.ToBinance(o.Market),
            ["orderId"] = o.Id,
            ["orderListId"] = -1,
            ["clientOrderId"] = o.ClientOrderId,
            ["transactTime"] = Ms(o.CreatedAt),
            ["price"] = Dec(o.Price),
            ["origQty"] = Dec(o.Quantity ?? o.Filled),
            ["executedQty"] = Dec(o.Filled),
            ["origQuoteOrderQty"] = Dec(o.QuoteQuantity),
            ["cummulativeQuoteQty"] = Dec(o.FilledQuote),
            ["status"] = BinanceEnums.Name(o.Status),
            ["timeInForce"] = BinanceEnums.Name(o.TimeInForce),
            ["type"] = BinanceEnums.Name(o.Type),
            ["side"] = o.Side == OrderSide.Buy ? "BUY" : "SELL",
            ["workingTime"] = o.WorkingSince is { } w ? Ms(w) : -1,
            ["selfTradePreventionMode"] = "EXPIRE_MAKER",
        };
        if (o.StopPrice is { } stop)
        {
            json["stopPrice"] = Dec(stop);
        }

        return json;
    }

    public static Dictionary<string, object?> Full(Order o)
    {
        var json = Result(o);
        json.Remove("transactTime");
        json["stopPrice"] = Dec(o.StopPrice);
        json["icebergQty"] = Dec(0m);
        json["time"] = Ms(o.CreatedAt);
        json["updateTime"] = Ms(o.UpdatedAt);
        json["isWorking"] = o.IsWorking;
        return json;
    }

    public static Dictionary<string, object?> Canceled(Order o, string? newClientOrderId)
    {
        var json = Result(o);
        json.Remove("workingTime");
        json["origClientOrderId"] = o.ClientOrderId;
        json["clientOrderId"] = newClientOrderId ?? "cancel" + o.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        json["transactTime"] = Ms(o.UpdatedAt);
        return json;
    }
}
