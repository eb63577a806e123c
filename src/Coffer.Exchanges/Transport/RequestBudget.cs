using System.Collections.Concurrent;

namespace Coffer.Exchanges.Transport;

/// <summary>
/// The request budget of one exchange account from one egress address (DESIGN §5): every feature and every user of the
/// hub that calls this exchange with this key, or from this address, spends from the same limiters. A request waits
/// until every rule it counts against has room; a 429 stops every request sharing the budget until the exchange's
/// Retry-After (or an exponential back-off) has passed, so Coffer never keeps calling into a ban (Binance 418).
/// </summary>
internal sealed class RequestBudget
{
    /// <summary>Longer than this and the caller gets a transient rate-limit error instead of a request that hangs.</summary>
    public static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(30);

    private static readonly TimeSpan FirstBackoff = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan LongestBackoff = TimeSpan.FromMinutes(2);

    private static readonly Lock TakeLock = new();

    private readonly string _exchange;
    private readonly Dictionary<string, RuleLimiter> _limiters;
    private readonly PauseState _pause;
    private readonly TimeProvider _time;

    internal RequestBudget(string exchange, IEnumerable<RuleLimiter> limiters, PauseState pause, TimeProvider time)
    {
        _exchange = exchange;
        _limiters = limiters.ToDictionary(x => x.Rule.Name, StringComparer.Ordinal);
        _pause = pause;
        _time = time;
    }

    public IReadOnlyCollection<RuleLimiter> Limiters => _limiters.Values;

    /// <summary>Until when every request of this budget is held back, if it is.</summary>
    public DateTimeOffset? PausedUntil => _pause.Until(_time);

    public RuleLimiter this[string rule] => _limiters[rule];

    /// <summary>Waits until the request fits every rule it counts against, then takes its cost.</summary>
    public async Task AcquireAsync(IReadOnlyList<RateCost> costs, CancellationToken cancellationToken)
    {
        var waited = TimeSpan.Zero;
        while (true)
        {
            var wait = _pause.Until(_time) is { } until ? until - _time.GetUtcNow() : TimeSpan.Zero;
            if (wait <= TimeSpan.Zero)
            {
                wait = TryTakeAll(costs);
                if (wait <= TimeSpan.Zero)
                {
                    return;
                }
            }

            if (waited + wait > MaxWait)
            {
                throw new ExchangeException(_exchange, ExchangeErrorKind.RateLimited, $"The request budget for {_exchange} is used up; try again in {Math.Ceiling(wait.TotalSeconds)} s.", transient: true, retryAfter: wait);
            }

            await Task.Delay(wait, _time, cancellationToken);
            waited += wait;
        }
    }

    /// <summary>The exchange answered 429 (or its equivalent): hold every request of this budget back.</summary>
    public TimeSpan Penalize(TimeSpan? retryAfter) => _pause.Extend(_time, retryAfter, FirstBackoff, LongestBackoff);

    /// <summary>A request went through: the back-off starts from the beginning next time.</summary>
    public void Succeeded() => _pause.Reset();

    public void Observe(string rule, double used)
    {
        if (_limiters.TryGetValue(rule, out var limiter))
        {
            limiter.Observe(used);
        }
    }

    private TimeSpan TryTakeAll(IReadOnlyList<RateCost> costs)
    {
        var limiters = new RuleLimiter[costs.Count];
        for (var i = 0; i < costs.Count; i++)
        {
            limiters[i] = _limiters.TryGetValue(costs[i].Rule, out var limiter)
                ? limiter
                : throw new InvalidOperationException($"No rate-limit rule '{costs[i].Rule}' is declared for {_exchange}.");
        }

        // All or nothing: check every rule, then take from every rule, under one lock (limiters are shared between
        // budgets; exchange calls are far too slow for this lock to be contended).
        lock (TakeLock)
        {
            var longest = TimeSpan.Zero;
            for (var i = 0; i < costs.Count; i++)
            {
                var wait = limiters[i].TryTake(costs[i].Weight, take: false);
                longest = wait > longest ? wait : longest;
            }

            if (longest > TimeSpan.Zero)
            {
                return longest;
            }

            for (var i = 0; i < costs.Count; i++)
            {
                limiters[i].TryTake(costs[i].Weight);
            }

            return TimeSpan.Zero;
        }
    }

    /// <summary>The pause after a 429, shared like the limiters of its scope.</summary>
    internal sealed class PauseState
    {
        private readonly Lock _lock = new();
        private DateTimeOffset _until = DateTimeOffset.MinValue;
        private TimeSpan _nextBackoff;

        public DateTimeOffset? Until(TimeProvider time)
        {
            lock (_lock)
            {
                return _until > time.GetUtcNow() ? _until : null;
            }
        }

        public TimeSpan Extend(TimeProvider time, TimeSpan? retryAfter, TimeSpan first, TimeSpan longest)
        {
            lock (_lock)
            {
                var backoff = _nextBackoff == TimeSpan.Zero ? first : _nextBackoff;
                var pause = retryAfter is { } told && told > backoff ? told : backoff;
                _nextBackoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, longest.Ticks));
                var until = time.GetUtcNow() + pause;
                if (until > _until)
                {
                    _until = until;
                }

                return pause;
            }
        }

        public void Reset()
        {
            lock (_lock)
            {
                _nextBackoff = TimeSpan.Zero;
            }
        }
    }
}

/// <summary>
/// Hands out the shared budgets: one limiter per rule and IP (for IP-scoped rules) or per rule and account, and one
/// pause per exchange and egress address. A singleton of the server.
/// </summary>
internal sealed class RequestBudgets(TimeProvider time)
{
    private readonly ConcurrentDictionary<string, RuleLimiter> _limiters = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, RequestBudget.PauseState> _pauses = new(StringComparer.Ordinal);

    /// <param name="exchange">The exchange id.</param>
    /// <param name="account">What identifies the account to the exchange (its API key id).</param>
    /// <param name="egress">The address Coffer calls the exchange from (the base URL's host when unknown).</param>
    /// <param name="rules">The exchange's declared limits.</param>
    public RequestBudget For(string exchange, string account, string egress, IReadOnlyList<RateLimitRule> rules)
    {
        var limiters = rules.Select(rule =>
        {
            var key = rule.Scope == RateLimitScope.Ip ? $"{exchange}|ip|{egress}|{rule.Name}" : $"{exchange}|account|{account}|{rule.Name}";
            return _limiters.GetOrAdd(key, _ => new RuleLimiter(rule, time));
        });

        // A 429 on an IP-limited exchange stops every account behind that address: the ban would be the address's.
        var pause = _pauses.GetOrAdd($"{exchange}|{egress}", _ => new RequestBudget.PauseState());
        return new RequestBudget(exchange, limiters, pause, time);
    }

    /// <summary>
    /// Every limiter's use for metrics: the exchange id and rule name only, never the account or address the limiter
    /// belongs to (both are in its key, which stays here).
    /// </summary>
    public IEnumerable<(string Exchange, string Rule, double Used, double Capacity)> Usage() =>
        _limiters.Select(pair => (pair.Key[..pair.Key.IndexOf('|', StringComparison.Ordinal)], pair.Value.Rule.Name, pair.Value.Used, pair.Value.Rule.Capacity));
}
