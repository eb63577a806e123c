using System.Diagnostics.CodeAnalysis;

namespace Coffer.Exchanges.Model;

/// <summary>What to do with an amount or price that is not a whole multiple of the market's step.</summary>
internal enum RoundingPolicy
{
    /// <summary>
    /// Round the way the exchange (and CCXT) does: amounts truncated to the lot step, never more than asked for (CCXT
    /// amountToPrecision, TRUNCATE); prices rounded to the nearest tick (priceToPrecision, ROUND). The default.
    /// </summary>
    Round,

    /// <summary>Refuse an off-step value, naming the step, instead of changing what the caller asked for.</summary>
    Strict,
}

/// <summary>
/// What an exchange applies to an order beyond the <see cref="Market"/>'s own steps and limits. Each connector states its
/// own (Binance from its MARKET_LOT_SIZE and NOTIONAL filters; Coinbase its quote_increment); the default adds nothing.
/// </summary>
internal sealed record OrderSizing
{
    public static OrderSizing Default { get; } = new();

    /// <summary>The lot step of market orders where it differs from <see cref="Market.AmountStep"/> (Binance MARKET_LOT_SIZE stepSize).</summary>
    public decimal? MarketAmountStep { get; init; }

    /// <summary>The largest market order, on top of <see cref="Market.MaxAmount"/> (Binance MARKET_LOT_SIZE maxQty).</summary>
    public decimal? MarketMaxAmount { get; init; }

    /// <summary>
    /// The step the quote to spend of a market buy by value is truncated to; null sends it as given (Kraken's viqc
    /// volume). Binance: the tick (quoteOrderQty); Coinbase: quote_increment (quote_size).
    /// </summary>
    public decimal? QuoteStep { get; init; }

    /// <summary>Whether <see cref="Market.MinCost"/> applies to market orders too (Binance NOTIONAL applyMinToMarket, MIN_NOTIONAL applyToMarket).</summary>
    public bool MinCostAppliesToMarket { get; init; } = true;

    /// <summary>Whether <see cref="Market.MaxCost"/> applies to market orders too (Binance NOTIONAL applyMaxToMarket).</summary>
    public bool MaxCostAppliesToMarket { get; init; } = true;

    /// <summary>
    /// Whether <see cref="Market.MinCost"/> and <see cref="Market.MaxCost"/> bound the notional (amount × price) of an
    /// order sized in the base currency, or only a quote amount to spend. Binance NOTIONAL and Kraken costmin bound the
    /// notional. Coinbase's quote_min_size/quote_max_size are documented as the "Minimum size that can be represented of
    /// quote currency" — the bounds of a quote_size; as a minimum notional of a base_size order they are UNCONFIRMED
    /// (exchanges.md §3.4), so Coffer leaves that judgement to Coinbase.
    /// </summary>
    public bool CostLimitsBoundNotional { get; init; } = true;
}

/// <summary>The request as the exchange would take it: its values rounded to the market's steps, and what was changed.</summary>
/// <param name="Request">The request with the values below in it (a buy by value as a <see cref="OrderRequest.Cost"/>, no amount or price).</param>
/// <param name="Amount">The base amount to send; null for a market buy by value.</param>
/// <param name="Price">The limit price to send; null for market and stop-market orders.</param>
/// <param name="TriggerPrice">The trigger price to send; null for orders without one.</param>
/// <param name="QuoteToSpend">A market order by value: the quote currency to spend; otherwise null.</param>
/// <param name="Adjustments">Each change made to the request, for the caller to see: "amount 0.123456 truncated to 0.12345 (lot step 0.00001)".</param>
internal sealed record CheckedOrder(OrderRequest Request, decimal? Amount, decimal? Price, decimal? TriggerPrice, decimal? QuoteToSpend, IReadOnlyList<string> Adjustments);

/// <summary>Why the exchange would refuse an order.</summary>
/// <param name="Rule">A stable id of the broken rule (<see cref="OrderRuleIds"/>), for an API's problem type.</param>
/// <param name="Message">Names the market, the value and the limit, and says what to do.</param>
internal sealed record OrderRuleViolation(string Rule, string Message)
{
    /// <summary>The violation as a connector reports it: an <see cref="ExchangeErrorKind.InvalidOrder"/> with the message.</summary>
    public ExchangeException ToException(string exchange) => new(exchange, ExchangeErrorKind.InvalidOrder, Message, transient: false);
}

