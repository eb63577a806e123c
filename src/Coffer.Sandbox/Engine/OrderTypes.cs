namespace Coffer.Sandbox.Engine;

internal enum OrderSide
{
    Buy,
    Sell,
}

internal enum OrderType
{
    Market,
    Limit,
    LimitMaker,
    StopLoss,
    StopLossLimit,
    TakeProfit,
    TakeProfitLimit,
}

internal enum TimeInForce
{
    Gtc,
    Ioc,
    Fok,
}

internal enum OrderStatus
{
    New,
    PartiallyFilled,
    Filled,
    Canceled,
    Rejected,
    Expired,
}

/// <summary>Why the engine refused an order; each exchange front maps these onto its own codes and messages.</summary>
internal enum RejectReason
{
    UnknownSymbol,
    InvalidQuantity,
    InvalidPrice,
    PriceFilter,
    LotSize,
    MinNotional,
    InsufficientBalance,
    DuplicateClientOrderId,
    WouldTriggerImmediately,
    WouldTakeImmediately,
}

internal static class OrderTypeExtensions
{
    public static bool IsStop(this OrderType type) =>
        type is OrderType.StopLoss or OrderType.StopLossLimit or OrderType.TakeProfit or OrderType.TakeProfitLimit;

    /// <summary>Limit-priced: rests at its price once working (after its trigger, for the stop-limit kinds).</summary>
    public static bool HasLimitPrice(this OrderType type) =>
        type is OrderType.Limit or OrderType.LimitMaker or OrderType.StopLossLimit or OrderType.TakeProfitLimit;

    public static bool IsOpen(this OrderStatus status) => status is OrderStatus.New or OrderStatus.PartiallyFilled;
}
