namespace Coffer.Sandbox.Engine;

/// <summary>An order inside the engine. Mutated only under the engine's lock; fronts receive <see cref="Snapshot"/> copies.</summary>
internal sealed class Order
{
    public required long Id { get; init; }

    public required string ClientOrderId { get; init; }

    public required string Account { get; init; }

    public required Market Market { get; init; }

    public required OrderSide Side { get; init; }

    public required OrderType Type { get; init; }

    public required TimeInForce TimeInForce { get; init; }

    public decimal? Quantity { get; init; }

    public decimal? QuoteQuantity { get; init; }

    public decimal? Price { get; init; }

    public decimal? StopPrice { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>A buy's fee is charged in the quote currency, on top of its cost (see <see cref="OrderRequest.FeeInQuote"/>).</summary>
    public bool FeeInQuote { get; init; }

    public OrderStatus Status { get; set; } = OrderStatus.New;

    /// <summary>False for a stop order until its trigger price is reached.</summary>
    public bool IsWorking { get; set; }

    public DateTimeOffset? WorkingSince { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public decimal Filled { get; set; }

    public decimal FilledQuote { get; set; }

    public decimal Fees { get; set; }

    /// <summary>Asset held for this order (quote for buys, base for sells) and how much of it is still held.</summary>
    public required string LockedAsset { get; init; }

    public decimal Locked { get; set; }

    public Order Snapshot() => (Order)MemberwiseClone();
}
