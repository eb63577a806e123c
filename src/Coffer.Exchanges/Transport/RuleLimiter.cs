namespace Coffer.Exchanges.Transport;

/// <summary>
/// The state of one <see cref="RateLimitRule"/> for one IP or one account: how much of the window is used, and until
/// when the exchange told us to stop. Shared by every request that counts against the same limit.
/// </summary>
internal sealed class RuleLimiter(RateLimitRule rule, TimeProvider time)
{
    private readonly Lock _lock = new();
    private readonly Queue<(long At, double Weight)> _spent = new();
    private double _inWindow;
    private double _level;
    private long _levelAt = long.MinValue;

    public RateLimitRule Rule => rule;

    /// <summary>
    /// Zero if <paramref name="weight"/> fits now (then <paramref name="take"/> decides whether it is taken); otherwise
    /// how long to wait before it would fit, and nothing is taken.
    /// </summary>
    public TimeSpan TryTake(double weight, bool take = true)
    {
        lock (_lock)
        {
            var now = time.GetTimestamp();
            if (rule.IsDecaying)
            {
                Decay(now);
                if (_level + weight <= rule.Usable || _level == 0)
                {
                    _level += take ? weight : 0;
                    return TimeSpan.Zero;
                }

                return TimeSpan.FromSeconds((_level + weight - rule.Usable) / rule.DecayPerSecond);
            }

            Expire(now);
            if (_inWindow + weight <= rule.Usable || _spent.Count == 0)
            {
                if (take)
                {
                    _spent.Enqueue((now, weight));
                    _inWindow += weight;
                }

                return TimeSpan.Zero;
            }

            // Wait until enough of the oldest spending leaves the window.
            var needed = _inWindow + weight - rule.Usable;
            var freed = 0.0;
            foreach (var (at, spent) in _spent)
            {
                freed += spent;
                if (freed >= needed)
                {
                    var leaves = time.GetElapsedTime(at, now);
                    return rule.Window - leaves + TimeSpan.FromMilliseconds(1);
                }
            }

            return rule.Window;
        }
    }

    /// <summary>
    /// The exchange reported how much of this limit is used (Binance X-MBX-USED-WEIGHT-1M, Coinbase x-ratelimit-remaining):
    /// when it counts more than we do (another program on the same address or key), we count that too.
    /// </summary>
    public void Observe(double used)
    {
        lock (_lock)
        {
            var now = time.GetTimestamp();
            if (rule.IsDecaying)
            {
                Decay(now);
                _level = Math.Max(_level, used);
                return;
            }

            Expire(now);
            if (used >= rule.Capacity)
            {
                // The exchange says the window is full. Its window need not be in phase with ours (Coinbase counts fixed
                // seconds): it is full for one whole window from now, whatever our own spending would free sooner.
                _spent.Clear();
                _spent.Enqueue((now, used));
                _inWindow = used;
                return;
            }

            if (used > _inWindow)
            {
                _spent.Enqueue((now, used - _inWindow));
                _inWindow = used;
            }
        }
    }

    /// <summary>Used weight in the current window (or the decaying counter's level), for metrics and tests.</summary>
    public double Used
    {
        get
        {
            lock (_lock)
            {
                var now = time.GetTimestamp();
                if (rule.IsDecaying)
                {
                    Decay(now);
                    return _level;
                }

                Expire(now);
                return _inWindow;
            }
        }
    }

    private void Expire(long now)
    {
        while (_spent.TryPeek(out var oldest) && time.GetElapsedTime(oldest.At, now) >= rule.Window)
        {
            _inWindow -= _spent.Dequeue().Weight;
        }

        if (_spent.Count == 0)
        {
            _inWindow = 0;
        }
    }

    private void Decay(long now)
    {
        if (_levelAt != long.MinValue)
        {
            _level = Math.Max(0, _level - (time.GetElapsedTime(_levelAt, now).TotalSeconds * rule.DecayPerSecond));
        }

        _levelAt = now;
    }
}