/// <summary>The stable ids of <see cref="OrderRuleViolation.Rule"/>.</summary>
internal static class OrderRuleIds
{
    public const string AmountStep = "amount-step";
    public const string MinAmount = "min-amount";
    public const string MaxAmount = "max-amount";
    public const string PriceTick = "price-tick";
    public const string MinPrice = "min-price";
    public const string MaxPrice = "max-price";
    public const string CostStep = "cost-step";
    public const string MinCost = "min-cost";
    public const string MaxCost = "max-cost";
    public const string OrderType = "order-type";
    public const string MarketInactive = "market-inactive";
    public const string MissingPrice = "missing-price";
    public const string MissingTrigger = "missing-trigger";
    public const string InvalidSize = "invalid-size";
}

/// <summary>Either the order as the exchange would take it, or why it would refuse it.</summary>
internal sealed class OrderRulesResult
{
    private OrderRulesResult(CheckedOrder? order, OrderRuleViolation? violation) => (Order, Violation) = (order, violation);

    public CheckedOrder? Order { get; }

    public OrderRuleViolation? Violation { get; }

    [MemberNotNullWhen(true, nameof(Order))]
    [MemberNotNullWhen(false, nameof(Violation))]
    public bool IsValid => Order is not null;

    public static OrderRulesResult Accepted(CheckedOrder order) => new(order ?? throw new ArgumentNullException(nameof(order)), null);

    public static OrderRulesResult Refused(OrderRuleViolation violation) => new(null, violation ?? throw new ArgumentNullException(nameof(violation)));

    /// <summary>The checked order, or the violation thrown as a connector reports it (<see cref="OrderRuleViolation.ToException"/>).</summary>
    public CheckedOrder OrThrow(string exchange) => IsValid ? Order : throw Violation.ToException(exchange);
}

