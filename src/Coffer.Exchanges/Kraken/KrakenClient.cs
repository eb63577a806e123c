using System.Collections.Frozen;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Coffer.Exchanges.Model;
using Coffer.Exchanges.Transport;
using Microsoft.Extensions.Logging;

namespace Coffer.Exchanges.Kraken;

/// <summary>
/// Kraken spot over its REST API (https://docs.kraken.com/api/docs/guides/spot-rest-intro): public calls are GETs,
/// private calls form-encoded POSTs carrying a nonce and signed with API-Key/API-Sign through the vault.
/// </summary>
internal sealed partial class KrakenClient : IExchangeClient
{
    public const string Id = "kraken";

    public static readonly Uri DefaultBaseUri = new("https://api.kraken.com");

    /// <summary>What the user is told when Kraken refuses a nonce Coffer knows was larger than all it sent before.</summary>
    public const string NonceRegressionMessage =
        "This API key is used by another app: Kraken refused a nonce larger than every one Coffer has sent with it. Give Coffer a dedicated key.";

    private static readonly MediaTypeHeaderValue FormContentType = new("application/x-www-form-urlencoded");

    private readonly ExchangeConnection _connection;
    private readonly ConnectorServices _services;
    private readonly ILogger _logger;
    private readonly MarketBook _markets = new(Id);
    private volatile FrozenDictionary<string, Market> _byAnyName = FrozenDictionary<string, Market>.Empty;

    public KrakenClient(ExchangeConnection connection, ConnectorServices services, IEnumerable<Market>? markets = null)
    {
        _connection = connection;
        _services = services;
        _logger = services.Logs.CreateLogger("Coffer.Exchanges.kraken");
        if (markets is not null)
        {
            LoadMarkets(markets);
        }
    }

    public string Exchange => Id;

    public MarketBook Markets => _markets;

    public async Task<IReadOnlyList<Market>> FetchMarketsAsync(CancellationToken cancellationToken)
    {
        var result = await PublicAsync("AssetPairs", null, cancellationToken);
        var markets = new List<Market>();
        foreach (var (id, pair) in Object(result, "AssetPairs"))
        {
            if (pair is not null && KrakenParsing.Market(id, pair) is { } market)
            {
                markets.Add(market);
            }
        }

        LoadMarkets(markets);
        return markets;
    }

    public async Task<IReadOnlyList<Ticker>> FetchTickersAsync(IReadOnlyCollection<string>? symbols, CancellationToken cancellationToken)
    {
        await EnsureMarketsAsync(cancellationToken);
        var wanted = symbols?.Select(_markets.BySymbol).ToList();
        var query = wanted is null ? null : "pair=" + Uri.EscapeDataString(string.Join(',', wanted.Select(m => m.Id)));
        var result = await PublicAsync("Ticker", query, cancellationToken);
        var tickers = new List<Ticker>();
        foreach (var (pair, node) in Object(result, "Ticker"))
        {
            if (node is not null && FindMarket(pair) is { } market && (wanted is null || wanted.Contains(market)))
            {
                tickers.Add(KrakenParsing.Ticker(market, node));
            }
        }

        return tickers;
    }

    public async Task<Balances> FetchBalanceAsync(CancellationToken cancellationToken)
    {
        // BalanceEx, not Balance: it reports hold_trade, what open orders hold, so free and used can be told apart.
        var result = await PrivateAsync("BalanceEx", [], [KrakenRateLimits.OneCall], null, cancellationToken);
        return KrakenParsing.Balances(Object(result, "BalanceEx"));
    }

    public async Task<IReadOnlyList<Order>> FetchOpenOrdersAsync(string? symbol, CancellationToken cancellationToken)
    {
        var market = await MarketOrNullAsync(symbol, cancellationToken);
        return await OpenOrdersAsync(market, [], cancellationToken);
    }

    public async Task<IReadOnlyList<Order>> FetchClosedOrdersAsync(string? symbol, DateTimeOffset? since, int? limit, CancellationToken cancellationToken)
    {
        // ClosedOrders has no pair filter: Kraken returns every pair's orders (newest closed first); Coffer filters.
        // With the default closetime=both, 'start' keeps every order opened or closed after it.
        var market = await MarketOrNullAsync(symbol, cancellationToken);
        return await HistoryAsync(
            "ClosedOrders", "closed", KrakenRateLimits.OneCall, since, limit,
            (id, node) => KrakenParsing.Order(id, node, FindMarket),
            o => market is null || o.Symbol == market.Symbol,
            o => o.LastUpdateTimestamp ?? o.Timestamp ?? DateTimeOffset.MinValue,
            o => o.Id,
            cancellationToken);
    }

