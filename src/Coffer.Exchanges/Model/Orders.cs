namespace Coffer.Exchanges.Model;

internal enum OrderSide
{
    Buy,
    Sell,
}

/// <summary>The order types Coffer places; each connector maps them to the exchange's native types where it has them.</summary>
internal enum OrderType
{
    Market,
    Limit,

    /// <summary>A market order that triggers at <see cref="Order.TriggerPrice"/>.</summary>
    StopLoss,

    /// <summary>A limit order that triggers at <see cref="Order.TriggerPrice"/>.</summary>
    StopLimit,

    /// <summary>A market order that triggers when the price moves in the position's favour.</summary>
    TakeProfit,

    /// <summary>A limit order that triggers when the price moves in the position's favour.</summary>
    TakeProfitLimit,
}

internal enum OrderStatus
{
    /// <summary>Accepted and working (including partially filled and untriggered stop orders).</summary>
    Open,

    /// <summary>Completely filled.</summary>
    Closed,
    Canceled,
    Expired,
    Rejected,
}

internal enum TimeInForce
{
    Gtc,
    Ioc,
    Fok,
}

internal sealed record Fee(string Currency, decimal Cost, decimal? Rate = null);

/// <summary>An order as the exchange reports it, in unified terms. Amounts in the base currency, cost in the quote.</summary>
internal sealed record Order
{
    public required string Id { get; init; }

    public string? ClientOrderId { get; init; }

    public required string Symbol { get; init; }

    public required OrderType Type { get; init; }

    public required OrderSide Side { get; init; }

    /// <summary>
    /// Null when the exchange's answer does not say (Kraken's AddOrder reply: accepted, but possibly filled already);
    /// the order is then followed until its state is known, never assumed.
    /// </summary>
    public required OrderStatus? Status { get; init; }

    public TimeInForce? TimeInForce { get; init; }

    public bool? PostOnly { get; init; }

    /// <summary>The limit price (null for market orders, or the average fill price where the exchange reports only that).</summary>
    public decimal? Price { get; init; }

    public decimal? TriggerPrice { get; init; }

    public decimal? Amount { get; init; }

    public decimal? Filled { get; init; }

    public decimal? Remaining { get; init; }

    /// <summary>Filled value in the quote currency.</summary>
    public decimal? Cost { get; init; }

    public decimal? Average { get; init; }

    public Fee? Fee { get; init; }

    public DateTimeOffset? Timestamp { get; init; }

    public DateTimeOffset? LastTradeTimestamp { get; init; }

    public DateTimeOffset? LastUpdateTimestamp { get; init; }
}

/// <summary>What a caller asks to place. The connector rounds to the market's rules the way the exchange does.</summary>
internal sealed record OrderRequest
{
    public required string Symbol { get; init; }

    public required OrderSide Side { get; init; }

    public required OrderType Type { get; init; }

    /// <summary>
    /// Amount in the base currency. A market buy may give <see cref="Cost"/> instead, or a <see cref="Price"/> with it to
    /// spend Amount × Price of the quote currency (<see cref="MarketOrderSize.Of"/> states the rule).
    /// </summary>
    public decimal? Amount { get; init; }

    /// <summary>For market orders by value: how much quote currency to spend (no amount and no price with it).</summary>
    public decimal? Cost { get; init; }

    /// <summary>
    /// Limit price (Limit, StopLimit, TakeProfitLimit). On a market buy, the price one unit is expected to cost: the order
    /// then spends Amount × Price of the quote currency, as CCXT's createOrder does; a market sell refuses a price
    /// (<see cref="MarketOrderSize.Of"/>).
    /// </summary>
    public decimal? Price { get; init; }

    /// <summary>Trigger price (StopLoss, StopLimit, TakeProfit, TakeProfitLimit).</summary>
    public decimal? TriggerPrice { get; init; }

    public string? ClientOrderId { get; init; }

    public TimeInForce? TimeInForce { get; init; }

    public bool PostOnly { get; init; }

    /// <summary>
    /// Whether the connector rounds an off-step amount or price the way the exchange does (the default) or refuses it
    /// (<see cref="RoundingPolicy.Strict"/>); <see cref="OrderRules.Check"/> applies it.
    /// </summary>
    public RoundingPolicy Rounding { get; init; } = RoundingPolicy.Round;
}

internal enum TakerOrMaker
{
    Taker,
    Maker,
}

/// <summary>One fill of one of the account's orders.</summary>
internal sealed record Trade
{
    public required string Id { get; init; }

    public string? OrderId { get; init; }

    public required string Symbol { get; init; }

    public OrderSide? Side { get; init; }

    public required decimal Price { get; init; }

    public required decimal Amount { get; init; }

    public decimal? Cost { get; init; }

    public Fee? Fee { get; init; }

    public TakerOrMaker? TakerOrMaker { get; init; }

    public required DateTimeOffset Timestamp { get; init; }
}
