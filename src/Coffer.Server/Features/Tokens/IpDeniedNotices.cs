using System.Collections.Concurrent;

namespace Coffer.Server.Features.Tokens;

/// <summary>
/// A leaked token bound to other addresses can be replayed as fast as an attacker likes, and authentication runs before
/// the rate limiter. So the audit record and the owner's notification are written for the first refusal of a token from
/// an address in each window, not for every one; every request is still refused.
/// </summary>
internal sealed class IpDeniedNotices(TimeProvider time)
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(10);
    private const int MaxEntries = 10_000;
    private readonly ConcurrentDictionary<(string Accessor, string Ip), DateTimeOffset> _last = new();

    /// <summary>True when this refusal is the first of its token and address in the window.</summary>
    public bool ShouldRecord(string accessor, string ip)
    {
        var now = time.GetUtcNow();
        if (_last.Count > MaxEntries)
        {
            foreach (var (key, at) in _last)
            {
                if (now - at > Window)
                {
                    _last.TryRemove(key, out _);
                }
            }
        }

        var recorded = false;
        _last.AddOrUpdate(
            (accessor, ip),
            _ =>
            {
                recorded = true;
                return now;
            },
            (_, at) =>
            {
                recorded = now - at > Window;
                return recorded ? now : at;
            });
        return recorded;
    }
}