    public async Task<Order> FetchOrderAsync(string id, string symbol, CancellationToken cancellationToken)
    {
        await EnsureMarketsAsync(cancellationToken);
        var result = await PrivateAsync("QueryOrders", [new("txid", id)], [KrakenRateLimits.OneCall], null, cancellationToken);
        var node = Object(result, "QueryOrders")[id] ?? throw new ExchangeException(Id, ExchangeErrorKind.NotFound, $"Kraken has no order {id}.", transient: false);
        return KrakenParsing.Order(id, node, FindMarket);
    }

    public async Task<Order?> FetchOrderByClientOrderIdAsync(string clientOrderId, string symbol, CancellationToken cancellationToken)
    {
        // OpenOrders and ClosedOrders filter by cl_ord_id (docs.kraken.com/api/docs/rest-api/get-open-orders): the
        // order is looked for among the open ones first, then among the closed ones.
        var market = await MarketOrNullAsync(symbol, cancellationToken);
        var open = await OpenOrdersAsync(market, [new("cl_ord_id", clientOrderId)], cancellationToken);
        if (open.FirstOrDefault(o => o.ClientOrderId == clientOrderId) is { } found)
        {
            return found;
        }

        var result = await PrivateAsync("ClosedOrders", [new("cl_ord_id", clientOrderId)], [KrakenRateLimits.OneCall], null, cancellationToken);
        return Orders(Object(result, "ClosedOrders")["closed"], market).FirstOrDefault(o => o.ClientOrderId == clientOrderId);
    }

    public async Task<IReadOnlyList<Trade>> FetchMyTradesAsync(string? symbol, DateTimeOffset? since, int? limit, CancellationToken cancellationToken)
    {
        // TradesHistory has no pair filter either. Trade history costs 2 on the REST counter (spot-rest-ratelimits).
        var market = await MarketOrNullAsync(symbol, cancellationToken);
        return await HistoryAsync(
            "TradesHistory", "trades", KrakenRateLimits.HistoryCall, since, limit,
            (id, node) => KrakenParsing.Trade(id, node, FindMarket),
            t => market is null || t.Symbol == market.Symbol,
            t => t.Timestamp,
            t => t.Id,
            cancellationToken);
    }

    public async Task<Order> CreateOrderAsync(OrderRequest request, CancellationToken cancellationToken)
    {
        await EnsureMarketsAsync(cancellationToken);
        var market = _markets.BySymbol(request.Symbol);
        var order = KrakenOrders.Build(market, request);
        var result = await PrivateAsync("AddOrder", order.Fields, [KrakenRateLimits.AddOrder(market.Id)], [KrakenRateLimits.TradingCounter(market.Id)], cancellationToken);
        var txid = Object(result, "AddOrder")["txid"] is JsonArray { Count: > 0 } ids ? KrakenParsing.Text(ids[0]) : null;
        return order.Accepted(txid ?? throw KrakenParsing.Malformed("AddOrder txid"));
    }

    public async Task<Order> CancelOrderAsync(string id, string symbol, CancellationToken cancellationToken)
    {
        // Kraken's CancelOrder answers only {count, pending}: the order's final state comes from QueryOrders after it.
        var market = await MarketOrNullAsync(symbol, cancellationToken);
        await CancelAsync(id, market, cancellationToken);
        return await FetchOrderAsync(id, symbol, cancellationToken);
    }

    public async Task<IReadOnlyList<Order>> CancelAllOrdersAsync(string? symbol, CancellationToken cancellationToken)
    {
        var market = await MarketOrNullAsync(symbol, cancellationToken);
        if (market is null)
        {
            // CancelAll answers only how many it cancelled, not which.
            await PrivateAsync("CancelAll", [], [KrakenRateLimits.OneCall], null, cancellationToken);
            return [];
        }

        // Kraken has no cancel-all for one pair: cancel that pair's open orders one by one, never other pairs' orders.
        var cancelled = new List<Order>();
        foreach (var order in await OpenOrdersAsync(market, [], cancellationToken))
        {
            await CancelAsync(order.Id, market, cancellationToken);
            cancelled.Add(order with { Status = OrderStatus.Canceled });
        }

        return cancelled;
    }

    public async Task<DateTimeOffset> FetchTimeAsync(CancellationToken cancellationToken)
    {
        var clock = _services.ClockFor(Id, _connection.BaseUri);
        var sent = clock.Time.GetUtcNow();
        var result = await PublicAsync("Time", null, cancellationToken);
        var received = clock.Time.GetUtcNow();
        var unix = KrakenParsing.Number(Object(result, "Time")["unixtime"]) ?? throw KrakenParsing.Malformed("Time unixtime");
        var server = DateTimeOffset.FromUnixTimeSeconds((long)unix);
        clock.Observe(server, sent, received);
        return server;
    }

    public async Task<KeyPermissions> FetchPermissionsAsync(CancellationToken cancellationToken)
    {
        var result = await PrivateAsync("GetApiKeyInfo", [], [KrakenRateLimits.OneCall], null, cancellationToken);
        return KrakenPermissions.Parse(result);
    }

