namespace Coffer.Exchanges.Model;

/// <summary>
/// A spot market in CCXT's unified manner: the unified symbol <c>BASE/QUOTE</c>, the exchange's own ids, and the rules an
/// order must meet. Precision is kept as steps (tick size, lot step), not as digit counts, whatever the exchange
/// publishes: one representation for every rounding decision.
/// </summary>
internal sealed record Market
{
    /// <summary>Unified symbol, e.g. <c>BTC/USDT</c>.</summary>
    public required string Symbol { get; init; }

    /// <summary>The exchange's market id, e.g. <c>BTCUSDT</c> (Binance), <c>XBTUSDT</c> (Kraken), <c>BTC-USDT</c> (Coinbase).</summary>
    public required string Id { get; init; }

    public required string Base { get; init; }

    public required string Quote { get; init; }

    /// <summary>The exchange's id of the base asset (Kraken: <c>XXBT</c>).</summary>
    public required string BaseId { get; init; }

    public required string QuoteId { get; init; }

    public bool Active { get; init; } = true;

    /// <summary>Amounts are multiples of this (Binance LOT_SIZE stepSize, Kraken 10^-lot_decimals, Coinbase base_increment).</summary>
    public required decimal AmountStep { get; init; }

    /// <summary>Prices are multiples of this (tick size).</summary>
    public required decimal PriceTick { get; init; }

    public decimal? MinAmount { get; init; }

    public decimal? MaxAmount { get; init; }

    public decimal? MinPrice { get; init; }

    public decimal? MaxPrice { get; init; }

    /// <summary>Minimum notional (amount × price), in the quote currency.</summary>
    public decimal? MinCost { get; init; }

    public decimal? MaxCost { get; init; }

    public decimal? Maker { get; init; }

    public decimal? Taker { get; init; }

    /// <summary>Order types the exchange accepts on this market; null when it does not say (then every type the connector supports).</summary>
    public IReadOnlySet<OrderType>? OrderTypes { get; init; }

    /// <summary>Exchange-specific names a connector needs (Kraken: <c>altname</c>, <c>wsname</c>).</summary>
    public IReadOnlyDictionary<string, string> Extra { get; init; } = new Dictionary<string, string>();

    /// <summary>The symbol of a base and quote, as CCXT writes it.</summary>
    public static string SymbolOf(string @base, string quote) => $"{@base}/{quote}";
}
