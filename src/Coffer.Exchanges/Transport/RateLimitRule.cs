namespace Coffer.Exchanges.Transport;

/// <summary>Whom an exchange counts a limit against.</summary>
internal enum RateLimitScope
{
    /// <summary>Per calling IP address: every account Coffer uses from one egress address shares it.</summary>
    Ip,

    /// <summary>Per API key or account.</summary>
    Account,
}

/// <summary>
/// One documented limit of an exchange, declared as data with the document it comes from. Two shapes cover the six
/// exchanges: a sliding window (at most <see cref="Capacity"/> weight in any <see cref="Window"/>: Binance, Coinbase,
/// Bybit, OKX, KuCoin) and a decaying counter (Kraken: the counter rises by each call's cost, may not pass
/// <see cref="Capacity"/>, and falls by <see cref="Capacity"/> per <see cref="Window"/> … expressed as a decay rate).
/// </summary>
internal sealed record RateLimitRule(string Name, RateLimitScope Scope, double Capacity, TimeSpan Window, string Source)
{
    /// <summary>For a decaying counter: how much it falls per second. Zero for a sliding window.</summary>
    public double DecayPerSecond { get; init; }

    public bool IsDecaying => DecayPerSecond > 0;

    /// <summary>
    /// The share of the documented capacity Coffer allows itself: other software on the same address or key, and the
    /// exchange's own rounding of window edges, must never push the account over the limit.
    /// </summary>
    public double Headroom { get; init; } = 0.8;

    public double Usable => Capacity * Headroom;

    public static RateLimitRule SlidingWindow(string name, RateLimitScope scope, double capacity, TimeSpan window, string source) =>
        new(name, scope, capacity, window, source);

    public static RateLimitRule Decaying(string name, RateLimitScope scope, double capacity, double decayPerSecond, string source) =>
        new(name, scope, capacity, TimeSpan.FromSeconds(capacity / decayPerSecond), source) { DecayPerSecond = decayPerSecond };
}

/// <summary>What one request costs against one rule.</summary>
internal readonly record struct RateCost(string Rule, double Weight);
