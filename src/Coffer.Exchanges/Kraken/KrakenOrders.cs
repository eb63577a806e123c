using Coffer.Exchanges.Model;

namespace Coffer.Exchanges.Kraken;

/// <summary>
/// An AddOrder request (https://docs.kraken.com/api/docs/rest-api/add-order) from a unified order checked by
/// <see cref="OrderRules"/>: volume truncated to the lot step, prices rounded to the tick. For stop-loss and take-profit
/// orders <c>price</c> is the trigger and <c>price2</c> the limit price.
/// </summary>
internal sealed record KrakenOrders(Market Market, OrderRequest Request, IReadOnlyList<KeyValuePair<string, string>> Fields, decimal Volume, decimal? Price, decimal? Trigger)
{
    private const string Exchange = "kraken";

    public static KrakenOrders Build(Market market, OrderRequest request)
    {
        ArgumentNullException.ThrowIfNull(market);
        ArgumentNullException.ThrowIfNull(request);
        var fields = new List<KeyValuePair<string, string>>
        {
            new("pair", market.Id),
            new("type", request.Side == OrderSide.Buy ? "buy" : "sell"),
            new("ordertype", KrakenParsing.OrderType(request.Type)),
        };

        // Precision (lot_decimals, tick_size), ordermin/costmin, status and the market-order sizing rule: one mechanism
        // for every exchange (OrderRules). A viqc volume is sent as given: Kraken states no step for it.
        var order = OrderRules.Check(request, market, request.Rounding, referencePrice: null).OrThrow(Exchange);
        var flags = new List<string>();
        decimal volume;
        if (order.QuoteToSpend is { } cost)
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
            volume = order.Amount ?? throw new InvalidOperationException("A checked order has an amount or a quote to spend.");
        }

        fields.Add(new("volume", Precision.Format(volume)));
        var price = order.Price;
        var trigger = order.TriggerPrice;

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

    private static ExchangeException Invalid(string message) => new(Exchange, ExchangeErrorKind.InvalidOrder, message, transient: false);
}
