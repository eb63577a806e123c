using Coffer.Sandbox.Engine;

namespace Coffer.Sandbox.Coinbase;

/// <summary>
/// The engine's refusals as Advanced Trade words them: <c>error</c> / <c>new_order_failure_reason</c> from the
/// NewOrderFailureReason enum and <c>preview_failure_reason</c> from PreviewFailureReason (Create Order reference; the
/// pairing of the two per case is the sandbox's reading, UNCONFIRMED where the docs give no example).
/// </summary>
internal static class CoinbaseRejections
{
    /// <summary>Size rules checked before the engine, for the finer reasons Coinbase gives (too small, too large, precision).</summary>
    public static CoinbaseFailure? Precheck(CoinbaseOrderSpec spec, Market market)
    {
        if (spec.BaseSize is { } size)
        {
            if (size <= 0 || size < market.MinQty)
            {
                return new("INVALID_SIZE_PRECISION", "Base size is too small", "PREVIEW_INVALID_BASE_SIZE_TOO_SMALL", "INVALID_SIZE_PRECISION");
            }

            if (size > market.MaxQty)
            {
                return new("INVALID_SIZE_PRECISION", "Base size is too large", "PREVIEW_INVALID_BASE_SIZE_TOO_LARGE", "INVALID_SIZE_PRECISION");
            }

            if (!Market.IsMultipleOf(size, market.LotStep))
            {
                return new("INVALID_SIZE_PRECISION", "Base size precision is too fine", "PREVIEW_INVALID_SIZE_PRECISION", "INVALID_SIZE_PRECISION");
            }
        }

        if (spec.QuoteSize is { } quote)
        {
            if (quote <= 0 || quote < market.MinNotional)
            {
                return new("INVALID_SIZE_PRECISION", "Quote size is too small", "PREVIEW_INVALID_QUOTE_SIZE_TOO_SMALL", "INVALID_SIZE_PRECISION");
            }

            if (!Market.IsMultipleOf(quote, market.TickSize))
            {
                return new("INVALID_SIZE_PRECISION", "Quote size precision is too fine", "PREVIEW_INVALID_QUOTE_SIZE_PRECISION", "INVALID_SIZE_PRECISION");
            }
        }

        return null;
    }

    public static CoinbaseFailure Map(RejectReason reason, CoinbaseOrderSpec spec) => reason switch
    {
        RejectReason.UnknownSymbol => CoinbaseFailure.InvalidProduct,
        RejectReason.InsufficientBalance =>
            new("INSUFFICIENT_FUND", "Insufficient balance in source account", "PREVIEW_INSUFFICIENT_FUND", "INSUFFICIENT_FUND"),
        RejectReason.WouldTakeImmediately =>
            new("INVALID_LIMIT_PRICE_POST_ONLY", "Post-only order would cross", "PREVIEW_INVALID_LIMIT_PRICE_POST_ONLY", "INVALID_LIMIT_PRICE_POST_ONLY"),
        RejectReason.PriceFilter => new("INVALID_PRICE_PRECISION", "Price precision is too fine", "PREVIEW_INVALID_PRICE_PRECISION", "INVALID_PRICE_PRECISION"),
        RejectReason.InvalidPrice => new("INVALID_LIMIT_PRICE", "Invalid limit price", "PREVIEW_INVALID_LIMIT_PRICE", "INVALID_LIMIT_PRICE"),
        RejectReason.WouldTriggerImmediately =>
            new("INVALID_ARGUMENT", $"Stop price would trigger immediately ({(spec.Type == OrderType.StopLossLimit ? "stop" : "take-profit")} side)",
                "PREVIEW_INVALID_STOP_PRICE", "INVALID_REQUEST"),
        RejectReason.MinNotional => new("INVALID_SIZE_PRECISION", "Order value is too small", "PREVIEW_INVALID_QUOTE_SIZE_TOO_SMALL", "INVALID_SIZE_PRECISION"),
        RejectReason.LotSize or RejectReason.InvalidQuantity =>
            new("INVALID_SIZE_PRECISION", "Invalid base size", "PREVIEW_INVALID_SIZE_PRECISION", "INVALID_SIZE_PRECISION"),
        _ => new("UNKNOWN_FAILURE_REASON", "Order rejected", "UNKNOWN_PREVIEW_FAILURE_REASON", "UNKNOWN_FAILURE_REASON"),
    };
}
