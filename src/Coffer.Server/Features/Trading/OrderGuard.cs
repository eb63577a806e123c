using System.Globalization;
using Coffer.Server.Features.Tokens;

namespace Coffer.Server.Features.Trading;

/// <summary>What the token constraints judge about one order: where, what, at which prices, worth how much.</summary>
/// <param name="LimitPrice">The limit price (limit and stop-limit types).</param>
/// <param name="TriggerPrice">The trigger price (stop and take-profit types).</param>
/// <param name="ReferencePrice">The market's current price on that exchange; null when none is known.</param>
/// <param name="Notional">The order's value in <paramref name="Currency"/>; null when it cannot be converted.</param>
internal sealed record OrderCheck(string Exchange, string Symbol, decimal? LimitPrice, decimal? TriggerPrice, decimal? ReferencePrice, decimal? Notional, string Currency);

/// <summary>Why an order is refused: the constraint's stable name (as the token's <c>trading</c> object spells it) and what to do.</summary>
internal sealed record Refusal(string Constraint, string Message);

/// <summary>
/// The acting token's trading limits (DESIGN §4), judged before anything reaches an exchange. Fails closed: a limit
/// that cannot be evaluated (no market price for a price band, a value that cannot be converted for a notional limit)
/// refuses the order.
/// </summary>
internal static class OrderGuard
{
    public static Refusal? Check(TradingLimits? limits, OrderCheck order)
    {
        if (limits is null)
        {
            return null;
        }

        if (limits.Exchanges is { } exchanges && !exchanges.Contains(order.Exchange, StringComparer.OrdinalIgnoreCase))
        {
            return new("exchanges", $"This token may trade only on {string.Join(", ", exchanges)}, not on {order.Exchange}.");
        }

        if (limits.Symbols is { } symbols && !symbols.Contains(order.Symbol, StringComparer.OrdinalIgnoreCase))
        {
            return new("symbols", $"This token may trade only {string.Join(", ", symbols)}, not {order.Symbol}.");
        }

        if (limits.MaxOrderNotional is { } max)
        {
            if (order.Notional is not { } notional)
            {
                return new("max_order_notional", $"The order's value cannot be converted to {order.Currency} (no price path), so the token's limit of {N(max)} {order.Currency} per order cannot be checked.");
            }

            if (notional > max)
            {
                return new("max_order_notional", $"The order is worth about {N(notional)} {order.Currency}; this token may place orders of at most {N(max)} {order.Currency}.");
            }
        }

        if (limits.PriceBandPercent is { } band)
        {
            foreach (var (price, what) in new[] { (order.LimitPrice, "limit price"), (order.TriggerPrice, "trigger price") })
            {
                if (price is not { } p)
                {
                    continue;
                }

                if (order.ReferencePrice is not { } reference || reference <= 0)
                {
                    return new("price_band_percent", $"No current price of {order.Symbol} on {order.Exchange} is known, so the token's price band of {N(band)}% cannot be checked.");
                }

                var distance = Math.Abs(p - reference) / reference * 100m;
                if (distance > band)
                {
                    return new("price_band_percent", $"The {what} {N(p)} is {N(decimal.Round(distance, 2))}% away from the market price {N(reference)}; this token may trade only within {N(band)}% of it.");
                }
            }
        }

        return null;
    }

    /// <summary>The daily cap of one token in the acting chain: what its branch traded in the last 24 hours, plus this order.</summary>
    public static Refusal? CheckDailyVolume(decimal cap, decimal tradedToday, decimal? notional, string currency, string capAccessor)
    {
        if (notional is not { } value)
        {
            return new("daily_volume_cap", $"The order's value cannot be converted to {currency}, so the daily volume cap of {N(cap)} {currency} (token {capAccessor}) cannot be checked.");
        }

        return tradedToday + value > cap
            ? new("daily_volume_cap", $"Token {capAccessor} may trade {N(cap)} {currency} in 24 hours; {N(tradedToday)} {currency} is used, and this order is worth about {N(value)} {currency}.")
            : null;
    }

    private static string N(decimal value) => value.ToString("0.########", CultureInfo.InvariantCulture);
}
