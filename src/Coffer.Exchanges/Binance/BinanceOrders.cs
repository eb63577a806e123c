using Coffer.Exchanges.Model;

namespace Coffer.Exchanges.Binance;

/// <summary>
/// POST /api/v3/order parameters from a unified order request (rest-api.md "New order", mandatory parameters per type):
/// amounts truncated to the lot step (MARKET_LOT_SIZE for market orders), prices rounded to the tick, market buys by
/// value (a cost, or a price with the amount: MarketOrderSize) as quoteOrderQty, post-only limits as LIMIT_MAKER. Every order carries a client order id, so an order whose
/// outcome is unknown (5xx, timeout) can be found again.
/// </summary>
internal static class BinanceOrders
{
    public static List<KeyValuePair<string, string>> Parameters(OrderRequest request, Market market)
    {
        var type = NativeType(request);
        if (market.OrderTypes is { } allowed && !allowed.Contains(request.Type))
        {
            throw Invalid($"{market.Symbol} does not accept {request.Type} orders.");
        }

        var p = new List<KeyValuePair<string, string>>
        {
            new("symbol", market.Id),
            new("side", request.Side == OrderSide.Buy ? "BUY" : "SELL"),
            new("type", type),
        };

        var isLimit = request.Type is OrderType.Limit or OrderType.StopLimit or OrderType.TakeProfitLimit;
        if (isLimit && type != "LIMIT_MAKER")
        {
            p.Add(new("timeInForce", (request.TimeInForce ?? TimeInForce.Gtc).ToString().ToUpperInvariant()));
        }
        else if (!isLimit && request.TimeInForce is not null)
        {
            throw Invalid("A time in force applies to limit orders only.");
        }

        // One sizing rule for market orders on every exchange (MarketOrderSize.Of); other types trade an amount.
        var size = request.Type == OrderType.Market ? MarketOrderSize.Of(request, BinanceErrors.Exchange) : new MarketOrderSize(request.Amount, null);
        if (size.QuoteToSpend is { } quote)
        {
            // rest-api.md: MARKET takes quantity or quoteOrderQty (spend this much of the quote currency).
            p.Add(new("quoteOrderQty", Positive(Precision.TruncateToStep(quote, market.PriceTick), "cost")));
        }
        else
        {
            if (request.Cost is not null)
            {
                throw Invalid("A cost applies to market orders only; give an amount.");
            }

            var step = request.Type == OrderType.Market && market.Extra.TryGetValue("marketStepSize", out var s) && Precision.Parse(s) is { } marketStep ? marketStep : market.AmountStep;
            var amount = size.BaseAmount is { } a ? Precision.TruncateToStep(a, step) : throw Invalid("The order needs an amount.");
            if (market.MinAmount is { } min && amount < min)
            {
                throw Invalid($"{Precision.Format(amount)} is below the minimum amount {Precision.Format(min)} of {market.Symbol}.");
            }

            p.Add(new("quantity", Positive(amount, "amount")));
        }

        if (isLimit)
        {
            var price = request.Price is { } pr ? Precision.RoundToStep(pr, market.PriceTick) : throw Invalid($"A {request.Type} order needs a price.");
            p.Add(new("price", Positive(price, "price")));
        }

        if (request.Type is OrderType.StopLoss or OrderType.StopLimit or OrderType.TakeProfit or OrderType.TakeProfitLimit)
        {
            var trigger = request.TriggerPrice is { } t ? Precision.RoundToStep(t, market.PriceTick) : throw Invalid($"A {request.Type} order needs a trigger price.");
            p.Add(new("stopPrice", Positive(trigger, "trigger price")));
        }

        p.Add(new("newClientOrderId", request.ClientOrderId ?? NewClientOrderId()));
        p.Add(new("newOrderRespType", "FULL"));
        return p;
    }

    /// <summary>Binance accepts client order ids matching <c>^[a-zA-Z0-9-_]{1,36}$</c>.</summary>
    public static string NewClientOrderId() => "cf" + Guid.NewGuid().ToString("N");

    private static string NativeType(OrderRequest request) => request.Type switch
    {
        OrderType.Limit when request.PostOnly => request.TimeInForce is null or TimeInForce.Gtc ? "LIMIT_MAKER" : throw Invalid("A post-only order cannot be IOC or FOK."),
        _ when request.PostOnly => throw Invalid("Binance takes post-only for plain limit orders only (LIMIT_MAKER)."),
        OrderType.Market => "MARKET",
        OrderType.Limit => "LIMIT",
        OrderType.StopLoss => "STOP_LOSS",
        OrderType.StopLimit => "STOP_LOSS_LIMIT",
        OrderType.TakeProfit => "TAKE_PROFIT",
        OrderType.TakeProfitLimit => "TAKE_PROFIT_LIMIT",
        _ => throw Invalid($"Binance has no {request.Type} order."),
    };

    private static string Positive(decimal value, string what) =>
        value > 0 ? Precision.Format(value) : throw Invalid($"The {what} rounds to zero at this market's precision.");

    private static ExchangeException Invalid(string message) =>
        new(BinanceErrors.Exchange, ExchangeErrorKind.InvalidOrder, message, transient: false);
}
