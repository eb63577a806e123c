using System.Net.Http.Headers;

namespace Coffer.Server.Features.Notifications;

/// <summary>When to try a failed delivery again.</summary>
internal static class RetryPolicy
{
    /// <summary>
    /// Exponential back-off with jitter: <c>base · 2^(failures − 1)</c>, capped at <paramref name="max"/>, then spread
    /// over ±20% (<paramref name="random"/> in [0, 1)) so that deliveries which failed together (a receiver's outage)
    /// do not all come back at the same instant. A receiver's Retry-After (RFC 9110 §10.2.3) is a floor, honoured up to
    /// <paramref name="maxRetryAfter"/>.
    /// </summary>
    public static TimeSpan Delay(int failures, TimeSpan baseDelay, TimeSpan max, TimeSpan? retryAfter, TimeSpan maxRetryAfter, double random)
    {
        var exponent = Math.Clamp(failures - 1, 0, 30);
        var backoff = Math.Min(baseDelay.TotalMilliseconds * Math.Pow(2, exponent), max.TotalMilliseconds);
        var jittered = TimeSpan.FromMilliseconds(backoff * (0.8 + (0.4 * random)));
        if (jittered > max)
        {
            jittered = max;
        }

        if (retryAfter is { } asked && asked > TimeSpan.Zero)
        {
            var floor = asked < maxRetryAfter ? asked : maxRetryAfter;
            return floor > jittered ? floor : jittered;
        }

        return jittered;
    }

    /// <summary>A Retry-After header as a delay from <paramref name="now"/>: delay-seconds or an HTTP-date.</summary>
    public static TimeSpan? RetryAfter(RetryConditionHeaderValue? header, DateTimeOffset now) => header switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date > now ? date - now : TimeSpan.Zero,
        _ => null,
    };
}
