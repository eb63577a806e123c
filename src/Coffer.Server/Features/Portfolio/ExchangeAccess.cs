using System.Collections.Concurrent;
using Coffer.Exchanges;
using Coffer.Exchanges.Model;
using Coffer.Server.Features.Connections;

namespace Coffer.Server.Features.Portfolio;

/// <summary>
/// The connectors of stored connections, kept between calls so a market list is loaded once an hour, not on every order,
/// and tickers shared by every user of one exchange API for a few seconds. Liveness (active, credential token live) is
/// checked on every use: a cached connector never outlives a freeze, a lock or a replaced key.
/// </summary>
internal sealed class ExchangeAccess(ConnectionService connections, TimeProvider time)
{
    public static readonly TimeSpan MarketsLifetime = TimeSpan.FromHours(1);
    public static readonly TimeSpan TickersLifetime = TimeSpan.FromSeconds(5);

    private readonly ConcurrentDictionary<Guid, Connector> _connectors = new();
    private readonly ConcurrentDictionary<string, Cached<IReadOnlyList<Ticker>>> _tickers = new(StringComparer.Ordinal);

    /// <summary>The connector of <paramref name="row"/>, or null when the connection may not be used now.</summary>
    public async Task<Connector?> OpenAsync(ConnectionRow row, CancellationToken cancellationToken)
    {
        if (!await connections.IsUsableAsync(row, cancellationToken))
        {
            return null;
        }

        // A replaced key or a new base URL makes a new connector; the old one is dropped with its markets.
        var identity = $"{row.SecretId:N}|{row.ApiKey}|{row.BaseUrl}";
        var connector = _connectors.AddOrUpdate(
            row.Id,
            _ => new Connector(this, row, identity, connections.CreateClient(row)),
            (_, existing) => existing.Identity == identity ? existing : new Connector(this, row, identity, connections.CreateClient(row)));
        return connector;
    }

    private TimeProvider Time => time;

    public void Forget(Guid connectionId) => _connectors.TryRemove(connectionId, out _);

    private async Task<IReadOnlyList<Ticker>> TickersAsync(Connector connector, CancellationToken cancellationToken)
    {
        var key = $"{connector.Row.Exchange}|{connector.Row.BaseUrl}";
        var now = time.GetUtcNow();
        if (_tickers.TryGetValue(key, out var cached) && now - cached.At < TickersLifetime)
        {
            return cached.Value;
        }

        await connector.MarketsAsync(cancellationToken);
        var tickers = await connector.Client.FetchTickersAsync(null, cancellationToken);
        _tickers[key] = new Cached<IReadOnlyList<Ticker>>(tickers, time.GetUtcNow());
        return tickers;
    }

    private sealed record Cached<T>(T Value, DateTimeOffset At);

    /// <summary>One usable connection's connector with its cached markets.</summary>
    internal sealed class Connector(ExchangeAccess owner, ConnectionRow row, string identity, IExchangeClient client)
    {
        private readonly Lock _gate = new();
        private Cached<IReadOnlyList<Market>>? _markets;
        private Task<Cached<IReadOnlyList<Market>>>? _loading;

        public ConnectionRow Row { get; } = row;

        public string Identity { get; } = identity;

        public IExchangeClient Client { get; } = client;

        public ExchangeInfo Info { get; } = ExchangeCatalog.Find(row.Exchange)!;

        /// <summary>The exchange's markets, loaded at most once an hour; concurrent callers share one load.</summary>
        public async Task<IReadOnlyList<Market>> MarketsAsync(CancellationToken cancellationToken)
        {
            if (_markets is { } fresh && owner.Time.GetUtcNow() - fresh.At < MarketsLifetime)
            {
                return fresh.Value;
            }

            Task<Cached<IReadOnlyList<Market>>> loading;
            lock (_gate)
            {
                if (_loading is null || (_loading.IsCompleted && (_loading.IsFaulted || _loading.IsCanceled || owner.Time.GetUtcNow() - _loading.Result.At >= MarketsLifetime)))
                {
                    // Not the caller's token: one caller giving up must not fail the others sharing the load.
                    _loading = LoadAsync();
                }

                loading = _loading;
            }

            var loaded = await loading.WaitAsync(cancellationToken);
            _markets = loaded;
            return loaded.Value;
        }

        private async Task<Cached<IReadOnlyList<Market>>> LoadAsync() =>
            new(await Client.FetchMarketsAsync(CancellationToken.None), owner.Time.GetUtcNow());

        /// <summary>The market of a unified symbol, or null when the exchange has none.</summary>
        public async Task<Market?> MarketAsync(string symbol, CancellationToken cancellationToken) =>
            (await MarketsAsync(cancellationToken)).FirstOrDefault(m => string.Equals(m.Symbol, symbol, StringComparison.Ordinal));

        public Task<IReadOnlyList<Ticker>> TickersAsync(CancellationToken cancellationToken) => owner.TickersAsync(this, cancellationToken);
    }
}
