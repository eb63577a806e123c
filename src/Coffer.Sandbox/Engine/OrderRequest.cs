namespace Coffer.Sandbox.Engine;

/// <summary>
/// An order as a front parsed it: exactly one of <see cref="Quantity"/> and <see cref="QuoteQuantity"/> (market only).
/// <see cref="FeeInQuote"/>: the front's exchange charges a buy's fee in the quote currency on top of its cost (Coinbase
/// spot) rather than out of the base received (Binance); sells pay in the quote either way.
/// </summary>
internal sealed record OrderRequest(
    string Account,
    string Symbol,
    OrderSide Side,
    OrderType Type,
    decimal? Quantity,
    decimal? QuoteQuantity = null,
    decimal? Price = null,
    decimal? StopPrice = null,
    TimeInForce TimeInForce = TimeInForce.Gtc,
    string? ClientOrderId = null,
    bool FeeInQuote = false);
