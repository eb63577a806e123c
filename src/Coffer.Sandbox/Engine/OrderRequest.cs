namespace Coffer.Sandbox.Engine;

/// <summary>An order as a front parsed it: exactly one of <see cref="Quantity"/> and <see cref="QuoteQuantity"/> (market only).</summary>
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
    string? ClientOrderId = null);
