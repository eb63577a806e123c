using Coffer.Exchanges.Model;

namespace Coffer.Exchanges;

/// <summary>
/// One exchange account, spoken in unified terms (CCXT's unified API: fetchMarkets, fetchTickers, fetchBalance, …).
/// Every failure is an <see cref="ExchangeException"/>. Implementations sign through an <see cref="IRequestSigner"/>
/// and never see secret bytes.
/// </summary>
internal interface IExchangeClient
{
    /// <summary>The exchange's id: <c>binance</c>, <c>kraken</c>, <c>coinbase</c>.</summary>
    string Exchange { get; }

    /// <summary>The markets this connector has loaded (by <see cref="FetchMarketsAsync"/>, or handed over with <c>Load</c> from a cache).</summary>
    MarketBook Markets { get; }

    Task<IReadOnlyList<Market>> FetchMarketsAsync(CancellationToken cancellationToken);

    /// <summary>Tickers of the given symbols, or of every market when <paramref name="symbols"/> is null.</summary>
    Task<IReadOnlyList<Ticker>> FetchTickersAsync(IReadOnlyCollection<string>? symbols, CancellationToken cancellationToken);

    Task<Balances> FetchBalanceAsync(CancellationToken cancellationToken);

    /// <summary>Open orders, of one symbol or (where the exchange allows it) of all.</summary>
    Task<IReadOnlyList<Order>> FetchOpenOrdersAsync(string? symbol, CancellationToken cancellationToken);

    /// <summary>
    /// Filled, cancelled and expired orders; some exchanges require a symbol. Without <paramref name="since"/>, the
    /// most recent (as CCXT). With it, history for an incremental reader: orders created (on some exchanges also
    /// closed) at or after it, the oldest first, at most <paramref name="limit"/>; fewer only when nothing is left.
    /// </summary>
    Task<IReadOnlyList<Order>> FetchClosedOrdersAsync(string? symbol, DateTimeOffset? since, int? limit, CancellationToken cancellationToken);

    /// <summary>One order by the exchange's id.</summary>
    Task<Order> FetchOrderAsync(string id, string symbol, CancellationToken cancellationToken);

    /// <summary>One order by the client order id Coffer gave it; null when the exchange has no such order (reconciliation).</summary>
    Task<Order?> FetchOrderByClientOrderIdAsync(string clientOrderId, string symbol, CancellationToken cancellationToken);

    /// <summary>
    /// The account's fills; some exchanges require a symbol. Without <paramref name="since"/>, the most recent; with
    /// it, fills at or after it, the oldest first, at most <paramref name="limit"/>; fewer only when nothing is left.
    /// </summary>
    Task<IReadOnlyList<Trade>> FetchMyTradesAsync(string? symbol, DateTimeOffset? since, int? limit, CancellationToken cancellationToken);

    Task<Order> CreateOrderAsync(OrderRequest request, CancellationToken cancellationToken);

    Task<Order> CancelOrderAsync(string id, string symbol, CancellationToken cancellationToken);

    /// <summary>Cancels every open order of one symbol (or of all, where the exchange allows it); returns what was cancelled, where the exchange says.</summary>
    Task<IReadOnlyList<Order>> CancelAllOrdersAsync(string? symbol, CancellationToken cancellationToken);

    Task<DateTimeOffset> FetchTimeAsync(CancellationToken cancellationToken);

    /// <summary>What the key may do, from the exchange's permission endpoint.</summary>
    Task<KeyPermissions> FetchPermissionsAsync(CancellationToken cancellationToken);
}