/// <summary>
/// The one place where an order meets its market's rules, for every connector: precision (lot step, tick), limits
/// (amount, price, notional), the market's order types and status. It rounds as the exchange does, or (strict) refuses an
/// off-step value, and refuses before sending what the exchange would refuse — with a message that says what to change,
/// where the exchange would answer only "Filter failure: LOT_SIZE" (Binance -1013, exchanges.md §1.7) or
/// "EOrder:Order minimum not met" (Kraken, §2.7).
/// <para>The exchanges' rules (exchanges.md): Binance filters.md — LOT_SIZE <c>{minQty,maxQty,stepSize}</c>,
/// MARKET_LOT_SIZE for MARKET orders, PRICE_FILTER <c>{minPrice,maxPrice,tickSize}</c> ("0 disables a rule"),
/// NOTIONAL/MIN_NOTIONAL <c>{minNotional,applyMinToMarket,maxNotional,applyMaxToMarket}</c> (§1.4); Kraken AssetPairs —
/// <c>ordermin</c>, <c>costmin</c>, <c>lot_decimals</c>, <c>tick_size</c>, <c>status</c> (§2.4, errors "Order minimum not
/// met", "Cost minimum not met", "Tick size check failed", §2.7); Coinbase products — <c>base_increment</c>,
/// <c>price_increment</c>, <c>quote_increment</c>, <c>base_min_size</c>/<c>base_max_size</c>,
/// <c>quote_min_size</c>/<c>quote_max_size</c> (§3.4; quote_min_size as a minimum notional is UNCONFIRMED there, and is
/// how the sandbox checks it). Each connector's parsing puts these into the <see cref="Market"/> (and
/// <see cref="OrderSizing"/>).</para>
/// </summary>
internal static class OrderRules
{
    /// <summary>
    /// Checks <paramref name="request"/> against <paramref name="market"/>. Amounts are truncated to the step, prices
    /// (limit and trigger) rounded to the nearest tick, under <see cref="RoundingPolicy.Round"/>; then the result is
    /// refused when the amount is 0 or outside [MinAmount, MaxAmount], a price outside [MinPrice, MaxPrice], the notional
    /// outside [MinCost, MaxCost], the type not one the market takes, the market not trading, or a price or trigger missing.
    /// </summary>
    /// <param name="referencePrice">
    /// What one unit of a market order is expected to cost (a ticker's last price), for its notional: amount ×
    /// referencePrice, or the quote to spend of a buy by value. Null skips the cost check of market orders: the connectors
    /// place them without fetching a price first, and the exchange checks a market order's notional against its own
    /// average price (Binance NOTIONAL avgPriceMins, filters.md).
    /// </param>
    /// <param name="sizing">The exchange's own additions to the market's rules; <see cref="OrderSizing.Default"/> when null.</param>
    public static OrderRulesResult Check(OrderRequest request, Market market, RoundingPolicy policy, decimal? referencePrice, OrderSizing? sizing = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(market);
        sizing ??= OrderSizing.Default;
        var adjustments = new List<string>();
        var symbol = market.Symbol;
        var type = request.Type;

        if (!market.Active)
        {
            return Refuse(OrderRuleIds.MarketInactive, $"{symbol} is not open for trading (the exchange lists it as inactive); place the order when it reopens.");
        }

        if (market.OrderTypes is { } allowed && !allowed.Contains(type))
        {
            return Refuse(OrderRuleIds.OrderType, $"{symbol} does not accept {type} orders; it takes {string.Join(", ", allowed.Order())}.");
        }

        var isLimit = type is OrderType.Limit or OrderType.StopLimit or OrderType.TakeProfitLimit;
        var isTrigger = type is OrderType.StopLoss or OrderType.StopLimit or OrderType.TakeProfit or OrderType.TakeProfitLimit;

        // What the order trades: market orders by the one sizing rule (MarketOrderSize, CCXT's createOrder convention),
        // every other type an amount of the base currency.
        decimal? baseAsked;
        decimal? quoteAsked;
        if (type == OrderType.Market)
        {
            if (!MarketOrderSize.TryOf(request, out var size, out var refusal))
            {
                return Refuse(OrderRuleIds.InvalidSize, $"{symbol}: {refusal}");
            }

            (baseAsked, quoteAsked) = (size.BaseAmount, size.QuoteToSpend);
        }
        else if (request.Cost is not null)
        {
            return Refuse(OrderRuleIds.InvalidSize, $"{symbol}: a cost applies to market orders only; give a {type} order an amount of {market.Base}.");
        }
        else if (request.Amount is not > 0)
        {
            return Refuse(OrderRuleIds.InvalidSize, $"{symbol}: a {type} order needs a positive amount of {market.Base}.");
        }
        else
        {
            (baseAsked, quoteAsked) = (request.Amount, null);
        }

        if (isLimit && request.Price is null)
        {
            return Refuse(OrderRuleIds.MissingPrice, $"{symbol}: a {type} order needs a limit price.");
        }

        if (isTrigger && request.TriggerPrice is null)
        {
            return Refuse(OrderRuleIds.MissingTrigger, $"{symbol}: a {type} order needs a trigger price.");
        }

        if (!isTrigger && request.TriggerPrice is { } ignoredTrigger)
        {
            adjustments.Add($"trigger price {Precision.Format(ignoredTrigger)} ignored: a {type} order has no trigger");
        }

        if (isTrigger && !isLimit && request.Price is { } ignoredPrice)
        {
            adjustments.Add($"price {Precision.Format(ignoredPrice)} ignored: a {type} order fills at the market once triggered");
        }

        OrderRuleViolation? violation;
        decimal? amount = null;
        if (baseAsked is { } askedAmount)
        {
            (amount, violation) = CheckAmount(askedAmount, market, sizing, type == OrderType.Market, policy, adjustments);
            if (violation is not null)
            {
                return OrderRulesResult.Refused(violation);
            }
        }

        decimal? quote = null;
        if (quoteAsked is { } askedQuote)
        {
            (quote, violation) = CheckQuote(askedQuote, market, sizing, policy, adjustments);
            if (violation is not null)
            {
                return OrderRulesResult.Refused(violation);
            }
        }

        decimal? price = null;
        if (isLimit)
        {
            (price, violation) = CheckPrice(request.Price!.Value, "price", market, policy, adjustments);
            if (violation is not null)
            {
                return OrderRulesResult.Refused(violation);
            }
        }

        // Binance's PRICE_FILTER holds for stopPrice as for price (filters.md); a trigger is a price of the same market.
        decimal? trigger = null;
        if (isTrigger)
        {
            (trigger, violation) = CheckPrice(request.TriggerPrice!.Value, "trigger price", market, policy, adjustments);
            if (violation is not null)
            {
                return OrderRulesResult.Refused(violation);
            }
        }

        violation = CheckCost(market, sizing, type, amount, quote, price ?? trigger, referencePrice);
        if (violation is not null)
        {
            return OrderRulesResult.Refused(violation);
        }

        var rounded = request with { Amount = amount, Cost = quote, Price = price, TriggerPrice = trigger };
        return OrderRulesResult.Accepted(new CheckedOrder(rounded, amount, price, trigger, quote, adjustments));
    }

