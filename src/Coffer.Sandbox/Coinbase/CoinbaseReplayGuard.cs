namespace Coffer.Sandbox.Coinbase;

/// <summary>
/// Refuses a JWT nonce that was already accepted for the same key while that JWT is still alive. The reference does not say
/// whether Advanced Trade accepts a replayed JWT within its 120 s; the SDK builds a fresh JWT (fresh nonce) for every
/// request, so the sandbox takes the strict reading: a client that passes here passes on the exchange either way.
/// Only requests that reach the front are remembered: a request answered by a fault never consumed its nonce.
/// </summary>
internal sealed class CoinbaseReplayGuard(TimeProvider clock)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<(string Key, string Nonce), DateTimeOffset> _seen = [];

    /// <summary>True the first time; false if this key already used the nonce in a JWT that has not expired.</summary>
    public bool TryUse(VerifiedJwt jwt)
    {
        lock (_gate)
        {
            var now = clock.GetUtcNow();
            if (_seen.Count > 4096)
            {
                foreach (var stale in _seen.Where(e => e.Value <= now).Select(e => e.Key).ToList())
                {
                    _seen.Remove(stale);
                }
            }

            var entry = (jwt.Key.ApiKey, jwt.Nonce);
            if (_seen.TryGetValue(entry, out var expires) && expires > now)
            {
                return false;
            }

            _seen[entry] = jwt.Expires;
            return true;
        }
    }
}
