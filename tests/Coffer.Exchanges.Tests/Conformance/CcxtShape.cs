using System.Globalization;
using System.Text.Json.Nodes;
using Coffer.Exchanges.Model;

namespace Coffer.Exchanges.Tests.Conformance;

/// <summary>
/// Coffer's unified results written in CCXT's field names, so they can be compared with a response fixture's
/// <c>parsedResponse</c>; only the fields Coffer models are written, and only those are compared.
/// </summary>
internal static class CcxtShape
{
    public static JsonNode? Of(object? result) => result switch
    {
        null => null,
        Order order => Of(order),
        Trade trade => Of(trade),
        Ticker ticker => Of(ticker),
        Balances balances => Of(balances),
        DateTimeOffset time => JsonValue.Create(time.ToUnixTimeMilliseconds()),
        System.Collections.IEnumerable list => new JsonArray([.. list.Cast<object?>().Select(Of)]),
        _ => throw new NotSupportedException(result.GetType().Name),
    };

    /// <summary>Null when every field of <paramref name="actual"/> equals the fixture's; otherwise the first difference.</summary>
    public static string? Compare(JsonNode? expected, JsonNode? actual, IReadOnlySet<string> skipKeys, string where = "result")
    {
        switch (actual)
        {
            case null:
                return expected is null || expected.GetValueKind() == System.Text.Json.JsonValueKind.Null ? null : $"{where}: expected {expected.ToJsonString()}, got null";
            case JsonObject obj:
                if (expected is not JsonObject other)
                {
                    return $"{where}: expected {expected?.ToJsonString()}, got an object";
                }

                foreach (var (key, field) in obj)
                {
                    if (skipKeys.Contains(key))
                    {
                        continue;
                    }

                    if (Compare(other[key], field, skipKeys, $"{where}.{key}") is { } diff)
                    {
                        return diff;
                    }
                }

                return null;
            case JsonArray array:
                if (expected is not JsonArray list || list.Count != array.Count)
                {
                    return $"{where}: expected {Short(expected)}, got {array.Count} items";
                }

                for (var i = 0; i < array.Count; i++)
                {
                    if (Compare(list[i], array[i], skipKeys, $"{where}[{i}]") is { } diff)
                    {
                        return diff;
                    }
                }

                return null;
            default:
                var value = (JsonValue)actual;
                if (expected is not JsonValue e || e.GetValueKind() == System.Text.Json.JsonValueKind.Null)
                {
                    return value.GetValueKind() == System.Text.Json.JsonValueKind.Null ? null : $"{where}: expected null, got {value.ToJsonString()}";
                }

                if (value.GetValueKind() == System.Text.Json.JsonValueKind.Number)
                {
                    return SameNumber(e, value) ? null : $"{where}: expected {e.ToJsonString()}, got {value.ToJsonString()}";
                }

                return string.Equals(e.ToJsonString(), value.ToJsonString(), StringComparison.Ordinal) ? null : $"{where}: expected {e.ToJsonString()}, got {value.ToJsonString()}";
        }
    }

    /// <summary>
    /// By value. The actual side is read from its JSON text (a JsonValue made from a long is not readable as a decimal);
    /// CCXT's fixture numbers are JavaScript doubles, so a value Coffer computes exactly in decimal (p × v) equals the
    /// fixture's when both are the same double.
    /// </summary>
    private static bool SameNumber(JsonValue expected, JsonValue actual) =>
        CcxtMarkets.Number(expected) is { } a && Precision.Parse(actual.ToJsonString()) is { } b && (a == b || (double)a == (double)b);

    private static string Short(JsonNode? node) => node?.ToJsonString() is { Length: > 80 } text ? text[..80] + "…" : node?.ToJsonString() ?? "null";

    private static JsonObject Of(Order order) => new()
    {
        ["id"] = order.Id,
        ["clientOrderId"] = order.ClientOrderId,
        ["timestamp"] = Ms(order.Timestamp),
        ["lastTradeTimestamp"] = Ms(order.LastTradeTimestamp),
        ["lastUpdateTimestamp"] = Ms(order.LastUpdateTimestamp),
        ["symbol"] = order.Symbol,
        ["type"] = order.Type is OrderType.Market or OrderType.StopLoss or OrderType.TakeProfit ? "market" : "limit",
        ["side"] = order.Side == OrderSide.Buy ? "buy" : "sell",
        ["status"] = order.Status?.ToString().ToLowerInvariant(),
        // CCXT writes a post-only order without a stated time in force as "PO" (Kraken); Binance states GTC for LIMIT_MAKER.
        ["timeInForce"] = order.PostOnly == true && order.TimeInForce is null ? "PO" : order.TimeInForce?.ToString().ToUpperInvariant(),
        ["postOnly"] = order.PostOnly,
        ["price"] = N(order.Price),
        ["triggerPrice"] = N(order.TriggerPrice),
        ["amount"] = N(order.Amount),
        ["filled"] = N(order.Filled),
        ["remaining"] = N(order.Remaining),
        ["cost"] = N(order.Cost),
        ["average"] = N(order.Average),
        ["fee"] = Of(order.Fee),
    };

    private static JsonObject Of(Trade trade) => new()
    {
        ["id"] = trade.Id,
        ["order"] = trade.OrderId,
        ["symbol"] = trade.Symbol,
        ["timestamp"] = Ms(trade.Timestamp),
        ["side"] = trade.Side?.ToString().ToLowerInvariant(),
        ["takerOrMaker"] = trade.TakerOrMaker?.ToString().ToLowerInvariant(),
        ["price"] = N(trade.Price),
        ["amount"] = N(trade.Amount),
        ["cost"] = N(trade.Cost),
        ["fee"] = Of(trade.Fee),
    };

    private static JsonObject Of(Ticker ticker) => new()
    {
        ["symbol"] = ticker.Symbol,
        ["timestamp"] = Ms(ticker.Timestamp),
        ["bid"] = N(ticker.Bid),
        ["ask"] = N(ticker.Ask),
        ["last"] = N(ticker.Last),
        ["open"] = N(ticker.Open),
        ["high"] = N(ticker.High),
        ["low"] = N(ticker.Low),
        ["baseVolume"] = N(ticker.BaseVolume),
        ["quoteVolume"] = N(ticker.QuoteVolume),
    };

    private static JsonObject Of(Balances balances)
    {
        var result = new JsonObject();
        foreach (var (currency, balance) in balances.ByCurrency)
        {
            result[currency] = new JsonObject { ["free"] = N(balance.Free), ["used"] = N(balance.Used), ["total"] = N(balance.Total) };
        }

        return result;
    }

    private static JsonObject? Of(Fee? fee) => fee is null ? null : new JsonObject { ["currency"] = fee.Currency, ["cost"] = N(fee.Cost) };

    private static JsonValue? N(decimal? value) => value is { } v ? JsonValue.Create(v) : null;

    private static JsonValue? Ms(DateTimeOffset? value) => value is { } v ? JsonValue.Create(v.ToUnixTimeMilliseconds()) : null;

    internal static string Describe(decimal value) => value.ToString(CultureInfo.InvariantCulture);
}
