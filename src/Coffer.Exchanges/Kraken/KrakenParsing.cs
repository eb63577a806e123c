using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Coffer.Exchanges.Model;

namespace Coffer.Exchanges.Kraken;

/// <summary>
/// Kraken's JSON answers (https://docs.kraken.com/api/docs/rest-api/) in unified terms, the way CCXT's kraken.ts reads
/// them where CCXT's fixtures show it. Numbers arrive as strings and are parsed as decimals.
/// </summary>
internal static class KrakenParsing
{
    /// <summary>A market of Kraken's AssetPairs: precision as steps (tick_size, 10^-lot_decimals), minimums from ordermin/costmin.</summary>
    public static Market? Market(string id, JsonNode pair)
    {
        // Dark-pool pairs (".d") are not spot order-book markets.
        if (id.EndsWith(".d", StringComparison.Ordinal))
        {
            return null;
        }

        var baseId = Text(pair["base"]) ?? throw Malformed("AssetPairs base");
        var quoteId = Text(pair["quote"]) ?? throw Malformed("AssetPairs quote");
        var wsname = Text(pair["wsname"]);
        var ws = wsname?.Split('/');
        var @base = KrakenAssets.Code(ws is { Length: 2 } ? ws[0] : baseId);
        var quote = KrakenAssets.Code(ws is { Length: 2 } ? ws[1] : quoteId);
        var status = Text(pair["status"]) ?? "online";
        var tick = Number(pair["tick_size"]) ?? Precision.StepOfDecimals(Int(pair["pair_decimals"]) ?? 8);
        var extra = new Dictionary<string, string>(StringComparer.Ordinal);
        if (Text(pair["altname"]) is { } altname)
        {
            extra["altname"] = altname;
        }

        if (wsname is not null)
        {
            extra["wsname"] = wsname;
        }

        return new Market
        {
            Symbol = Model.Market.SymbolOf(@base, quote),
            Id = id,
            Base = @base,
            Quote = quote,
            BaseId = baseId,
            QuoteId = quoteId,

            // status: online, cancel_only, post_only, limit_only, reduce_only (exchanges.md §2.4) — "online" takes every
            // order, limit_only and post_only limit orders only (Kraken checks the post flag itself); cancel_only and
            // reduce_only (margin positions) take no spot order, and OrderRules refuses before sending.
            Active = status is "online" or "limit_only" or "post_only",
            OrderTypes = status is "limit_only" or "post_only" ? new HashSet<OrderType> { Model.OrderType.Limit } : null,
            AmountStep = Precision.StepOfDecimals(Int(pair["lot_decimals"]) ?? 8),
            PriceTick = tick,
            MinAmount = Number(pair["ordermin"]),
            MinPrice = tick,
            MinCost = Number(pair["costmin"]),
            Taker = FirstTier(pair["fees"]),
            Maker = FirstTier(pair["fees_maker"]),
            Extra = extra,
        };
    }

    public static Ticker Ticker(Market market, JsonNode node)
    {
        // a/b/c = [price, …]; v, p, l, h = [today, last 24 hours]; o = today's opening price. p is the volume-weighted
        // average price, so the quote volume over 24 hours is p[1] × v[1] (as CCXT computes it).
        var baseVolume = Number(node["v"]?[1]);
        var vwap = Number(node["p"]?[1]);
        return new Ticker
        {
            Symbol = market.Symbol,
            Ask = Number(node["a"]?[0]),
            Bid = Number(node["b"]?[0]),
            Last = Number(node["c"]?[0]),
            Open = Number(node["o"]),
            High = Number(node["h"]?[1]),
            Low = Number(node["l"]?[1]),
            BaseVolume = baseVolume,
            QuoteVolume = baseVolume * vwap,
        };
    }

