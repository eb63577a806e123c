namespace Coffer.Exchanges;

/// <summary>
/// Kraken's nonces: strictly increasing per API key, across restarts and nodes (DESIGN §5). The server keeps them in
/// its database; a nonce the exchange refuses although it came from here means another program uses the key.
/// </summary>
internal interface INonceStore
{
    /// <summary>A nonce larger than every one handed out before for <paramref name="key"/>, and at least <paramref name="atLeast"/>.</summary>
    ValueTask<long> NextAsync(string key, long atLeast, CancellationToken cancellationToken);
}

/// <summary>Nonces kept in memory only: for one process (tests, the sandbox's own clients). Monotonic per key.</summary>
internal sealed class InMemoryNonceStore : INonceStore
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, long> _last = new(StringComparer.Ordinal);

    public ValueTask<long> NextAsync(string key, long atLeast, CancellationToken cancellationToken) =>
        ValueTask.FromResult(_last.AddOrUpdate(key, atLeast, (_, last) => Math.Max(last + 1, atLeast)));
}