    private async Task CancelAsync(string id, Market? market, CancellationToken cancellationToken)
    {
        // With the pair known, the cancel counts on that pair's matching-engine counter (worst case +8); without it,
        // on the REST counter, which every private call may spend.
        var (costs, rules) = market is null
            ? ((IReadOnlyList<RateCost>)[KrakenRateLimits.OneCall], (IReadOnlyList<RateLimitRule>?)null)
            : ([KrakenRateLimits.CancelOrder(market.Id)], [KrakenRateLimits.TradingCounter(market.Id)]);
        await PrivateAsync("CancelOrder", [new("txid", id)], costs, rules, cancellationToken);
    }

    private async Task<List<Order>> OpenOrdersAsync(Market? market, IReadOnlyList<KeyValuePair<string, string>> fields, CancellationToken cancellationToken)
    {
        // OpenOrders has no pair filter either.
        var result = await PrivateAsync("OpenOrders", fields, [KrakenRateLimits.OneCall], null, cancellationToken);
        return Orders(Object(result, "OpenOrders")["open"], market);
    }

    private List<Order> Orders(JsonNode? map, Market? market)
    {
        var orders = new List<Order>();
        if (map is JsonObject obj)
        {
            foreach (var (id, node) in obj)
            {
                if (node is not null)
                {
                    var order = KrakenParsing.Order(id, node, FindMarket);
                    if (market is null || order.Symbol == market.Symbol)
                    {
                        orders.Add(order);
                    }
                }
            }
        }

        return orders;
    }

    private async Task<Market?> MarketOrNullAsync(string? symbol, CancellationToken cancellationToken)
    {
        await EnsureMarketsAsync(cancellationToken);
        return symbol is null ? null : _markets.BySymbol(symbol);
    }

    private async Task EnsureMarketsAsync(CancellationToken cancellationToken)
    {
        if (!_markets.IsLoaded)
        {
            await FetchMarketsAsync(cancellationToken);
        }
    }

    private void LoadMarkets(IEnumerable<Market> markets)
    {
        var list = markets.ToList();
        _markets.Load(list);

        // Kraken names a pair by its id (XXBTZUSD) in most answers but by its altname (XBTUSD) in order descriptions.
        var names = new Dictionary<string, Market>(StringComparer.Ordinal);
        foreach (var market in list)
        {
            foreach (var name in new[] { market.Extra.GetValueOrDefault("altname"), market.Extra.GetValueOrDefault("wsname") })
            {
                if (name is not null)
                {
                    names.TryAdd(name, market);
                }
            }
        }

        foreach (var market in list)
        {
            names[market.Id] = market;
        }

        _byAnyName = names.ToFrozenDictionary(StringComparer.Ordinal);
    }

    private Market? FindMarket(string pair) => _byAnyName.GetValueOrDefault(pair);

    private ExchangeTransport Transport(IReadOnlyList<RateLimitRule>? extraRules) =>
        _services.TransportFor(
            _connection,
            extraRules is null ? [KrakenRateLimits.RestCounter, KrakenRateLimits.PublicCalls] : [KrakenRateLimits.RestCounter, KrakenRateLimits.PublicCalls, .. extraRules],
            throttled: r => KrakenErrors.IsRateLimit(r.Body));

    private async Task<JsonNode> PublicAsync(string method, string? query, CancellationToken cancellationToken)
    {
        var transport = Transport(null);
        var uri = new Uri(_connection.BaseUri, "/0/public/" + method + (query is null ? string.Empty : "?" + query));
        var response = await transport.SendAsync(_ => ValueTask.FromResult(new HttpRequestMessage(HttpMethod.Get, uri)), [KrakenRateLimits.PublicCall], cancellationToken);
        return Result(response, transport.Budget, method, null);
    }

