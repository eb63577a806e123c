namespace Coffer.Server.Features.Trading;

/// <summary>
/// <c>POST /api/v1/orders</c>. Amounts in the base currency; <see cref="Cost"/> is a market order by value (quote to
/// spend). <see cref="Rounding"/>: <c>round</c> (default: off-step values are rounded as the exchange rounds) or
/// <c>strict</c> (refused instead).
/// </summary>
internal sealed record PlaceOrderRequest(
    Guid? ConnectionId,
    string? Symbol,
    string? Side,
    string? Type,
    decimal? Amount,
    decimal? Cost,
    decimal? Price,
    decimal? TriggerPrice,
    string? TimeInForce,
    bool? PostOnly,
    string? Rounding);

/// <summary><c>POST /api/v1/orders/cancel-all</c>: every open order of one symbol on one connection.</summary>
internal sealed record CancelAllRequest(Guid? ConnectionId, string? Symbol);

internal sealed record FeeView(string Currency, decimal Cost);

internal sealed record OrderView(
    Guid Id,
    Guid ConnectionId,
    string Exchange,
    string Symbol,
    string Side,
    string Type,
    string State,
    string Origin,
    string? ClientOrderId,
    string? IdempotencyKey,
    string? ExchangeOrderId,
    decimal? Amount,
    decimal? Price,
    decimal? TriggerPrice,
    decimal? QuoteAmount,
    string? TimeInForce,
    bool PostOnly,
    decimal? Filled,
    decimal? Average,
    decimal? FilledCost,
    FeeView? Fee,
    decimal? Notional,
    string? NotionalCurrency,
    string? Error,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    IReadOnlyList<string>? Adjustments = null)
{
    public static OrderView From(OrderRow row, IReadOnlyList<string>? adjustments = null) => new(
        row.Id,
        row.ConnectionId,
        row.Exchange,
        row.Symbol,
        row.Side,
        row.Type,
        row.State,
        row.Origin,
        row.ClientOrderId,
        row.IdempotencyKey,
        row.ExchangeOrderId,
        row.Amount,
        row.Price,
        row.TriggerPrice,
        row.QuoteAmount,
        row.TimeInForce,
        row.PostOnly,
        row.Filled,
        row.Average,
        row.FilledCost,
        row.FeeCurrency is { } currency && row.FeeCost is { } cost ? new FeeView(currency, cost) : null,
        row.Notional,
        row.NotionalCurrency,
        row.Error,
        row.CreatedAt,
        row.UpdatedAt,
        adjustments is { Count: > 0 } ? adjustments : null);
}

/// <summary>A page of orders or trades, newest first; <see cref="Next"/> is the cursor of the next page (null at the end).</summary>
internal sealed record Page<T>(IReadOnlyList<T> Items, string? Next);

internal sealed record CancelAllView(IReadOnlyList<OrderView> Canceled);
