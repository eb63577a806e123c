namespace Coffer.Sandbox.Kraken;

/// <summary>
/// Kraken's temporary lockout of an API key (spot-errors: repeated <c>EAPI:Invalid key</c> "trigger EGeneral:Temporary
/// lockout", "too many requests with invalid nonces can result in temporary bans"; spot-rest-ratelimits: once the counter
/// is full, "additional calls will be restricted for a few seconds (or possibly longer if calls continue to be made while
/// the rate limits are active)"). A strike is an invalid key, signature or nonce, or a call refused for rate while the key
/// was already refused and its counter had not made room since; a served call clears the strikes. Kraken publishes
/// neither the number of strikes nor the duration (UNCONFIRMED): <see cref="KrakenOptions"/> holds the sandbox's.
/// </summary>
internal sealed class KrakenLockouts(int strikesToLock, TimeSpan duration, TimeProvider clock)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, State> _keys = new(StringComparer.Ordinal);

    /// <summary>Whether <paramref name="apiKey"/> is locked out now.</summary>
    public bool IsLockedOut(string apiKey)
    {
        lock (_gate)
        {
            return _keys.TryGetValue(apiKey, out var state) && state.LockedUntil > clock.GetUtcNow();
        }
    }

    /// <summary>An invalid key, signature or nonce was sent with <paramref name="apiKey"/>.</summary>
    public void Strike(string apiKey)
    {
        lock (_gate)
        {
            AddStrike(StateOf(apiKey));
        }
    }

    /// <summary>
    /// A call of <paramref name="apiKey"/> is refused for rate. It is a strike when the key was refused before and
    /// <paramref name="counterHadRoom"/> is false: the caller did not wait for its counter to make room.
    /// </summary>
    public void RateLimited(string apiKey, bool counterHadRoom)
    {
        lock (_gate)
        {
            var state = StateOf(apiKey);
            if (state.Restricted && !counterHadRoom)
            {
                AddStrike(state);
            }

            state.Restricted = true;
        }
    }

    /// <summary>
    /// A call of <paramref name="apiKey"/> passed every check: its strikes are forgiven, and its rate restriction too when
    /// the call counter took it (<paramref name="restrictionLifted"/>).
    /// </summary>
    public void Served(string apiKey, bool restrictionLifted)
    {
        lock (_gate)
        {
            if (_keys.TryGetValue(apiKey, out var state))
            {
                state.Strikes = 0;
                state.Restricted &= !restrictionLifted;
            }
        }
    }

    private State StateOf(string apiKey)
    {
        if (!_keys.TryGetValue(apiKey, out var state))
        {
            state = new State();
            _keys[apiKey] = state;
        }

        return state;
    }

    private void AddStrike(State state)
    {
        if (++state.Strikes >= strikesToLock)
        {
            state.LockedUntil = clock.GetUtcNow() + duration;
            state.Strikes = 0;
        }
    }

    private sealed class State
    {
        public int Strikes { get; set; }

        public bool Restricted { get; set; }

        public DateTimeOffset LockedUntil { get; set; } = DateTimeOffset.MinValue;
    }
}