    private static (decimal? Amount, OrderRuleViolation? Violation) CheckAmount(decimal asked, Market market, OrderSizing sizing, bool isMarket, RoundingPolicy policy, List<string> adjustments)
    {
        // Binance: MARKET_LOT_SIZE is the lot step of MARKET orders (filters.md); LOT_SIZE (and the other exchanges' one
        // step) of every other order.
        var step = isMarket && sizing.MarketAmountStep is > 0 ? sizing.MarketAmountStep.Value : market.AmountStep;
        var what = isMarket && sizing.MarketAmountStep is > 0 ? "market lot step" : "lot step";
        var amount = Precision.TruncateToStep(asked, step);
        if (amount != asked)
        {
            if (policy == RoundingPolicy.Strict)
            {
                return (null, Violation(OrderRuleIds.AmountStep, $"{market.Symbol}: amount {F(asked)} {market.Base} is not a multiple of the {what} {F(step)}; send {F(amount)} (or let Coffer round it)."));
            }

            adjustments.Add($"amount {F(asked)} truncated to {F(amount)} ({what} {F(step)})");
        }

        var min = market.MinAmount;
        if (amount <= 0)
        {
            var least = min is { } m && m > step ? m : step;
            return (null, Violation(OrderRuleIds.MinAmount, $"{market.Symbol}: amount {F(asked)} {market.Base} is 0 at the {what} {F(step)}; order at least {F(least)} {market.Base}."));
        }

        if (min is { } minimum && amount < minimum)
        {
            return (null, Violation(OrderRuleIds.MinAmount, $"{market.Symbol}: amount {F(amount)} {market.Base}{Asked(asked, amount)} is below the market's minimum of {F(minimum)} {market.Base}; order at least {F(minimum)} {market.Base}."));
        }

        var max = isMarket ? Smaller(market.MaxAmount, sizing.MarketMaxAmount) : market.MaxAmount;
        if (max is { } maximum && amount > maximum)
        {
            return (null, Violation(OrderRuleIds.MaxAmount, $"{market.Symbol}: amount {F(amount)} {market.Base} is above the market's maximum of {F(maximum)} {market.Base}{(isMarket ? " for a market order" : string.Empty)}; order at most {F(maximum)} {market.Base}, or split the order."));
        }

        return (amount, null);
    }

    private static (decimal? Quote, OrderRuleViolation? Violation) CheckQuote(decimal asked, Market market, OrderSizing sizing, RoundingPolicy policy, List<string> adjustments)
    {
        if (sizing.QuoteStep is not > 0)
        {
            return (asked, null);
        }

        var step = sizing.QuoteStep.Value;
        var quote = Precision.TruncateToStep(asked, step);
        if (quote != asked)
        {
            if (policy == RoundingPolicy.Strict)
            {
                return (null, Violation(OrderRuleIds.CostStep, $"{market.Symbol}: {F(asked)} {market.Quote} to spend is not a multiple of the quote step {F(step)}; spend {F(quote)} (or let Coffer round it)."));
            }

            adjustments.Add($"quote to spend {F(asked)} truncated to {F(quote)} (quote step {F(step)})");
        }

        return quote > 0
            ? (quote, null)
            : (null, Violation(OrderRuleIds.MinCost, $"{market.Symbol}: {F(asked)} {market.Quote} to spend is 0 at the quote step {F(step)}; spend at least {F(step)} {market.Quote}."));
    }

