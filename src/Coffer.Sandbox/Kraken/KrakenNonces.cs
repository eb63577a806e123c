using System.Collections.Concurrent;

namespace Coffer.Sandbox.Kraken;

/// <summary>The last nonce each key used: a nonce must be strictly greater (spot-rest-auth; no nonce window is configured).</summary>
internal sealed class KrakenNonces
{
    private readonly ConcurrentDictionary<string, ulong> _last = new(StringComparer.Ordinal);

    /// <summary>Accepts and records <paramref name="nonce"/> if it is above the key's last one; atomic per key.</summary>
    public bool TryAdvance(string apiKey, ulong nonce)
    {
        while (true)
        {
            if (!_last.TryGetValue(apiKey, out var last))
            {
                if (_last.TryAdd(apiKey, nonce))
                {
                    return true;
                }

                continue;
            }

            if (nonce <= last)
            {
                return false;
            }

            if (_last.TryUpdate(apiKey, nonce, last))
            {
                return true;
            }
        }
    }

    public ulong? Last(string apiKey) => _last.TryGetValue(apiKey, out var last) ? last : null;
}
