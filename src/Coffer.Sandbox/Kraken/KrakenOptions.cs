namespace Coffer.Sandbox.Kraken;

/// <summary>Kraken's published limits (spot-rest-ratelimits, spot-ratelimits; Intermediate tier); tests lower them.</summary>
internal sealed record KrakenOptions
{
    /// <summary>REST call counter ceiling per API key (Starter 15, Intermediate and Pro 20).</summary>
    public decimal CallCounterMax { get; init; } = 20m;

    /// <summary>How much the call counter falls per second (Intermediate −0.5/s, Pro −1/s).</summary>
    public decimal CallCounterDecayPerSecond { get; init; } = 0.5m;

    /// <summary>What a ledger or trade-history call adds to the call counter (the others add 1).</summary>
    public decimal HistoryCallCost { get; init; } = 4m;

    /// <summary>Matching-engine rate counter ceiling per key and pair (Starter 60, Intermediate 125, Pro 180).</summary>
    public decimal TradingCounterMax { get; init; } = 125m;

    /// <summary>How much the matching-engine counter falls per second (Intermediate −2.34/s).</summary>
    public decimal TradingCounterDecayPerSecond { get; init; } = 2.34m;

    /// <summary>Strikes (invalid key, signature or nonce; calls made while rate-limited) that lock a key out (UNCONFIRMED).</summary>
    public int LockoutStrikes { get; init; } = 5;

    /// <summary>How long a lockout lasts ("typically a few minutes", spot-errors; UNCONFIRMED).</summary>
    public TimeSpan LockoutDuration { get; init; } = TimeSpan.FromMinutes(5);
}