    private static (decimal? Price, OrderRuleViolation? Violation) CheckPrice(decimal asked, string what, Market market, RoundingPolicy policy, List<string> adjustments)
    {
        var tick = market.PriceTick;
        var price = Precision.RoundToStep(asked, tick);
        if (price != asked)
        {
            if (policy == RoundingPolicy.Strict)
            {
                return (null, Violation(OrderRuleIds.PriceTick, $"{market.Symbol}: {what} {F(asked)} {market.Quote} is not a multiple of the tick {F(tick)}; send {F(price)} (or let Coffer round it)."));
            }

            adjustments.Add($"{what} {F(asked)} rounded to {F(price)} (tick {F(tick)})");
        }

        var min = market.MinPrice;
        if (price <= 0)
        {
            var least = min is { } m && m > tick ? m : tick > 0 ? tick : (decimal?)null;
            return (null, Violation(OrderRuleIds.MinPrice, $"{market.Symbol}: {what} {F(asked)} {market.Quote} is not positive at the tick {F(tick)}; give a {what}{(least is { } l ? $" of at least {F(l)} {market.Quote}" : " above 0")}."));
        }

        if (min is { } minimum && price < minimum)
        {
            return (null, Violation(OrderRuleIds.MinPrice, $"{market.Symbol}: {what} {F(price)} {market.Quote}{Asked(asked, price)} is below the market's minimum price of {F(minimum)} {market.Quote}; give a {what} of at least {F(minimum)}."));
        }

        if (market.MaxPrice is { } maximum && price > maximum)
        {
            return (null, Violation(OrderRuleIds.MaxPrice, $"{market.Symbol}: {what} {F(price)} {market.Quote}{Asked(asked, price)} is above the market's maximum price of {F(maximum)} {market.Quote}; give a {what} of at most {F(maximum)}."));
        }

        return (price, null);
    }

    /// <summary>
    /// The notional (amount × price, in the quote currency) against [MinCost, MaxCost]: a limit order's at its limit
    /// price, a stop-market order's at its trigger (the price it is expected to fill at), a market order's at the
    /// reference price (or its quote to spend) when one is given. Binance may exempt market orders
    /// (<see cref="OrderSizing.MinCostAppliesToMarket"/>); stop-market orders execute as market orders (rest-api.md:
    /// STOP_LOSS "executes MARKET when triggered") and are exempt alike.
    /// </summary>
    private static OrderRuleViolation? CheckCost(Market market, OrderSizing sizing, OrderType type, decimal? amount, decimal? quote, decimal? price, decimal? referencePrice)
    {
        var isMarketLike = type is OrderType.Market or OrderType.StopLoss or OrderType.TakeProfit;
        decimal notional;
        string how;
        if (type == OrderType.Market)
        {
            if (referencePrice is not { } reference)
            {
                return null;
            }

            (notional, how) = quote is { } q ? (q, "to spend") : (amount!.Value * reference, $"{F(amount!.Value)} {market.Base} × reference price {F(reference)}");
        }
        else
        {
            notional = amount!.Value * price!.Value;
            how = $"{F(amount.Value)} {market.Base} × {(type is OrderType.StopLoss or OrderType.TakeProfit ? "trigger price" : "price")} {F(price.Value)}";
        }

        if (quote is null && !sizing.CostLimitsBoundNotional)
        {
            return null;
        }

        var unitPrice = type == OrderType.Market ? (quote is null ? referencePrice : null) : price;
        if (market.MinCost is { } min && notional < min && (!isMarketLike || sizing.MinCostAppliesToMarket))
        {
            var hint = unitPrice is { } p and > 0
                ? $"order at least {F(CeilingToStep(min / p, market.AmountStep))} {market.Base} at this price"
                : $"spend at least {F(min)} {market.Quote}";
            return Violation(OrderRuleIds.MinCost, $"{market.Symbol}: the order's value {F(notional)} {market.Quote} ({how}) is below the market's minimum of {F(min)} {market.Quote}; {hint}.");
        }

        if (market.MaxCost is { } max && notional > max && (!isMarketLike || sizing.MaxCostAppliesToMarket))
        {
            return Violation(OrderRuleIds.MaxCost, $"{market.Symbol}: the order's value {F(notional)} {market.Quote} ({how}) is above the market's maximum of {F(max)} {market.Quote}; order less, or split the order.");
        }

        return null;
    }

    private static decimal CeilingToStep(decimal value, decimal step) =>
        step <= 0 ? value : decimal.Ceiling(value / step) * step;

    private static decimal? Smaller(decimal? a, decimal? b) => (a, b) switch
    {
        ({ } x, { } y) => Math.Min(x, y),
        _ => a ?? b,
    };

    private static string Asked(decimal asked, decimal used) => asked == used ? string.Empty : $" (from {F(asked)})";

    private static string F(decimal value) => Precision.Format(value);

    private static OrderRuleViolation Violation(string rule, string message) => new(rule, message);

    private static OrderRulesResult Refuse(string rule, string message) => OrderRulesResult.Refused(new(rule, message));
}
