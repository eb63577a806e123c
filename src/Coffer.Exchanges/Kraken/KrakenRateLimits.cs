using Coffer.Exchanges.Transport;

namespace Coffer.Exchanges.Kraken;

/// <summary>
/// Kraken's documented limits (https://docs.kraken.com/api/docs/guides/spot-rest-ratelimits and
/// https://docs.kraken.com/api/docs/guides/spot-ratelimits). Kraken does not say which verification tier an account
/// has, so Coffer assumes Intermediate — the lower decay of the two tiers in the table — and keeps 20% headroom.
/// </summary>
internal static class KrakenRateLimits
{
    public const string Rest = "rest";

    public const string Public = "public";

    /// <summary>The REST call counter per API key: max 20, −0.5/s (Intermediate; Pro decays at −1/s).</summary>
    public static readonly RateLimitRule RestCounter = RateLimitRule.Decaying(
        Rest, RateLimitScope.Account, capacity: 20, decayPerSecond: 0.5, "docs.kraken.com/api/docs/guides/spot-rest-ratelimits (Intermediate: max 20, decay 0.5/s)");

    /// <summary>
    /// Public endpoints are limited per IP; Kraken's support article gives about one call per second. UNCONFIRMED on
    /// docs.kraken.com, so declared conservatively.
    /// </summary>
    public static readonly RateLimitRule PublicCalls = RateLimitRule.SlidingWindow(
        Public, RateLimitScope.Ip, capacity: 1, TimeSpan.FromSeconds(1), "support.kraken.com 'What are the API rate limits?' (public: ~1/s per IP; UNCONFIRMED)");

    /// <summary>Ledger and trade-history calls raise the REST counter by 4, others by 1 (spot-rest-ratelimits).</summary>
    public static readonly RateCost OneCall = new(Rest, 1);

    public static readonly RateCost HistoryCall = new(Rest, 4);

    public static readonly RateCost PublicCall = new(Public, 1);

    /// <summary>
    /// The matching engine's counter per pair (spot-ratelimits): Intermediate threshold 125, decay −2.34/s. AddOrder
    /// adds 1; CancelOrder adds 8 for an order younger than 5 s down to 1 under 300 s — Coffer charges the worst case.
    /// </summary>
    public static RateLimitRule TradingCounter(string pairId) => RateLimitRule.Decaying(
        TradingRule(pairId), RateLimitScope.Account, capacity: 125, decayPerSecond: 2.34, "docs.kraken.com/api/docs/guides/spot-ratelimits (Intermediate: threshold 125, decay 2.34/s, per pair)");

    public static string TradingRule(string pairId) => "trade:" + pairId;

    public static RateCost AddOrder(string pairId) => new(TradingRule(pairId), 1);

    public static RateCost CancelOrder(string pairId) => new(TradingRule(pairId), 8);
}
