namespace Coffer.Sandbox.Kraken;

/// <summary>
/// Kraken's decaying rate counters (spot-rest-ratelimits): each call adds its cost, the counter falls at a steady rate, and
/// a call that would take it past the ceiling is refused without being counted.
/// </summary>
internal sealed class KrakenCounter<TKey>(decimal max, decimal decayPerSecond, TimeProvider clock)
    where TKey : notnull
{
    private readonly Lock _gate = new();
    private readonly Dictionary<TKey, (decimal Value, DateTimeOffset At)> _counters = [];

    public decimal Max => max;

    /// <summary>Adds <paramref name="cost"/> if the ceiling allows; false (nothing added) if it would go over.</summary>
    public bool TryAdd(TKey key, decimal cost)
    {
        lock (_gate)
        {
            var now = clock.GetUtcNow();
            var value = Decayed(key, now);
            if (value + cost > max)
            {
                _counters[key] = (value, now);
                return false;
            }

            _counters[key] = (value + cost, now);
            return true;
        }
    }

    /// <summary>Sets the counter to its ceiling (a rate-limit fault: the client must now wait as after a real refusal).</summary>
    public void Fill(TKey key)
    {
        lock (_gate)
        {
            _counters[key] = (max, clock.GetUtcNow());
        }
    }

    public decimal Value(TKey key)
    {
        lock (_gate)
        {
            return Decayed(key, clock.GetUtcNow());
        }
    }

    private decimal Decayed(TKey key, DateTimeOffset now)
    {
        if (!_counters.TryGetValue(key, out var entry))
        {
            return 0m;
        }

        var elapsed = (decimal)Math.Max(0, (now - entry.At).TotalSeconds);
        return Math.Max(0m, entry.Value - (elapsed * decayPerSecond));
    }
}
