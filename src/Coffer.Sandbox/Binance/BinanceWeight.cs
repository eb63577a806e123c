using System.Net;

namespace Coffer.Sandbox.Binance;

/// <summary>
/// Request weight per IP per clock minute, as Binance counts it (rest-api.md "LIMITS"): over the limit is 429 with
/// Retry-After; a client that keeps sending before Retry-After has passed is banned with 418, for 2 minutes and up.
/// </summary>
internal sealed class BinanceWeight(int limitPerMinute, int firstBanSeconds, TimeProvider clock)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<IPAddress, IpState> _ips = [];

    public int Limit => limitPerMinute;

    /// <summary>Adds <paramref name="weight"/> for the IP; returns the weight used this minute and, if refused, the refusal.</summary>
    public (int Used, WeightRefusal? Refusal) Charge(IPAddress ip, int weight)
    {
        lock (_gate)
        {
            var now = clock.GetUtcNow();
            var state = StateOf(ip, now);
            state.Used += weight;

            if (state.BannedUntil is { } banned && now < banned)
            {
                return (state.Used, new WeightRefusal(418, Seconds(banned - now), banned));
            }

            if (state.RetryAfter is { } retryAfter && now < retryAfter)
            {
                // Kept going after a 429 inside its Retry-After: the automatic ban, doubling on every repeat.
                state.BanSeconds = state.BanSeconds == 0 ? firstBanSeconds : Math.Min(state.BanSeconds * 2, 3 * 24 * 3600);
                state.BannedUntil = now.AddSeconds(state.BanSeconds);
                state.RetryAfter = null;
                return (state.Used, new WeightRefusal(418, state.BanSeconds, state.BannedUntil.Value));
            }

            if (state.Used > limitPerMinute)
            {
                var reset = state.WindowStart.AddMinutes(1);
                state.RetryAfter = reset;
                return (state.Used, new WeightRefusal(429, Seconds(reset - now), reset));
            }

            return (state.Used, null);
        }
    }

    /// <summary>
    /// A 429 the fault plan sends: the client must still honour its Retry-After or be banned. A request that arrives while
    /// the IP is banned, or before an earlier 429's Retry-After has passed, is answered 418 as <see cref="Charge"/> would:
    /// a 429 storm must not hide a client that keeps calling into it.
    /// </summary>
    public WeightRefusal RateLimitFault(IPAddress ip, int retryAfterSeconds)
    {
        lock (_gate)
        {
            var now = clock.GetUtcNow();
            var state = StateOf(ip, now);
            if (state.BannedUntil is { } banned && now < banned)
            {
                return new WeightRefusal(418, Seconds(banned - now), banned);
            }

            if (state.RetryAfter is { } retryAfter && now < retryAfter)
            {
                state.BanSeconds = state.BanSeconds == 0 ? firstBanSeconds : Math.Min(state.BanSeconds * 2, 3 * 24 * 3600);
                state.BannedUntil = now.AddSeconds(state.BanSeconds);
                state.RetryAfter = null;
                return new WeightRefusal(418, state.BanSeconds, state.BannedUntil.Value);
            }

            state.RetryAfter = now.AddSeconds(retryAfterSeconds);
            return new WeightRefusal(429, retryAfterSeconds, state.RetryAfter.Value);
        }
    }

    public int Used(IPAddress ip)
    {
        lock (_gate)
        {
            return StateOf(ip, clock.GetUtcNow()).Used;
        }
    }

    private IpState StateOf(IPAddress ip, DateTimeOffset now)
    {
        var minute = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, now.Minute, 0, TimeSpan.Zero);
        if (!_ips.TryGetValue(ip, out var state))
        {
            state = new IpState { WindowStart = minute };
            _ips.Add(ip, state);
        }

        if (state.WindowStart != minute)
        {
            state.WindowStart = minute;
            state.Used = 0;
        }

        return state;
    }

    private static int Seconds(TimeSpan span) => Math.Max(1, (int)Math.Ceiling(span.TotalSeconds));

    private sealed class IpState
    {
        public DateTimeOffset WindowStart { get; set; }

        public int Used { get; set; }

        public DateTimeOffset? RetryAfter { get; set; }

        public DateTimeOffset? BannedUntil { get; set; }

        public int BanSeconds { get; set; }
    }
}

internal sealed record WeightRefusal(int Status, int RetryAfterSeconds, DateTimeOffset Until);
