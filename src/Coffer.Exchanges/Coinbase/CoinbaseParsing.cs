using System.Globalization;
using System.Text.Json.Nodes;
using Coffer.Exchanges.Model;

namespace Coffer.Exchanges.Coinbase;

/// <summary>Coinbase Advanced Trade JSON (exchanges.md §3.4) into the unified model.</summary>
internal static class CoinbaseParsing
{
    public const string StopDown = "STOP_DIRECTION_STOP_DOWN";
    public const string StopUp = "STOP_DIRECTION_STOP_UP";

    /// <summary>One product of <c>GET /market/products</c>; null for anything but spot.</summary>
    public static Market? Market(JsonNode product)
    {
        var type = Str(product["product_type"]);
        if (type is not null && type != "SPOT")
        {
            return null;
        }

        var id = Str(product["product_id"]);
        var baseId = Str(product["base_currency_id"]);
        var quoteId = Str(product["quote_currency_id"]);
        if (id is null || baseId is null || quoteId is null)
        {
            return null;
        }

        var quoteIncrement = Dec(product["quote_increment"]);
        var extra = new Dictionary<string, string>(StringComparer.Ordinal);
        if (quoteIncrement is { } qi)
        {
            extra["quote_increment"] = Precision.Format(qi);
        }

        return new Market
        {
            Symbol = Model.Market.SymbolOf(baseId, quoteId),
            Id = id,
            Base = baseId,
            Quote = quoteId,
            BaseId = baseId,
            QuoteId = quoteId,

            // A product is tradable when it is online and neither disabled nor cancel-only.
            Active = Str(product["status"]) is null or "online"
                && Bool(product["trading_disabled"]) != true && Bool(product["is_disabled"]) != true && Bool(product["cancel_only"]) != true,
            AmountStep = Dec(product["base_increment"]) ?? 0,

            // "price_increment: Minimum amount price can be increased or decreased at once" — the tick size.
            PriceTick = Dec(product["price_increment"]) ?? quoteIncrement ?? 0,
            MinAmount = Dec(product["base_min_size"]),
            MaxAmount = Dec(product["base_max_size"]),

            // quote_min_size as minimum notional is an interpretation (UNCONFIRMED, exchanges.md §3.4).
            MinCost = Dec(product["quote_min_size"]),
            MaxCost = Dec(product["quote_max_size"]),
            Extra = extra,
        };
    }

    /// <summary><c>GET /market/products/{id}/ticker</c>: the latest trades and the best bid and ask.</summary>
    public static Ticker SingleTicker(JsonNode body, string symbol)
    {
        var last = body["trades"] is JsonArray { Count: > 0 } trades ? trades[0] : null;
        return new Ticker
        {
            Symbol = symbol,
            Timestamp = Time(last?["time"]),
            Bid = Dec(body["best_bid"]),
            Ask = Dec(body["best_ask"]),
            Last = Dec(last?["price"]),
        };
    }

    /// <summary>One product of <c>GET /market/products</c> as a ticker: last price and 24-hour volume.</summary>
    public static Ticker ProductTicker(JsonNode product, string symbol) => new()
    {
        Symbol = symbol,
        Last = Dec(product["price"]),
        BaseVolume = Dec(product["volume_24h"]),
    };

    public static Order Order(JsonNode order, Func<string, string> symbolOf)
    {
        var side = Side(order["side"]);
        var (configName, config) = Configuration(order["order_configuration"]);
        var direction = Str(config?["stop_direction"]);
        var type = configName switch
        {
            null => TypeOf(Str(order["order_type"])),
            _ when configName.StartsWith("market_", StringComparison.Ordinal) => OrderType.Market,
            _ when configName.StartsWith("stop_limit_", StringComparison.Ordinal) => IsStopLoss(side, direction) ? OrderType.StopLimit : OrderType.TakeProfitLimit,
            _ => OrderType.Limit,
        };
        var filled = Dec(order["filled_size"]);
        var amount = Dec(config?["base_size"]);
        var status = Status(Str(order["status"]));
        if (amount is null && Bool(order["size_in_quote"]) == true && status != OrderStatus.Open)
        {
            // A buy by quote value has no base amount until it is done: then it is what was filled.
            amount = filled;
        }

        var average = Dec(order["average_filled_price"]) is { } avg && filled is > 0 ? avg : (decimal?)null;
        var limitPrice = Dec(config?["limit_price"]);
        var fee = Dec(order["total_fees"]);
        var symbol = symbolOf(Str(order["product_id"]) ?? string.Empty);
        var quote = symbol.Split('/') is [_, var q] ? q : string.Empty;
        return new Order
        {
            Id = Str(order["order_id"]) ?? throw new FormatException("A Coinbase order without order_id."),
            ClientOrderId = NullIfEmpty(Str(order["client_order_id"])),
            Symbol = symbol,
            Type = type,
            Side = side,
            Status = status,
            TimeInForce = TimeInForceOf(Str(order["time_in_force"]), configName),
            PostOnly = Bool(config?["post_only"]) ?? false,

            // Market orders have no limit price: CCXT (and Coffer) report the average fill price instead.
            Price = limitPrice ?? average,
            TriggerPrice = Dec(config?["stop_price"]),
            Amount = amount,
            Filled = filled,
            Remaining = amount is { } a && filled is { } f ? Math.Max(0, a - f) : null,
            Cost = Dec(order["filled_value"]),
            Average = average,
            Fee = fee is { } cost && quote.Length > 0 ? new Fee(quote, cost) : null,
            Timestamp = Time(order["created_time"]),
        };
    }

