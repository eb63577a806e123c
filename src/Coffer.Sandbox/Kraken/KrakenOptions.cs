namespace Coffer.Sandbox.Kraken;

/// <summary>Kraken's published limits (spot-rest-ratelimits, spot-ratelimits) for a Starter-tier account, the strictest; tests lower them.</summary>
internal sealed record KrakenOptions
{
    /// <summary>An Intermediate-tier account: REST counter 20 at −0.5/s, matching-engine counter 125 at −2.34/s.</summary>
    public static readonly KrakenOptions Intermediate = new()
    {
        CallCounterMax = 20m,
        CallCounterDecayPerSecond = 0.5m,
        TradingCounterMax = 125m,
        TradingCounterDecayPerSecond = 2.34m,
    };

    /// <summary>REST call counter ceiling per API key (Starter 15, Intermediate and Pro 20).</summary>
    public decimal CallCounterMax { get; init; } = 15m;

    /// <summary>How much the call counter falls per second (Starter −0.33/s, Intermediate −0.5/s, Pro −1/s).</summary>
    public decimal CallCounterDecayPerSecond { get; init; } = 0.33m;

    /// <summary>What a ledger or trade-history call adds to the call counter (the others add 1).</summary>
    public decimal HistoryCallCost { get; init; } = 2m;

    /// <summary>Matching-engine rate counter ceiling per key and pair (Starter 60, Intermediate 125, Pro 180).</summary>
    public decimal TradingCounterMax { get; init; } = 60m;

    /// <summary>How much the matching-engine counter falls per second (Starter −1/s, Intermediate −2.34/s, Pro −3.75/s).</summary>
    public decimal TradingCounterDecayPerSecond { get; init; } = 1m;

    /// <summary>Strikes (invalid key, signature or nonce; calls made while rate-limited) that lock a key out (UNCONFIRMED).</summary>
    public int LockoutStrikes { get; init; } = 5;

    /// <summary>How long a lockout lasts ("typically a few minutes", spot-errors; UNCONFIRMED).</summary>
    public TimeSpan LockoutDuration { get; init; } = TimeSpan.FromMinutes(5);
}
