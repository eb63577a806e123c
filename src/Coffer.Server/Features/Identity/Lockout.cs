using System.Collections.Concurrent;

namespace Coffer.Server.Features.Identity;

/// <summary>An account's guessing state: failures in the current window, lockouts so far, consecutive failures.</summary>
internal readonly record struct LockoutState(int WindowFailures, int Lockouts, int ConsecutiveFailures, DateTimeOffset? LockedUntil)
{
    /// <summary>Stands for "until an admin unlocks it" (a real date, so both databases store it as it is).</summary>
    public static readonly DateTimeOffset Forever = new(9999, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Locked for good: only an admin unlock opens it again.</summary>
    public bool Disabled => LockedUntil >= Forever;

    public bool IsLockedAt(DateTimeOffset now) => LockedUntil is { } until && until > now;
}

/// <summary>
/// Per-account lockout with exponential back-off (security.md §12.1): every <see cref="FailuresPerLockout"/> failures
/// lock the account, for <see cref="FirstLockout"/> the first time and twice as long each time after, up to
/// <see cref="MaxLockout"/>; and after <see cref="MaxConsecutiveFailures"/> consecutive failures it stays locked until an
/// admin unlocks it (NIST SP 800-63B-4 §3.2.2: "no more than 100"). Attempts on a locked account are refused before any
/// password is hashed and are not counted, so a flood costs the server almost nothing and cannot hasten the hard limit:
/// reaching it takes 20 lockouts, about 15 hours of sustained guessing. A success forgets all earlier failures.
/// </summary>
internal static class LockoutPolicy
{
    public const int FailuresPerLockout = 5;
    public const int MaxConsecutiveFailures = 100;
    public static readonly TimeSpan FirstLockout = TimeSpan.FromMinutes(1);
    public static readonly TimeSpan MaxLockout = TimeSpan.FromHours(1);

    public static LockoutState AfterFailure(LockoutState state, DateTimeOffset now)
    {
        var consecutive = state.ConsecutiveFailures + 1;
        if (consecutive >= MaxConsecutiveFailures)
        {
            return new LockoutState(0, state.Lockouts + 1, consecutive, LockoutState.Forever);
        }

        var failures = state.WindowFailures + 1;
        if (failures < FailuresPerLockout)
        {
            return state with { WindowFailures = failures, ConsecutiveFailures = consecutive };
        }

        var lockouts = state.Lockouts + 1;
        var length = TimeSpan.FromTicks(Math.Min(MaxLockout.Ticks, FirstLockout.Ticks << Math.Min(lockouts - 1, 20)));
        return new LockoutState(0, lockouts, consecutive, now + length);
    }

    public static LockoutState AfterSuccess() => default;
}

/// <summary>
/// Lockout state for usernames that do not exist, so that they lock exactly like real ones: otherwise "locked after 5
/// tries" would tell an attacker which usernames are real (ASVS 6.3.8). Kept in memory and bounded; an attacker who
/// floods it with names only resets these phantom entries, never a real account's (which lives in the database).
/// </summary>
internal sealed class PhantomLockouts
{
    private const int MaxEntries = 50_000;
    private readonly ConcurrentDictionary<string, LockoutState> _states = new(StringComparer.Ordinal);

    public LockoutState Get(string normalizedName) => _states.GetValueOrDefault(normalizedName);

    public void Set(string normalizedName, LockoutState state, DateTimeOffset now)
    {
        if (_states.Count >= MaxEntries)
        {
            foreach (var (key, value) in _states)
            {
                if (!value.IsLockedAt(now))
                {
                    _states.TryRemove(key, out _);
                }
            }

            if (_states.Count >= MaxEntries)
            {
                _states.Clear();
            }
        }

        _states[normalizedName] = state;
    }

    public void Clear(string normalizedName) => _states.TryRemove(normalizedName, out _);
}

/// <summary>
/// Serializes the check-and-count of sign-in attempts per username on this node, so that concurrent guesses cannot all
/// read "not locked" before the first failure is written. Striped: a fixed set of semaphores, no per-name allocation.
/// </summary>
internal sealed class AttemptLocks : IDisposable
{
    private readonly SemaphoreSlim[] _stripes = [.. Enumerable.Range(0, 64).Select(_ => new SemaphoreSlim(1, 1))];

    public async Task<IDisposable> AcquireAsync(string normalizedName, CancellationToken cancellationToken)
    {
        var stripe = _stripes[(int)((uint)StringComparer.Ordinal.GetHashCode(normalizedName) % (uint)_stripes.Length)];
        await stripe.WaitAsync(cancellationToken);
        return new Release(stripe);
    }

    public void Dispose()
    {
        foreach (var stripe in _stripes)
        {
            stripe.Dispose();
        }
    }

    private sealed class Release(SemaphoreSlim stripe) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                stripe.Release();
            }
        }
    }
}
