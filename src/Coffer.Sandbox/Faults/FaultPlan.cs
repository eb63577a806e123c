namespace Coffer.Sandbox.Faults;

/// <summary>When a fault fires: on every Nth exchange request, and/or with a probability (seeded, so runs repeat).</summary>
internal sealed record FaultRule(int? Every = null, double? Probability = null);

/// <summary>The faults of one run, applied to exchange endpoints only (never to <c>/sandbox/…</c>).</summary>
internal sealed record FaultPlan
{
    public static FaultPlan None { get; } = new();

    /// <summary>Delay added before every exchange response.</summary>
    public int LatencyMs { get; init; }

    /// <summary>Answers 429 in the exchange's own format (headers, body, Retry-After).</summary>
    public FaultRule? RateLimit { get; init; }

    public int RateLimitRetryAfterSeconds { get; init; } = 1;

    /// <summary>Answers 5xx in the exchange's own format.</summary>
    public FaultRule? ServerError { get; init; }

    public int ServerErrorStatus { get; init; } = 503;

    /// <summary>Hangs the request for <see cref="TimeoutMs"/> (past any sane client timeout) and then drops it with 504.</summary>
    public FaultRule? Timeout { get; init; }

    public int TimeoutMs { get; init; } = 30_000;

    /// <summary>How far the exchange's clock is off (positive = ahead): server time, timestamp and nonce windows use it.</summary>
    public double ClockSkewSeconds { get; init; }
}

internal enum FaultKind
{
    None,
    RateLimit,
    ServerError,
    Timeout,
}