    /// <summary>Balance (asset → "amount") or BalanceEx (asset → {balance, hold_trade, …}): used is what open orders hold.</summary>
    public static Balances Balances(JsonObject result)
    {
        var byCurrency = new Dictionary<string, Balance>(StringComparer.Ordinal);
        foreach (var (asset, value) in result)
        {
            decimal total;
            decimal used;
            if (value is JsonObject ex)
            {
                total = Number(ex["balance"]) ?? 0;
                used = Number(ex["hold_trade"]) ?? 0;
            }
            else
            {
                total = Number(value) ?? 0;
                used = 0;
            }

            var code = KrakenAssets.Code(asset);
            if (byCurrency.TryGetValue(code, out var earlier))
            {
                // Two Kraken ids of one currency (rare: a legacy and a new code): add them up.
                total += earlier.Total ?? 0;
                used += earlier.Used ?? 0;
            }

            byCurrency[code] = new Balance(code, total - used, used, total);
        }

        return new Balances(byCurrency);
    }

    /// <summary>An order of OpenOrders, ClosedOrders or QueryOrders.</summary>
    public static Order Order(string id, JsonNode node, Func<string, Market?> findMarket)
    {
        var descr = node["descr"];
        var pair = Text(descr?["pair"]) ?? throw Malformed("order descr.pair");
        var market = findMarket(pair);
        var rawType = Text(descr?["ordertype"]) ?? "limit";
        var type = OrderType(rawType);
        var flags = Text(node["oflags"]) ?? string.Empty;
        var filled = Number(node["vol_exec"]);
        var status = Status(Text(node["status"]));

        // With viqc (a market buy by value) vol is the quote amount to spend, not a base amount: the order's base amount
        // is known only once it is done, as what it filled (AddOrder oflags).
        var amount = flags.Contains("viqc", StringComparison.Ordinal)
            ? status == OrderStatus.Open ? null : filled
            : Number(node["vol"]);
        var average = Positive(Number(node["price"]));
        var descrPrice = Text(descr?["price"]);
        var price1 = descrPrice is not null && descrPrice.EndsWith('%') ? null : Positive(Precision.Parse(descrPrice));
        var price2 = Positive(Number(descr?["price2"]));
        var isTrigger = type is Model.OrderType.StopLoss or Model.OrderType.StopLimit or Model.OrderType.TakeProfit or Model.OrderType.TakeProfitLimit;

        // descr.price is the limit price of limit orders and the trigger of stop-loss/take-profit orders, whose limit
        // price is descr.price2 (AddOrder's price/price2). Market orders report only the average fill price.
        var triggerPrice = isTrigger ? price1 : null;
        var price = type switch
        {
            Model.OrderType.Limit => price1,
            Model.OrderType.StopLimit or Model.OrderType.TakeProfitLimit => price2,
            _ => average,
        };
        var costPrice = average ?? price;
        var fee = node["fee"] is { } feeNode && Number(feeNode) is { } feeCost && market is not null
            ? new Fee(FeeCurrency(flags, market, Side(descr?["type"])), feeCost)
            : null;

        return new Order
        {
            Id = id,

            // CCXT reads cl_ord_id, else the numeric userref (Kraken's older client reference; "0" when unset).
            ClientOrderId = Text(node["cl_ord_id"]) ?? Text(node["userref"]),
            Symbol = market?.Symbol ?? pair,
            Type = type,
            Side = Side(descr?["type"]),
            Status = status,
            TimeInForce = type == Model.OrderType.Market ? Model.TimeInForce.Ioc : null,
            PostOnly = flags.Contains("post", StringComparison.Ordinal),
            Price = price,
            TriggerPrice = triggerPrice,
            Amount = amount,
            Filled = filled,
            Remaining = amount - filled,
            // cost is Kraken's own total of the fills; the average price it reports is rounded, so filled × price is not.
            Cost = filled > 0 && Number(node["cost"]) is { } cost ? cost : filled * costPrice,
            Average = average,
            Fee = fee,
            Timestamp = Time(node["opentm"]),
        };
    }

    /// <summary>A fill of TradesHistory.</summary>
    public static Trade Trade(string id, JsonNode node, Func<string, Market?> findMarket)
    {
        var pair = Text(node["pair"]) ?? throw Malformed("trade pair");
        var market = findMarket(pair);
        var side = Side(node["type"]);
        var fee = Number(node["fee"]) is { } cost && market is not null ? new Fee(market.Quote, cost) : null;
        return new Trade
        {
            Id = id,
            OrderId = Text(node["ordertxid"]),
            Symbol = market?.Symbol ?? pair,
            Side = side,
            Price = Number(node["price"]) ?? throw Malformed("trade price"),
            Amount = Number(node["vol"]) ?? throw Malformed("trade vol"),
            Cost = Number(node["cost"]),
            Fee = fee,
            TakerOrMaker = node["maker"] is JsonValue maker && maker.TryGetValue<bool>(out var isMaker) ? isMaker ? TakerOrMaker.Maker : TakerOrMaker.Taker : null,
            Timestamp = Time(node["time"]) ?? throw Malformed("trade time"),
        };
    }

