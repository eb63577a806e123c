using System.Globalization;
using Coffer.Exchanges.Transport;

namespace Coffer.Exchanges.Coinbase;

/// <summary>
/// Coinbase Advanced Trade's limits as data. The numbers are UNCONFIRMED: they come from a ccxt comment citing
/// https://docs.cloud.coinbase.com/advanced-trade/docs/rest-api-rate-limits ("max 30 req/second for private data, 10 req/s
/// for public data"); the official page was not found (exchanges.md §3.6). The x-ratelimit-* headers the exchange sends
/// (official SDK coinbase/constants.py) are fed back, so the exchange's own count wins when it counts more.
/// </summary>
internal static class CoinbaseRateLimits
{
    public const string Private = "private";
    public const string Public = "public";

    private const string Source = "UNCONFIRMED (3RD-PARTY): ccxt ts/src/coinbase.ts comment citing docs.cloud.coinbase.com/advanced-trade/docs/rest-api-rate-limits; exchanges.md §3.6";

    /// <summary>Authenticated endpoints: 30 requests per second per API key.</summary>
    public static readonly RateLimitRule PrivateRule = RateLimitRule.SlidingWindow(Private, RateLimitScope.Account, 30, TimeSpan.FromSeconds(1), Source);

    /// <summary>Public (market) endpoints: 10 requests per second per IP address.</summary>
    public static readonly RateLimitRule PublicRule = RateLimitRule.SlidingWindow(Public, RateLimitScope.Ip, 10, TimeSpan.FromSeconds(1), Source);

    public static readonly RateCost[] PrivateCost = [new(Private, 1)];

    public static readonly RateCost[] PublicCost = [new(Public, 1)];

    /// <summary>
    /// x-ratelimit-limit and x-ratelimit-remaining, when both are present: the exchange's used count, scaled onto the
    /// declared rule's capacity (the header's window need not be ours).
    /// </summary>
    public static void Observe(ExchangeResponse response, RequestBudget budget, RateLimitRule rule)
    {
        if (!double.TryParse(response.Header("x-ratelimit-limit"), NumberStyles.Float, CultureInfo.InvariantCulture, out var limit)
            || !double.TryParse(response.Header("x-ratelimit-remaining"), NumberStyles.Float, CultureInfo.InvariantCulture, out var remaining)
            || limit <= 0)
        {
            return;
        }

        var used = Math.Clamp(limit - remaining, 0, limit);
        budget.Observe(rule.Name, used * (rule.Capacity / limit));
    }
}