    /// <summary>
    /// One private call: nonce, form body, API-Sign, send. Kraken refuses a nonce not larger than the last it saw for
    /// the key. Coffer's nonces are strictly increasing (<see cref="INonceStore"/>), but two of Coffer's own concurrent
    /// requests can reach Kraken out of order; so the first refusal is retried once with a fresh nonce (safe for
    /// AddOrder: a refused nonce means the request was not processed). A second refusal means someone else's nonces
    /// are ahead of Coffer's on this key.
    /// </summary>
    private async Task<JsonNode> PrivateAsync(string method, IReadOnlyList<KeyValuePair<string, string>> fields, IReadOnlyList<RateCost> costs, IReadOnlyList<RateLimitRule>? extraRules, CancellationToken cancellationToken)
    {
        var credentials = _connection.Credentials
            ?? throw new ExchangeException(Id, ExchangeErrorKind.Authentication, "This Kraken connection has no API key; private calls need one.", transient: false);
        var path = "/0/private/" + method;
        var uri = new Uri(_connection.BaseUri, path);
        for (var attempt = 1; ; attempt++)
        {
            var transport = Transport(extraRules);
            var response = await transport.SendAsync(
                async token =>
                {
                    // The nonce is taken once the budget lets the request go, so it is as fresh as it can be.
                    var nonce = await _services.Nonces.NextAsync(credentials.ApiKey, transport.Clock.Now.ToUnixTimeMilliseconds(), token);
                    var nonceText = nonce.ToString(CultureInfo.InvariantCulture);
                    var body = KrakenSigning.FormBody([new("nonce", nonceText), .. fields]);
                    var signature = await KrakenSigning.SignAsync(credentials.Signer, path, nonceText, body, token);
                    var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
                    content.Headers.ContentType = FormContentType;
                    var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = content };
                    request.Headers.Add("API-Key", credentials.ApiKey);
                    request.Headers.Add("API-Sign", signature);
                    return request;
                },
                costs,
                cancellationToken);
            try
            {
                return Result(response, transport.Budget, method, extraRules);
            }
            catch (ExchangeException error) when (error.Kind == ExchangeErrorKind.Nonce && attempt == 1)
            {
                LogNonceRetry(_logger, method);
            }
            catch (ExchangeException error) when (error.Kind == ExchangeErrorKind.Nonce)
            {
                LogNonceRegression(_logger, method);
                throw new ExchangeException(Id, ExchangeErrorKind.Nonce, NonceRegressionMessage, KrakenErrors.InvalidNonce, transient: false, inner: error);
            }
        }
    }

    /// <summary>Kraken's envelope: {"error": [...], "result": {...}}; HTTP status codes carry little (spot-rest-intro).</summary>
    private static JsonNode Result(ExchangeResponse response, RequestBudget budget, string method, IReadOnlyList<RateLimitRule>? extraRules)
    {
        JsonNode? envelope;
        try
        {
            envelope = JsonNode.Parse(response.Body);
        }
        catch (JsonException ex)
        {
            throw new ExchangeException(Id, ExchangeErrorKind.ExchangeUnavailable, $"Kraken answered {method} with HTTP {response.StatusCode} and no JSON.", response.StatusCode.ToString(CultureInfo.InvariantCulture), transient: true, inner: ex);
        }

        if (envelope?["error"] is JsonArray { Count: > 0 } errors && KrakenParsing.Text(errors[0]) is { } first)
        {
            if (KrakenErrors.Classify(first).Kind == ExchangeErrorKind.RateLimited)
            {
                throw RateLimited(first, budget, extraRules);
            }

            throw KrakenErrors.ToException(first);
        }

        if (response.StatusCode >= 500)
        {
            throw new ExchangeException(Id, ExchangeErrorKind.ExchangeUnavailable, $"Kraken answered {method} with HTTP {response.StatusCode}.", response.StatusCode.ToString(CultureInfo.InvariantCulture));
        }

        return envelope?["result"] ?? throw KrakenParsing.Malformed(method + " result");
    }

    /// <summary>
    /// Kraken's rate-limit errors are its 429: every request of this budget waits (exponential back-off, which the
    /// transport does not reset for these answers), and the counter Kraken refused on is taken as full — Kraken's counter
    /// is at its ceiling, so Coffer's view of it goes to its own (usable) ceiling and the next call waits until the
    /// counter has decayed by that call's cost, as Kraken's has. Calling sooner is what extends Kraken's restriction into
    /// a lockout (spot-rest-ratelimits).
    /// </summary>
    private static ExchangeException RateLimited(string error, RequestBudget budget, IReadOnlyList<RateLimitRule>? extraRules)
    {
        var pause = budget.Penalize(null);
        if (error.StartsWith("EAPI:Rate limit exceeded", StringComparison.OrdinalIgnoreCase))
        {
            budget.Observe(KrakenRateLimits.Rest, KrakenRateLimits.RestCounter.Usable);
        }
        else if (error.StartsWith("EOrder:Rate limit exceeded", StringComparison.OrdinalIgnoreCase))
        {
            foreach (var rule in extraRules ?? [])
            {
                budget.Observe(rule.Name, rule.Usable);
            }
        }

        return KrakenErrors.ToException(error, pause);
    }

    private static JsonObject Object(JsonNode result, string method) =>
        result as JsonObject ?? throw KrakenParsing.Malformed(method + " result object");

    [LoggerMessage(Level = LogLevel.Information, Message = "Kraken refused the nonce of {Method}; retrying once with a fresh nonce")]
    private static partial void LogNonceRetry(ILogger logger, string method);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Kraken refused a fresh nonce of {Method} again: another program uses this API key")]
    private static partial void LogNonceRegression(ILogger logger, string method);
}
