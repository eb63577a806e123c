using Coffer.Exchanges.Model;

namespace Coffer.Exchanges.Binance;

/// <summary>
/// POST /api/v3/order parameters from a unified order request (rest-api.md "New order", mandatory parameters per type):
/// the market's rules applied by <see cref="OrderRules"/> (amounts truncated to the lot step, MARKET_LOT_SIZE for market
/// orders; prices rounded to the tick; market buys by value, a cost or a price with the amount, as quoteOrderQty),
/// post-only limits as LIMIT_MAKER. Every order carries a client order id, so an order whose outcome is unknown (5xx,
/// timeout) can be found again.
/// </summary>
internal static class BinanceOrders
{
    public static List<KeyValuePair<string, string>> Parameters(OrderRequest request, Market market)
    {
        ArgumentNullException.ThrowIfNull(request);
        var type = NativeType(request);

        // Precision, limits, order types and the market-order sizing rule: one mechanism for every exchange (OrderRules).
        var order = OrderRules.Check(request, market, request.Rounding, referencePrice: null, Sizing(market)).OrThrow(BinanceErrors.Exchange);
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

        if (order.QuoteToSpend is { } quote)
        {
            // rest-api.md: MARKET takes quantity or quoteOrderQty (spend this much of the quote currency).
            p.Add(new("quoteOrderQty", Precision.Format(quote)));
        }
        else if (order.Amount is { } amount)
        {
            p.Add(new("quantity", Precision.Format(amount)));
        }

        if (order.Price is { } price)
        {
            p.Add(new("price", Precision.Format(price)));
        }

        if (order.TriggerPrice is { } trigger)
        {
            p.Add(new("stopPrice", Precision.Format(trigger)));
        }

        p.Add(new("newClientOrderId", request.ClientOrderId ?? NewClientOrderId()));
        p.Add(new("newOrderRespType", "FULL"));
        return p;
    }

    /// <summary>
    /// Binance's additions to a market's rules, from the filters its parsing keeps in <see cref="Market.Extra"/>
    /// (filters.md): MARKET_LOT_SIZE's stepSize and maxQty for MARKET orders, whether NOTIONAL (or MIN_NOTIONAL) applies
    /// to market orders; quoteOrderQty is truncated to the tick.
    /// </summary>
    public static OrderSizing Sizing(Market market)
    {
        ArgumentNullException.ThrowIfNull(market);
        decimal? Extra(string key) => market.Extra.TryGetValue(key, out var text) ? Precision.Parse(text) : null;
        return new OrderSizing
        {
            MarketAmountStep = Extra(BinanceParsing.MarketStepSizeKey),
            MarketMaxAmount = Extra(BinanceParsing.MarketMaxQtyKey),
            QuoteStep = market.PriceTick,
            MinCostAppliesToMarket = !market.Extra.TryGetValue(BinanceParsing.MinNotionalAppliesToMarketKey, out var min) || min != "false",
            MaxCostAppliesToMarket = !market.Extra.TryGetValue(BinanceParsing.MaxNotionalAppliesToMarketKey, out var max) || max != "false",
        };
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

    private static ExchangeException Invalid(string message) =>
        new(BinanceErrors.Exchange, ExchangeErrorKind.InvalidOrder, message, transient: false);
}