    public static OrderType OrderType(string kraken) => kraken switch
    {
        "market" => Model.OrderType.Market,
        "limit" or "iceberg" => Model.OrderType.Limit,
        "stop-loss" or "trailing-stop" => Model.OrderType.StopLoss,
        "stop-loss-limit" or "trailing-stop-limit" => Model.OrderType.StopLimit,
        "take-profit" => Model.OrderType.TakeProfit,
        "take-profit-limit" => Model.OrderType.TakeProfitLimit,
        _ => Model.OrderType.Market,
    };

    public static string OrderType(OrderType type) => type switch
    {
        Model.OrderType.Market => "market",
        Model.OrderType.Limit => "limit",
        Model.OrderType.StopLoss => "stop-loss",
        Model.OrderType.StopLimit => "stop-loss-limit",
        Model.OrderType.TakeProfit => "take-profit",
        Model.OrderType.TakeProfitLimit => "take-profit-limit",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };

    /// <summary>Kraken's order states: pending, open, closed, canceled, expired.</summary>
    public static OrderStatus Status(string? status) => status switch
    {
        "closed" => OrderStatus.Closed,
        "canceled" => OrderStatus.Canceled,
        "expired" => OrderStatus.Expired,
        _ => OrderStatus.Open,
    };

    public static OrderSide Side(JsonNode? node) => Text(node) == "sell" ? OrderSide.Sell : OrderSide.Buy;

    /// <summary>Kraken times are unix seconds with a fraction ("1705259439.563000"): milliseconds, truncated.</summary>
    public static DateTimeOffset? Time(JsonNode? node) =>
        Number(node) is { } seconds && seconds > 0 ? DateTimeOffset.FromUnixTimeMilliseconds((long)decimal.Truncate(seconds * 1000)) : null;

    public static decimal? Number(JsonNode? node) => node is JsonValue value
        ? value.GetValueKind() switch
        {
            JsonValueKind.String => Precision.Parse(value.GetValue<string>()),
            JsonValueKind.Number => value.TryGetValue<decimal>(out var d) ? d : Precision.Parse(value.ToJsonString()),
            _ => null,
        }
        : null;

    public static string? Text(JsonNode? node) => node is JsonValue value
        ? value.GetValueKind() switch
        {
            JsonValueKind.String => value.GetValue<string>(),
            JsonValueKind.Number => value.ToJsonString(),
            _ => null,
        }
        : null;

    public static ExchangeException Malformed(string what) =>
        new("kraken", ExchangeErrorKind.ExchangeUnavailable, $"Kraken's answer lacks {what}.", transient: true);

    /// <summary>
    /// fciq / fcib say which currency pays the fee; without them Kraken charges the quote currency on buys and the
    /// base currency on sells (AddOrder oflags, docs.kraken.com/api/docs/rest-api/add-order).
    /// </summary>
    private static string FeeCurrency(string flags, Market market, OrderSide side) =>
        flags.Contains("fciq", StringComparison.Ordinal) ? market.Quote
        : flags.Contains("fcib", StringComparison.Ordinal) ? market.Base
        : side == OrderSide.Buy ? market.Quote : market.Base;

    private static decimal? Positive(decimal? value) => value > 0 ? value : null;

    private static int? Int(JsonNode? node) => Number(node) is { } n ? (int)n : null;

    /// <summary>The first fee tier ([volume, percent]) as a rate: 0.26 → 0.0026.</summary>
    private static decimal? FirstTier(JsonNode? tiers) => tiers is JsonArray { Count: > 0 } array && Number(array[0]?[1]) is { } percent ? percent / 100 : null;

    internal static string Seconds(DateTimeOffset time) => time.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
}
