using System.Globalization;
using System.Text.Json;
using Coffer.Sandbox.Engine;

namespace Coffer.Sandbox.Coinbase;

/// <summary>An order placement refused with HTTP 200 and <c>success:false</c> (reference §3.7; Create Order reference).</summary>
internal sealed record CoinbaseFailure(string Error, string Message, string PreviewReason, string NewOrderReason)
{
    public static CoinbaseFailure Unsupported { get; } =
        new("UNSUPPORTED_ORDER_CONFIGURATION", "Unsupported order configuration", "PREVIEW_INVALID_ORDER_CONFIG", "UNSUPPORTED_ORDER_CONFIGURATION");

    public static CoinbaseFailure InvalidSide { get; } = new("INVALID_SIDE", "Invalid side", "PREVIEW_INVALID_SIDE", "INVALID_SIDE");

    public static CoinbaseFailure InvalidProduct { get; } =
        new("INVALID_PRODUCT_ID", "Invalid product_id", "PREVIEW_INVALID_PRODUCT_ID", "INVALID_PRODUCT_ID");
}

/// <summary>An <c>order_configuration</c> read into the engine's terms.</summary>
internal sealed record CoinbaseOrderSpec(OrderType Type, TimeInForce TimeInForce, decimal? BaseSize, decimal? QuoteSize, decimal? LimitPrice, decimal? StopPrice);

/// <summary>
/// The configurations the sandbox supports: <c>market_market_ioc {base_size | quote_size}</c>, <c>limit_limit_gtc {base_size,
/// limit_price, post_only}</c>, <c>limit_limit_fok</c>, <c>sor_limit_ioc</c> and <c>stop_limit_stop_limit_gtc {base_size,
/// limit_price, stop_price, stop_direction}</c>. Others (gtd, bracket, twap, …) answer UNSUPPORTED_ORDER_CONFIGURATION.
/// </summary>
internal static class CoinbaseOrderConfig
{
    public const string StopUp = "STOP_DIRECTION_STOP_UP";
    public const string StopDown = "STOP_DIRECTION_STOP_DOWN";

    /// <summary>Reads the configuration; <c>BadRequest</c> is a malformed field (HTTP 400), <c>Failure</c> a refusal (HTTP 200).</summary>
    public static (CoinbaseOrderSpec? Spec, CoinbaseFailure? Failure, string? BadRequest) Parse(JsonElement? configuration, OrderSide side)
    {
        if (configuration is not { ValueKind: JsonValueKind.Object } config)
        {
            return (null, null, "order_configuration is required");
        }

        var variants = config.EnumerateObject().ToList();
        if (variants.Count != 1 || variants[0].Value.ValueKind != JsonValueKind.Object)
        {
            return (null, CoinbaseFailure.Unsupported, null);
        }

        var body = variants[0].Value;
        try
        {
            var spec = variants[0].Name switch
            {
                "market_market_ioc" => Market(body),
                "limit_limit_gtc" => new CoinbaseOrderSpec(
                    Bool(body, "post_only") ? OrderType.LimitMaker : OrderType.Limit, TimeInForce.Gtc, Size(body, "base_size"), null, Size(body, "limit_price"), null),
                "limit_limit_fok" => new CoinbaseOrderSpec(OrderType.Limit, TimeInForce.Fok, Size(body, "base_size"), null, Size(body, "limit_price"), null),
                "sor_limit_ioc" => new CoinbaseOrderSpec(OrderType.Limit, TimeInForce.Ioc, Size(body, "base_size"), null, Size(body, "limit_price"), null),
                "stop_limit_stop_limit_gtc" => StopLimit(body, side),
                _ => null,
            };
            return spec is null ? (null, CoinbaseFailure.Unsupported, null) : (spec, null, null);
        }
        catch (FormatException e)
        {
            return (null, null, e.Message);
        }
    }

    /// <summary>The configuration an engine order was placed with, as Coinbase echoes it in the order object.</summary>
    public static Dictionary<string, object> Echo(Order o)
    {
        string D(decimal? v) => CoinbaseJson.Dec(v);
        return o.Type switch
        {
            OrderType.Market => new()
            {
                ["market_market_ioc"] = o.QuoteQuantity is { } quote
                    ? new Dictionary<string, string> { ["quote_size"] = D(quote) }
                    : new Dictionary<string, string> { ["base_size"] = D(o.Quantity) },
            },
            OrderType.Limit or OrderType.LimitMaker when o.TimeInForce == TimeInForce.Gtc => new()
            {
                ["limit_limit_gtc"] = new { base_size = D(o.Quantity), limit_price = D(o.Price), post_only = o.Type == OrderType.LimitMaker },
            },
            OrderType.Limit when o.TimeInForce == TimeInForce.Fok => new() { ["limit_limit_fok"] = new { base_size = D(o.Quantity), limit_price = D(o.Price) } },
            OrderType.Limit => new() { ["sor_limit_ioc"] = new { base_size = D(o.Quantity), limit_price = D(o.Price) } },
            _ => new()
            {
                ["stop_limit_stop_limit_gtc"] = new
                {
                    base_size = D(o.Quantity),
                    limit_price = D(o.Price),
                    stop_price = D(o.StopPrice),
                    stop_direction = Direction(o),
                },
            },
        };
    }

    /// <summary>STOP_UP triggers when the price rises to the stop, STOP_DOWN when it falls to it, whichever the side.</summary>
    public static string Direction(Order o) =>
        (o.Type == OrderType.StopLossLimit) == (o.Side == OrderSide.Buy) ? StopUp : StopDown;

    private static CoinbaseOrderSpec Market(JsonElement body)
    {
        var baseSize = OptionalSize(body, "base_size");
        var quoteSize = OptionalSize(body, "quote_size");
        if (baseSize is null == quoteSize is null)
        {
            throw new FormatException("market_market_ioc needs exactly one of base_size and quote_size");
        }

        return new CoinbaseOrderSpec(OrderType.Market, TimeInForce.Ioc, baseSize, quoteSize, null, null);
    }

    private static CoinbaseOrderSpec StopLimit(JsonElement body, OrderSide side)
    {
        var direction = body.TryGetProperty("stop_direction", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString() : null;
        // The engine's stop-loss kinds trigger on a rise for buys and a fall for sells; its take-profit kinds the other way.
        var type = (direction, side) switch
        {
            (StopUp, OrderSide.Buy) or (StopDown, OrderSide.Sell) => OrderType.StopLossLimit,
            (StopUp, OrderSide.Sell) or (StopDown, OrderSide.Buy) => OrderType.TakeProfitLimit,
            _ => throw new FormatException("stop_direction must be STOP_DIRECTION_STOP_UP or STOP_DIRECTION_STOP_DOWN"),
        };
        return new CoinbaseOrderSpec(type, TimeInForce.Gtc, Size(body, "base_size"), null, Size(body, "limit_price"), Size(body, "stop_price"));
    }

    private static decimal Size(JsonElement body, string name) =>
        OptionalSize(body, name) ?? throw new FormatException($"{name} is required");

    private static decimal? OptionalSize(JsonElement body, string name)
    {
        if (!body.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        // Decimals are strings on the wire (proto3 JSON of the API's string fields).
        if (value.ValueKind != JsonValueKind.String
            || !decimal.TryParse(value.GetString(), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var parsed))
        {
            throw new FormatException($"{name} must be a decimal string");
        }

        return parsed;
    }

    private static bool Bool(JsonElement body, string name) =>
        body.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.True;
}
