using System.Globalization;
using System.Text.Json;
using Coffer.Exchanges.Model;
using Coffer.Exchanges.Transport;
using Microsoft.Extensions.Logging;

namespace Coffer.Exchanges.Binance;

/// <summary>
/// Binance spot (<c>/api/v3</c>, and <c>/sapi/v1/account/apiRestrictions</c> for key permissions), per
/// binance-spot-api-docs rest-api.md (a5e0bc3). Signs through the vault's oracle; every call goes through the shared
/// request budget of the account and egress address.
/// </summary>
internal sealed partial class BinanceClient : IExchangeClient
{
    private static readonly KeyValuePair<string, string>[] None = [];

    private readonly ExchangeConnection _connection;
    private readonly ExchangeTransport _transport;
    private readonly ILogger _logger;

    public BinanceClient(ExchangeConnection connection, ConnectorServices services)
    {
        _connection = connection;
        _transport = services.TransportFor(connection, BinanceRateLimits.Rules, BinanceRateLimits.Observe);
        _logger = services.Logs.CreateLogger("Coffer.Exchanges.binance");
        Markets = new MarketBook(Exchange);
    }

    public string Exchange => BinanceErrors.Exchange;

    public MarketBook Markets { get; }

    public ExchangeClock Clock => _transport.Clock;

    public async Task<IReadOnlyList<Market>> FetchMarketsAsync(CancellationToken cancellationToken)
    {
        using var doc = await PublicAsync("/api/v3/exchangeInfo", None, BinanceRateLimits.Weight(20), cancellationToken);
        var markets = BinanceParsing.Markets(doc.RootElement);
        Markets.Load(markets);
        return markets;
    }

    /// <summary>
    /// GET /api/v3/ticker/24hr: bid, ask, last and the 24-hour open, high, low and volumes in one call (what CCXT's
    /// fetchTicker(s) read). One symbol → <c>symbol=</c>; several → <c>symbols=["A","B"]</c>; none → every market.
    /// </summary>
    public async Task<IReadOnlyList<Ticker>> FetchTickersAsync(IReadOnlyCollection<string>? symbols, CancellationToken cancellationToken)
    {
        var markets = symbols?.Select(Markets.BySymbol).ToList();
        var parameters = markets switch
        {
            null => None,
            [var one] => [new("symbol", one.Id)],
            _ => [new KeyValuePair<string, string>("symbols", "[" + string.Join(',', markets.Select(m => "\"" + m.Id + "\"")) + "]")],
        };

        using var doc = await PublicAsync("/api/v3/ticker/24hr", parameters, BinanceRateLimits.Weight(BinanceRateLimits.Ticker24hWeight(markets?.Count)), cancellationToken);
        var items = doc.RootElement.ValueKind == JsonValueKind.Array ? doc.RootElement.EnumerateArray().ToList() : [doc.RootElement];
        var tickers = new List<Ticker>();
        foreach (var item in items)
        {
            if (BinanceParsing.Str(item, "symbol") is { } id && Markets.ById(id) is { } market)
            {
                tickers.Add(BinanceParsing.Ticker(item, market.Symbol));
            }
        }

        return tickers;
    }

    public async Task<Balances> FetchBalanceAsync(CancellationToken cancellationToken)
    {
        using var doc = await SignedAsync(HttpMethod.Get, "/api/v3/account", None, BinanceRateLimits.Weight(20), cancellationToken);
        return BinanceParsing.Balances(doc.RootElement);
    }

    public async Task<IReadOnlyList<Order>> FetchOpenOrdersAsync(string? symbol, CancellationToken cancellationToken)
    {
        var market = symbol is null ? null : Markets.BySymbol(symbol);
        var parameters = market is null ? None : [new("symbol", market.Id)];

        // rest-api.md: weight 6 for one symbol, 80 without.
        using var doc = await SignedAsync(HttpMethod.Get, "/api/v3/openOrders", parameters, BinanceRateLimits.Weight(market is null ? 80 : 6), cancellationToken);
        return Orders(doc.RootElement);
    }

