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
    public static MarketOrderSize Of(OrderRequest request, string exchange)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Type != OrderType.Market)
        {
            throw new ArgumentException("Only market orders are sized by value.", nameof(request));
        }

        if (request.Cost is { } cost)
        {
            if (request.Amount is not (null or 0) || request.Price is not null)
            {
                throw Invalid(exchange, "Give a market order an amount (with a price, for a buy by value) or a cost, not both.");
            }

            return cost > 0 ? new(null, cost) : throw Invalid(exchange, "The cost to spend must be positive.");
        }

        var amount = request.Amount is > 0 ? request.Amount.Value : throw Invalid(exchange, "A market order needs a positive amount (or, for a buy, a cost).");
        if (request.Price is not { } price)
        {
            return new(amount, null);
        }

        if (request.Side == OrderSide.Sell)
        {
            throw Invalid(exchange, "A market sell takes no price: it sells the amount at the market.");
        }

        return price > 0 ? new(null, amount * price) : throw Invalid(exchange, "The price of a market buy by value must be positive.");
    }

    private static ExchangeException Invalid(string exchange, string message) => new(exchange, ExchangeErrorKind.InvalidOrder, message, transient: false);
}
