namespace Coffer.Sandbox.Coinbase;

/// <summary>One request-count decision: what the <c>x-ratelimit-*</c> headers say, and whether the request may run.</summary>
internal sealed record RateDecision(bool Allowed, int Limit, int Remaining, long ResetEpochSeconds);

/// <summary>
/// Requests per second per bucket (a key for private endpoints, an IP for public ones) in fixed one-second windows of the
/// exchange clock. Numbers: 30/s private, 10/s public, from ccxt citing the rate-limit page (reference §3.6: UNCONFIRMED).
/// </summary>
internal sealed class CoinbaseRateLimiter(int limitPerSecond, TimeProvider clock)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, (long Second, int Count)> _buckets = new(StringComparer.Ordinal);

    public int Limit => limitPerSecond;

    public RateDecision Charge(string bucket)
    {
        lock (_gate)
        {
            var second = clock.GetUtcNow().ToUnixTimeSeconds();
            var current = _buckets.GetValueOrDefault(bucket);
            var count = current.Second == second ? current.Count + 1 : 1;
            _buckets[bucket] = (second, count);
            return new RateDecision(count <= limitPerSecond, limitPerSecond, Math.Max(0, limitPerSecond - count), second + 1);
        }
    }

    /// <summary>A 429 sent by the fault plan: the headers say nothing is left until <paramref name="retryAfterSeconds"/> pass.</summary>
    public RateDecision Exhausted(int retryAfterSeconds) =>
        new(false, limitPerSecond, 0, clock.GetUtcNow().ToUnixTimeSeconds() + Math.Max(1, retryAfterSeconds));
}
