using Coffer.Exchanges.Transport;

namespace Coffer.Exchanges.Kraken;

/// <summary>
/// Kraken's documented limits (https://docs.kraken.com/api/docs/guides/spot-rest-ratelimits and
/// https://docs.kraken.com/api/docs/guides/spot-ratelimits). Kraken does not say which verification tier an account
/// has, so Coffer assumes the lowest, Starter — a higher tier only makes it slower than it could be, never refused —
/// and keeps 20% headroom.
/// </summary>
internal static class KrakenRateLimits
{
    public const string Rest = "rest";

    public const string Public = "public";

    /// <summary>The REST call counter per API key: max 15, −0.33/s (Starter; Intermediate 20 and −0.5/s, Pro 20 and −1/s).</summary>
    public static readonly RateLimitRule RestCounter = RateLimitRule.Decaying(
        Rest, RateLimitScope.Account, capacity: 15, decayPerSecond: 0.33, "docs.kraken.com/api/docs/guides/spot-rest-ratelimits (Starter: max 15, decay 0.33/s)");

    /// <summary>
    /// Public endpoints are limited per IP; Kraken's support article gives about one call per second. UNCONFIRMED on
    /// docs.kraken.com, so declared conservatively.
    /// </summary>
    public static readonly RateLimitRule PublicCalls = RateLimitRule.SlidingWindow(
        Public, RateLimitScope.Ip, capacity: 1, TimeSpan.FromSeconds(1), "support.kraken.com 'What are the API rate limits?' (public: ~1/s per IP; UNCONFIRMED)");

    /// <summary>Ledger and trade-history calls raise the REST counter by 2, others by 1 (spot-rest-ratelimits).</summary>
    public static readonly RateCost OneCall = new(Rest, 1);

    public static readonly RateCost HistoryCall = new(Rest, 2);

    public static readonly RateCost PublicCall = new(Public, 1);

    /// <summary>
    /// The matching engine's counter per pair (spot-ratelimits): Starter threshold 60, decay −1/s. AddOrder
    /// adds 1; CancelOrder adds 8 for an order younger than 5 s down to 1 under 300 s — Coffer charges the worst case.
    /// </summary>
    public static RateLimitRule TradingCounter(string pairId) => RateLimitRule.Decaying(
        TradingRule(pairId), RateLimitScope.Account, capacity: 60, decayPerSecond: 1, "docs.kraken.com/api/docs/guides/spot-ratelimits (Starter: threshold 60, decay 1/s, per pair)");

    public static string TradingRule(string pairId) => "trade:" + pairId;

    public static RateCost AddOrder(string pairId) => new(TradingRule(pairId), 1);

    public static RateCost CancelOrder(string pairId) => new(TradingRule(pairId), 8);
}
