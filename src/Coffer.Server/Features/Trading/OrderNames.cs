using Coffer.Exchanges.Model;

namespace Coffer.Server.Features.Trading;

/// <summary>The names orders are stored and shown with (snake case, as the API speaks), to and from the unified model.</summary>
internal static class OrderNames
{
    public static string Of(OrderSide side) => side == OrderSide.Buy ? "buy" : "sell";

    public static string Of(OrderType type) => type switch
    {
        OrderType.Market => "market",
        OrderType.Limit => "limit",
        OrderType.StopLoss => "stop_loss",
        OrderType.StopLimit => "stop_limit",
        OrderType.TakeProfit => "take_profit",
        OrderType.TakeProfitLimit => "take_profit_limit",
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };

    public static string Of(TimeInForce tif) => tif.ToString().ToUpperInvariant();

    public static bool TryParseSide(string? text, out OrderSide side)
    {
        side = text == "sell" ? OrderSide.Sell : OrderSide.Buy;
        return text is "buy" or "sell";
    }

    public static bool TryParseType(string? text, out OrderType type)
    {
        foreach (var candidate in Enum.GetValues<OrderType>())
        {
            if (Of(candidate) == text)
            {
                type = candidate;
                return true;
            }
        }

        type = default;
        return false;
    }

    public static bool TryParseTimeInForce(string? text, out TimeInForce tif) =>
        Enum.TryParse(text, ignoreCase: true, out tif) && Enum.IsDefined(tif);

    /// <summary>The state of an order the exchange reported; null when it did not say (followed until it does).</summary>
    public static string? StateOf(OrderStatus? status) => status switch
    {
        OrderStatus.Open => OrderStates.Open,
        OrderStatus.Closed => OrderStates.Closed,
        OrderStatus.Canceled => OrderStates.Canceled,
        OrderStatus.Expired => OrderStates.Expired,
        OrderStatus.Rejected => OrderStates.Rejected,
        _ => null,
    };

    /// <summary>Copies what the exchange says about an order onto its row; a state the answer does not give is left as it is.</summary>
    public static void Apply(OrderRow row, Order order, DateTimeOffset now)
    {
        row.ExchangeOrderId = order.Id;
        row.State = StateOf(order.Status) ?? (OrderStates.IsUnconfirmed(row.State) ? OrderStates.Open : row.State);
        row.Filled = order.Filled ?? row.Filled;
        row.Average = order.Average ?? row.Average;
        row.FilledCost = order.Cost ?? row.FilledCost;
        if (order.Fee is { } fee)
        {
            row.FeeCurrency = fee.Currency;
            row.FeeCost = fee.Cost;
        }

        row.UpdatedAt = now;
    }

    /// <summary>A row for an order the exchange reports that Coffer did not place.</summary>
    public static OrderRow Foreign(Guid userId, Guid connectionId, string exchange, Order order, DateTimeOffset now)
    {
        var row = new OrderRow
        {
            Id = Guid.NewGuid(),
            UserId = userId,
            ConnectionId = connectionId,
            Exchange = exchange,
            Symbol = order.Symbol,
            Side = Of(order.Side),
            Type = Of(order.Type),
            State = StateOf(order.Status) ?? OrderStates.Open,
            Origin = OrderRow.FromExchange,
            // Keyed by the exchange's id: client ids of other apps are not unique (Kraken reports userref "0" for every order without one).
            ClientOrderId = null,
            Amount = order.Amount,
            Price = order.Price,
            TriggerPrice = order.TriggerPrice,
            TimeInForce = order.TimeInForce is { } tif ? Of(tif) : null,
            PostOnly = order.PostOnly ?? false,
            CreatedAt = order.Timestamp ?? now,
            UpdatedAt = now,
        };
        Apply(row, order, now);
        return row;
    }
}