    public static Trade Trade(JsonNode fill, Func<string, string> symbolOf)
    {
        var symbol = symbolOf(Str(fill["product_id"]) ?? string.Empty);
        var quote = symbol.Split('/') is [_, var q] ? q : string.Empty;
        var price = Dec(fill["price"]) ?? throw new FormatException("A Coinbase fill without price.");
        var size = Dec(fill["size"]) ?? throw new FormatException("A Coinbase fill without size.");

        // size_in_quote: the size is in the quote currency.
        var amount = Bool(fill["size_in_quote"]) == true && price != 0 ? size / price : size;
        var commission = Dec(fill["commission"]);
        return new Trade
        {
            Id = Str(fill["trade_id"]) ?? Str(fill["entry_id"]) ?? throw new FormatException("A Coinbase fill without trade_id."),
            OrderId = Str(fill["order_id"]),
            Symbol = symbol,
            Side = Str(fill["side"]) is not null ? Side(fill["side"]) : null,
            Price = price,
            Amount = amount,
            Cost = price * amount,
            Fee = commission is { } c && quote.Length > 0 ? new Fee(quote, c) : null,
            TakerOrMaker = Str(fill["liquidity_indicator"]) switch
            {
                "TAKER" => Model.TakerOrMaker.Taker,
                "MAKER" => Model.TakerOrMaker.Maker,
                _ => null,
            },
            Timestamp = Time(fill["trade_time"]) ?? throw new FormatException("A Coinbase fill without trade_time."),
        };
    }

    /// <summary>
    /// A stop-limit's kind from its side and trigger direction: a sell that triggers on a fall, or a buy that triggers on
    /// a rise, limits a loss; the other two take a profit.
    /// </summary>
    public static bool IsStopLoss(OrderSide side, string? direction) => (side, direction) switch
    {
        (OrderSide.Sell, StopUp) => false,
        (OrderSide.Buy, StopDown) => false,
        _ => true,
    };

    /// <summary>The direction a trigger waits for: a stop-loss sell and a take-profit buy wait for the price to fall.</summary>
    public static string DirectionOf(OrderSide side, bool stopLoss) => (side == OrderSide.Sell) == stopLoss ? StopDown : StopUp;

    public static OrderStatus Status(string? status) => status switch
    {
        "FILLED" => OrderStatus.Closed,
        "CANCELLED" => OrderStatus.Canceled,
        "EXPIRED" => OrderStatus.Expired,
        "FAILED" => OrderStatus.Rejected,

        // PENDING, OPEN, QUEUED, CANCEL_QUEUED (still working until the cancel lands), UNKNOWN_ORDER_STATUS.
        _ => OrderStatus.Open,
    };

    public static decimal? Dec(JsonNode? node) => node is JsonValue value
        ? value.TryGetValue<string>(out var text) ? Precision.Parse(text)
        : value.TryGetValue<decimal>(out var number) ? number
        : null
        : null;

    public static string? Str(JsonNode? node) => node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    public static bool? Bool(JsonNode? node) => node is JsonValue value && value.TryGetValue<bool>(out var flag) ? flag : null;

    public static DateTimeOffset? Time(JsonNode? node) =>
        DateTimeOffset.TryParse(Str(node), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time) ? time : null;

    private static OrderSide Side(JsonNode? node) => Str(node) switch
    {
        "BUY" => OrderSide.Buy,
        "SELL" => OrderSide.Sell,
        var other => throw new FormatException($"Unknown Coinbase order side '{other}'."),
    };

    private static (string? Name, JsonNode? Config) Configuration(JsonNode? node) =>
        node is JsonObject obj && obj.FirstOrDefault(p => p.Value is JsonObject) is { Key: not null } first ? (first.Key, first.Value) : (null, null);

    private static OrderType TypeOf(string? orderType) => orderType switch
    {
        "MARKET" => OrderType.Market,
        "STOP_LIMIT" => OrderType.StopLimit,
        _ => OrderType.Limit,
    };

    private static TimeInForce? TimeInForceOf(string? timeInForce, string? configName) => timeInForce switch
    {
        "GOOD_UNTIL_CANCELLED" => Model.TimeInForce.Gtc,
        "IMMEDIATE_OR_CANCEL" => Model.TimeInForce.Ioc,
        "FILL_OR_KILL" => Model.TimeInForce.Fok,
        "GOOD_UNTIL_DATE_TIME" => null,
        _ => configName switch
        {
            "market_market_ioc" or "sor_limit_ioc" => Model.TimeInForce.Ioc,
            "market_market_fok" or "limit_limit_fok" => Model.TimeInForce.Fok,
            "limit_limit_gtc" or "stop_limit_stop_limit_gtc" => Model.TimeInForce.Gtc,
            _ => null,
        },
    };

    private static string? NullIfEmpty(string? text) => string.IsNullOrEmpty(text) ? null : text;
}