    /// <summary>GET /api/v3/allOrders (symbol required by Binance), keeping the orders in a final state.</summary>
    public async Task<IReadOnlyList<Order>> FetchClosedOrdersAsync(string? symbol, DateTimeOffset? since, int? limit, CancellationToken cancellationToken)
    {
        var market = Markets.BySymbol(RequireSymbol(symbol, "closed orders", "GET /api/v3/allOrders"));
        if (since is { } from)
        {
            // allOrders filters startTime on the order's creation time.
            return await ForwardAsync("/api/v3/allOrders", market.Id, from, limit, o => BinanceParsing.Order(o, SymbolOf(o, market.Symbol)), o => o.Status != OrderStatus.Open, o => o.Timestamp ?? from, o => o.Id, cancellationToken);
        }

        var parameters = new List<KeyValuePair<string, string>> { new("symbol", market.Id) };

        // No limit on the wire: Binance's limit counts open orders too, which are filtered out here (as CCXT does).
        using var doc = await SignedAsync(HttpMethod.Get, "/api/v3/allOrders", parameters, BinanceRateLimits.Weight(20), cancellationToken);
        var closed = Orders(doc.RootElement).Where(o => o.Status != OrderStatus.Open).ToList();
        return limit is { } n && closed.Count > n ? closed[^n..] : closed;
    }

    public async Task<Order> FetchOrderAsync(string id, string symbol, CancellationToken cancellationToken)
    {
        var market = Markets.BySymbol(symbol);
        using var doc = await SignedAsync(HttpMethod.Get, "/api/v3/order", [new("symbol", market.Id), new("orderId", id)], BinanceRateLimits.Weight(4), cancellationToken);
        return BinanceParsing.Order(doc.RootElement, market.Symbol);
    }

    public async Task<Order?> FetchOrderByClientOrderIdAsync(string clientOrderId, string symbol, CancellationToken cancellationToken)
    {
        var market = Markets.BySymbol(symbol);
        try
        {
            using var doc = await SignedAsync(HttpMethod.Get, "/api/v3/order", [new("symbol", market.Id), new("origClientOrderId", clientOrderId)], BinanceRateLimits.Weight(4), cancellationToken);
            return BinanceParsing.Order(doc.RootElement, market.Symbol);
        }
        catch (ExchangeException ex) when (ex.ExchangeCode == "-2013")
        {
            // -2013 NO_SUCH_ORDER: the order never reached the book (reconciliation after an unknown outcome).
            return null;
        }
    }

    public async Task<IReadOnlyList<Trade>> FetchMyTradesAsync(string? symbol, DateTimeOffset? since, int? limit, CancellationToken cancellationToken)
    {
        var market = Markets.BySymbol(RequireSymbol(symbol, "trades", "GET /api/v3/myTrades"));
        if (since is { } from && limit is not (> 0 and <= HistoryPage))
        {
            return await ForwardAsync("/api/v3/myTrades", market.Id, from, limit, t => BinanceParsing.Trade(t, SymbolOf(t, market.Symbol)), _ => true, t => t.Timestamp, t => t.Id, cancellationToken);
        }

        var parameters = new List<KeyValuePair<string, string>> { new("symbol", market.Id) };
        AddSince(parameters, since);
        if (limit is { } n)
        {
            parameters.Add(new("limit", Math.Clamp(n, 1, 1000).ToString(CultureInfo.InvariantCulture)));
        }

        using var doc = await SignedAsync(HttpMethod.Get, "/api/v3/myTrades", parameters, BinanceRateLimits.Weight(20), cancellationToken);
        return doc.RootElement.ValueKind == JsonValueKind.Array
            ? doc.RootElement.EnumerateArray().Select(t => BinanceParsing.Trade(t, SymbolOf(t, market.Symbol))).ToList()
            : [];
    }

    public async Task<Order> CreateOrderAsync(OrderRequest request, CancellationToken cancellationToken)
    {
        var market = Markets.BySymbol(request.Symbol);
        var parameters = BinanceOrders.Parameters(request, market);
        using var doc = await SignedAsync(HttpMethod.Post, "/api/v3/order", parameters, BinanceRateLimits.NewOrder(), cancellationToken);
        return BinanceParsing.Order(doc.RootElement, market.Symbol);
    }

    public async Task<Order> CancelOrderAsync(string id, string symbol, CancellationToken cancellationToken)
    {
        var market = Markets.BySymbol(symbol);
        using var doc = await SignedAsync(HttpMethod.Delete, "/api/v3/order", [new("symbol", market.Id), new("orderId", id)], BinanceRateLimits.Weight(1), cancellationToken);
        return BinanceParsing.Order(doc.RootElement, market.Symbol);
    }

    /// <summary>
    /// DELETE /api/v3/openOrders: one symbol only (Binance has no cancel-everything call on spot).
    /// With nothing open Binance answers -2011 "Unknown order sent."; that is nothing to cancel, not a failure.
    /// </summary>
    public async Task<IReadOnlyList<Order>> CancelAllOrdersAsync(string? symbol, CancellationToken cancellationToken)
    {
        var market = Markets.BySymbol(RequireSymbol(symbol, "orders to cancel", "DELETE /api/v3/openOrders"));
        try
        {
            using var doc = await SignedAsync(HttpMethod.Delete, "/api/v3/openOrders", [new("symbol", market.Id)], BinanceRateLimits.Weight(1), cancellationToken);
            return Orders(doc.RootElement);
        }
        catch (ExchangeException ex) when (ex.Kind == ExchangeErrorKind.NotFound)
        {
            return [];
        }
    }

