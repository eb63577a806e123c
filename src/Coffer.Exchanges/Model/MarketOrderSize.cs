using System.Diagnostics.CodeAnalysis;

namespace Coffer.Exchanges.Model;

/// <summary>What a market order trades: an amount of the base currency, or (a buy by value) an amount of quote to spend.</summary>
/// <param name="BaseAmount">The base amount to buy or sell; null when the order spends <paramref name="QuoteToSpend"/>.</param>
/// <param name="QuoteToSpend">The quote currency to spend; null when the order trades <paramref name="BaseAmount"/>.</param>
internal readonly record struct MarketOrderSize(decimal? BaseAmount, decimal? QuoteToSpend)
{
    /// <summary>
    /// The one sizing rule of a <see cref="OrderType.Market"/> request, applied alike by every connector (it is CCXT's
    /// createOrder convention, so a caller who knows CCXT gets what it expects):
    /// <list type="bullet">
    /// <item>a market buy with a <see cref="OrderRequest.Price"/> spends <c>Amount × Price</c> of the quote currency (Binance
    /// <c>quoteOrderQty</c>, Coinbase <c>quote_size</c>, Kraken <c>oflags=viqc</c>): the price is the caller's estimate of
    /// what one unit costs, the exchange buys as much as that sum buys at the market;</item>
    /// <item>a market buy without a price buys <c>Amount</c> of the base currency;</item>
    /// <item>a market order with a <see cref="OrderRequest.Cost"/> (and no amount, or an amount of 0) spends the cost;</item>
    /// <item>a market sell sells <c>Amount</c>; a price on it means nothing and is refused rather than ignored, as are a
    /// cost together with an amount or a price, and a size that is not positive.</item>
    /// </list>
    /// Connectors then round the result to the market's steps as the exchange does.
    /// </summary>
    /// <exception cref="ExchangeException">An <see cref="ExchangeErrorKind.InvalidOrder"/> for a request the rule refuses.</exception>
    public static MarketOrderSize Of(OrderRequest request, string exchange) =>
        TryOf(request, out var size, out var refusal) ? size : throw Invalid(exchange, refusal);

    /// <summary>The rule of <see cref="Of"/> without an exception: false, with the reason, for a request it refuses.</summary>
    public static bool TryOf(OrderRequest request, out MarketOrderSize size, [NotNullWhen(false)] out string? refusal)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Type != OrderType.Market)
        {
            throw new ArgumentException("Only market orders are sized by value.", nameof(request));
        }

        size = default;
        refusal = null;
        if (request.Cost is { } cost)
        {
            if (request.Amount is not (null or 0) || request.Price is not null)
            {
                refusal = "Give a market order an amount (with a price, for a buy by value) or a cost, not both.";
            }
            else if (cost > 0)
            {
                size = new(null, cost);
            }
            else
            {
                refusal = "The cost to spend must be positive.";
            }

            return refusal is null;
        }

        if (request.Amount is not > 0)
        {
            refusal = "A market order needs a positive amount (or, for a buy, a cost).";
            return false;
        }

        var amount = request.Amount.Value;
        if (request.Price is not { } price)
        {
            size = new(amount, null);
            return true;
        }

        if (request.Side == OrderSide.Sell)
        {
            refusal = "A market sell takes no price: it sells the amount at the market.";
            return false;
        }

        if (price <= 0)
        {
            refusal = "The price of a market buy by value must be positive.";
            return false;
        }

        size = new(null, amount * price);
        return true;
    }

    private static ExchangeException Invalid(string exchange, string message) => new(exchange, ExchangeErrorKind.InvalidOrder, message, transient: false);
}
