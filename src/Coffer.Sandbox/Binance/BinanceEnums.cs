using Coffer.Sandbox.Engine;

namespace Coffer.Sandbox.Binance;

/// <summary>Binance's enum spellings (enums.md) and the engine's refusals as Binance words them (errors.md).</summary>
internal static class BinanceEnums
{
    public static OrderType? ParseType(string text) => text switch
    {
        "MARKET" => OrderType.Market,
        "LIMIT" => OrderType.Limit,
        "LIMIT_MAKER" => OrderType.LimitMaker,
        "STOP_LOSS" => OrderType.StopLoss,
        "STOP_LOSS_LIMIT" => OrderType.StopLossLimit,
        "TAKE_PROFIT" => OrderType.TakeProfit,
        "TAKE_PROFIT_LIMIT" => OrderType.TakeProfitLimit,
        _ => null,
    };

    public static string Name(OrderType type) => type switch
    {
        OrderType.Market => "MARKET",
        OrderType.Limit => "LIMIT",
        OrderType.LimitMaker => "LIMIT_MAKER",
        OrderType.StopLoss => "STOP_LOSS",
        OrderType.StopLossLimit => "STOP_LOSS_LIMIT",
        OrderType.TakeProfit => "TAKE_PROFIT",
        OrderType.TakeProfitLimit => "TAKE_PROFIT_LIMIT",
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };

    public static TimeInForce? ParseTimeInForce(string text) => text switch
    {
        "GTC" => TimeInForce.Gtc,
        "IOC" => TimeInForce.Ioc,
        "FOK" => TimeInForce.Fok,
        _ => null,
    };

    public static string Name(TimeInForce timeInForce) => timeInForce.ToString().ToUpperInvariant();

    public static string Name(OrderStatus status) => status switch
    {
        OrderStatus.New => "NEW",
        OrderStatus.PartiallyFilled => "PARTIALLY_FILLED",
        OrderStatus.Filled => "FILLED",
        OrderStatus.Canceled => "CANCELED",
        OrderStatus.Rejected => "REJECTED",
        OrderStatus.Expired => "EXPIRED",
        _ => throw new ArgumentOutOfRangeException(nameof(status)),
    };

    public static BinanceError ToError(RejectReason reason, OrderType type) => reason switch
    {
        RejectReason.UnknownSymbol => BinanceError.InvalidSymbol,
        RejectReason.LotSize => BinanceError.Filter(type == OrderType.Market ? "MARKET_LOT_SIZE" : "LOT_SIZE"),
        RejectReason.PriceFilter => BinanceError.Filter("PRICE_FILTER"),
        RejectReason.MinNotional => BinanceError.Filter("NOTIONAL"),
        RejectReason.InvalidQuantity => new BinanceError(400, -1013, "Invalid quantity."),
        RejectReason.InvalidPrice => new BinanceError(400, -1013, "Invalid price."),
        RejectReason.InsufficientBalance => BinanceError.InsufficientBalance,
        RejectReason.DuplicateClientOrderId => BinanceError.Rejected("Duplicate order sent."),
        RejectReason.WouldTriggerImmediately => BinanceError.Rejected("Stop price would trigger immediately."),
        RejectReason.WouldTakeImmediately => BinanceError.Rejected("Order would immediately match and take."),
        _ => throw new ArgumentOutOfRangeException(nameof(reason)),
    };
}
