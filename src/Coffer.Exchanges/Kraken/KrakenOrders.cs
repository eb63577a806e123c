using Coffer.Exchanges.Model;

namespace Coffer.Exchanges.Kraken;

/// <summary>
/// An AddOrder request (https://docs.kraken.com/api/docs/rest-api/add-order) from a unified order: volume truncated to
/// the lot step, prices rounded to the tick. For stop-loss and take-profit orders <c>price</c> is the trigger and
/// <c>price2</c> the limit price.
/// </summary>
internal sealed record KrakenOrders(Market Market, OrderRequest Request, IReadOnlyList<KeyValuePair<string, string>> Fields, decimal Volume, decimal? Price, decimal? Trigger)
{
    public static KrakenOrders Build(Market market, OrderRequest request)
    {
        var fields = new List<KeyValuePair<string, string>>
        {
            new("pair", market.Id),
            new("type", request.Side == OrderSide.Buy ? "buy" : "sell"),
            new("ordertype", KrakenParsing.OrderType(request.Type)),
        };
        var flags = new List<string>();
        decimal volume;
        var size = request.Type == OrderType.Market ? MarketOrderSize.Of(request, "kraken") : new MarketOrderSize(request.Amount, null);
        if (size.QuoteToSpend is { } cost)
        {
            // A market buy by value (a cost, or a price with the amount: MarketOrderSize): viqc makes the volume a
            // quote-currency amount, "supported only for buy market orders" (AddOrder oflags).
            if (request.Side != OrderSide.Buy)
            {
                throw Invalid($"Kraken takes an amount to spend only for market buys; give a {market.Base} amount to sell.");
            }

            volume = cost;
            flags.Add("viqc");
        }
        else
        {
            var amount = size.BaseAmount ?? throw Invalid("The order needs an amount.");
            volume = Precision.TruncateToStep(amount, market.AmountStep);
            if (volume <= 0)
            {
                throw Invalid($"{Precision.Format(amount)} {market.Base} is below the smallest step ({Precision.Format(market.AmountStep)}) of {market.Symbol}.");
            }

            if (market.MinAmount is { } min && volume < min)
            {
                throw Invalid($"{market.Symbol} orders must be at least {Precision.Format(min)} {market.Base} (Kraken ordermin).");
            }
        }

        fields.Add(new("volume", Precision.Format(volume)));

        var price = request.Type is OrderType.Limit or OrderType.StopLimit or OrderType.TakeProfitLimit
            ? Precision.RoundToStep(request.Price ?? throw Invalid("A limit order needs a price."), market.PriceTick)
            : (decimal?)null;
        var trigger = request.Type is OrderType.StopLoss or OrderType.StopLimit or OrderType.TakeProfit or OrderType.TakeProfitLimit
            ? Precision.RoundToStep(request.TriggerPrice ?? throw Invalid("A stop-loss or take-profit order needs a trigger price."), market.PriceTick)
            : (decimal?)null;
        if (price <= 0 || trigger <= 0)
        {
            throw Invalid("Prices must be positive.");
        }

        switch (request.Type)
        {
            case OrderType.Limit:
                fields.Add(new("price", Precision.Format(price!.Value)));
                break;
            case OrderType.StopLoss or OrderType.TakeProfit:
                fields.Add(new("price", Precision.Format(trigger!.Value)));
                break;
            case OrderType.StopLimit or OrderType.TakeProfitLimit:
                fields.Add(new("price", Precision.Format(trigger!.Value)));
                fields.Add(new("price2", Precision.Format(price!.Value)));
                break;
        }

        if (request.PostOnly)
        {
            flags.Add("post");
        }

        if (flags.Count > 0)
        {
            fields.Add(new("oflags", string.Join(',', flags)));
        }

        if (request.TimeInForce is { } tif)
        {
            fields.Add(new("timeinforce", tif.ToString().ToUpperInvariant()));
        }

        if (request.ClientOrderId is { } clientOrderId)
        {
            fields.Add(new("cl_ord_id", clientOrderId));
        }

        return new KrakenOrders(market, request, fields, volume, price, trigger);
    }

    /// <summary>The order as Kraken accepted it: AddOrder answers only its txid and a description, not the status.</summary>
    public Order Accepted(string txid) => new()
    {
        Id = txid,
        ClientOrderId = Request.ClientOrderId,
        Symbol = Market.Symbol,
        Type = Request.Type,
        Side = Request.Side,
        Status = null,
        TimeInForce = Request.TimeInForce ?? (Request.Type == OrderType.Market ? TimeInForce.Ioc : null),
        PostOnly = Request.PostOnly,
        Price = Price,
        TriggerPrice = Trigger,
        Amount = ByValue ? null : Volume,
        Cost = null,
    };

    /// <summary>A market buy by value: <see cref="Volume"/> is the quote currency to spend (viqc), not a base amount.</summary>
    private bool ByValue => Fields.Any(f => f.Key == "oflags" && f.Value.Split(',').Contains("viqc"));

    private static ExchangeException Invalid(string message) => new("kraken", ExchangeErrorKind.InvalidOrder, message, transient: false);
}