    /// <summary>GET /api/v3/time; also re-measures the clock offset signed requests use.</summary>
    public async Task<DateTimeOffset> FetchTimeAsync(CancellationToken cancellationToken)
    {
        var sent = _transport.Clock.Time.GetUtcNow();
        using var doc = await PublicAsync("/api/v3/time", None, BinanceRateLimits.Weight(1), cancellationToken);
        var received = _transport.Clock.Time.GetUtcNow();
        var serverTime = BinanceParsing.Time(doc.RootElement, "serverTime")
            ?? throw new ExchangeException(Exchange, ExchangeErrorKind.ExchangeUnavailable, "Binance's time answer had no serverTime.");
        _transport.Clock.Observe(serverTime, sent, received);
        return serverTime;
    }

    /// <summary>GET /sapi/v1/account/apiRestrictions (Binance wallet docs, "Get API Key Permission"; weight(IP) 1).</summary>
    public async Task<KeyPermissions> FetchPermissionsAsync(CancellationToken cancellationToken)
    {
        using var doc = await SignedAsync(HttpMethod.Get, "/sapi/v1/account/apiRestrictions", None, BinanceRateLimits.Sapi(1), cancellationToken);
        return BinanceParsing.Permissions(doc.RootElement);
    }

    private static void AddSince(List<KeyValuePair<string, string>> parameters, DateTimeOffset? since)
    {
        if (since is { } from)
        {
            parameters.Add(new("startTime", from.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture)));
        }
    }

    private string RequireSymbol(string? symbol, string what, string endpoint) =>
        symbol ?? throw new ExchangeException(Exchange, ExchangeErrorKind.BadRequest, $"Binance lists {what} only per market: give a symbol ({endpoint} requires one).", transient: false);

    private List<Order> Orders(JsonElement root) =>
        root.ValueKind == JsonValueKind.Array ? root.EnumerateArray().Select(o => BinanceParsing.Order(o, SymbolOf(o, null))).ToList() : [];

    private string SymbolOf(JsonElement item, string? fallback) =>
        BinanceParsing.Str(item, "symbol") is { } id ? Markets.ById(id)?.Symbol ?? fallback ?? id : fallback ?? "?";

    private async Task<JsonDocument> PublicAsync(string path, IReadOnlyList<KeyValuePair<string, string>> parameters, IReadOnlyList<RateCost> costs, CancellationToken cancellationToken)
    {
        var response = await _transport.SendAsync(ct => BinanceRequest.BuildAsync(_connection.BaseUri, HttpMethod.Get, path, parameters, _connection.Credentials, null, ct), costs, cancellationToken);
        return Parse(response);
    }

    /// <summary>
    /// A SIGNED request, timestamped from the exchange clock when it is built. On -1021 (timestamp outside recvWindow)
    /// the clock offset is re-measured from /api/v3/time and the request is sent once more with a fresh timestamp.
    /// </summary>
    private async Task<JsonDocument> SignedAsync(HttpMethod method, string path, IReadOnlyList<KeyValuePair<string, string>> parameters, IReadOnlyList<RateCost> costs, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var response = await _transport.SendAsync(ct => BinanceRequest.BuildAsync(_connection.BaseUri, method, path, parameters, _connection.Credentials, _transport.Clock.Now, ct), costs, cancellationToken);
            try
            {
                return Parse(response);
            }
            catch (ExchangeException ex) when (ex.Kind == ExchangeErrorKind.Timestamp && attempt == 0)
            {
                await FetchTimeAsync(cancellationToken);
                LogClockRefreshed(_logger, path, _transport.Clock.Offset.TotalMilliseconds);
            }
        }
    }

    private static JsonDocument Parse(ExchangeResponse response)
    {
        BinanceErrors.ThrowIfError(response);
        try
        {
            return JsonDocument.Parse(response.Body);
        }
        catch (JsonException ex)
        {
            throw new ExchangeException(BinanceErrors.Exchange, ExchangeErrorKind.ExchangeUnavailable, "Binance answered with a body that is not JSON.", inner: ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "binance refused the timestamp of {Path} (-1021); clock offset re-measured: {OffsetMs:0} ms")]
    private static partial void LogClockRefreshed(ILogger logger, string path, double offsetMs);
}
