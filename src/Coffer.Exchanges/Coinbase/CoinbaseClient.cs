using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Coffer.Exchanges.Model;
using Coffer.Exchanges.Transport;

namespace Coffer.Exchanges.Coinbase;

/// <summary>
/// Coinbase Advanced Trade (<c>/api/v3/brokerage</c>, exchanges.md §3) in unified terms, spot only. Private calls carry a
/// fresh ES256 JWT each (<see cref="CoinbaseJwt"/>); market data comes from the public <c>/market/…</c> endpoints.
/// </summary>
internal sealed class CoinbaseClient : IExchangeClient
{
    public const string Id = "coinbase";

    private const string Prefix = "/api/v3/brokerage";

    /// <summary>The Coinbase App's public server time, outside the Advanced Trade prefix.</summary>
    private const string TimePath = "/v2/time";

    /// <summary>Orders per <c>orders/batch_cancel</c> call (the documented maximum is 100 order ids).</summary>
    private const int CancelBatch = 100;

    private const int OrderPage = 100;

    /// <summary>How far back a client-order-id lookup pages before it says it cannot tell (rather than "absent").</summary>
    private const int LookupPages = 50;

    /// <summary>The flags of GET /key_permissions (get-api-key-permissions), reported back as the exchange names them.</summary>
    private static readonly string[] PermissionNames = ["can_view", "can_trade", "can_transfer", "can_receive"];

    private readonly ExchangeConnection _connection;
    private readonly ExchangeTransport _public;
    private readonly ExchangeTransport _private;
    private readonly MarketBook _markets = new(Id);

    public CoinbaseClient(ExchangeConnection connection, ConnectorServices services)
    {
        _connection = connection;
        _public = services.TransportFor(connection, [CoinbaseRateLimits.PublicRule], (r, b) => CoinbaseRateLimits.Observe(r, b, CoinbaseRateLimits.PublicRule));
        _private = services.TransportFor(connection, [CoinbaseRateLimits.PrivateRule], (r, b) => CoinbaseRateLimits.Observe(r, b, CoinbaseRateLimits.PrivateRule));
    }

    public string Exchange => Id;

    public MarketBook Markets => _markets;

    public ExchangeClock Clock => _private.Clock;

    public async Task<IReadOnlyList<Market>> FetchMarketsAsync(CancellationToken cancellationToken)
    {
        var body = await SendAsync(HttpMethod.Get, "/market/products", [new("product_type", "SPOT")], null, isPrivate: false, cancellationToken);
        var markets = Array(body["products"]).Select(CoinbaseParsing.Market).OfType<Market>().ToList();
        _markets.Load(markets);
        return markets;
    }

    public async Task<IReadOnlyList<Ticker>> FetchTickersAsync(IReadOnlyCollection<string>? symbols, CancellationToken cancellationToken)
    {
        await EnsureMarketsAsync(cancellationToken);
        if (symbols is { Count: 1 })
        {
            var market = _markets.BySymbol(symbols.First());
            var body = await SendAsync(HttpMethod.Get, $"/market/products/{Uri.EscapeDataString(market.Id)}/ticker", [new("limit", "1")], null, isPrivate: false, cancellationToken);
            return [CoinbaseParsing.SingleTicker(body, market.Symbol)];
        }

        var wanted = symbols?.Select(_markets.BySymbol).ToList();
        var query = wanted?.Select(m => new KeyValuePair<string, string>("product_ids", m.Id)).ToList() ?? [];
        var products = await SendAsync(HttpMethod.Get, "/market/products", query, null, isPrivate: false, cancellationToken);
        var tickers = new List<Ticker>();
        foreach (var product in Array(products["products"]))
        {
            if (CoinbaseParsing.Str(product["product_type"]) is { } type && type != "SPOT")
            {
                continue;
            }

            if (_markets.ById(CoinbaseParsing.Str(product["product_id"]) ?? string.Empty) is { } market
                && (wanted is null || wanted.Contains(market)))
            {
                tickers.Add(CoinbaseParsing.ProductTicker(product, market.Symbol));
            }
        }

        return _connection.Credentials is null || tickers.Count == 0 ? tickers : await WithBestBidAskAsync(tickers, wanted is null, cancellationToken);
    }

    public async Task<Balances> FetchBalanceAsync(CancellationToken cancellationToken)
    {
        var byCurrency = new Dictionary<string, (decimal Free, decimal Used)>(StringComparer.Ordinal);
        await foreach (var account in PagesAsync("/accounts", [new("limit", "250")], "accounts", cancellationToken))
        {
            var currency = CoinbaseParsing.Str(account["currency"]);
            if (string.IsNullOrEmpty(currency))
            {
                continue;
            }

            // One currency can have several accounts (wallets, vaults): their balances add up.
            var free = CoinbaseParsing.Dec(account["available_balance"]?["value"]) ?? 0;
            var used = CoinbaseParsing.Dec(account["hold"]?["value"]) ?? 0;
            var sum = byCurrency.GetValueOrDefault(currency);
            byCurrency[currency] = (sum.Free + free, sum.Used + used);
        }

        return new Balances(byCurrency.ToDictionary(p => p.Key, p => new Balance(p.Key, p.Value.Free, p.Value.Used, p.Value.Free + p.Value.Used), StringComparer.Ordinal));
    }

    public async Task<IReadOnlyList<Order>> FetchOpenOrdersAsync(string? symbol, CancellationToken cancellationToken)
    {
        await EnsureMarketsAsync(cancellationToken);
        var query = new List<KeyValuePair<string, string>> { new("order_status", "OPEN"), new("limit", OrderPage.ToString(CultureInfo.InvariantCulture)) };
        AddProduct(query, symbol);
        return await OrdersAsync(query, int.MaxValue, cancellationToken);
    }

    public async Task<IReadOnlyList<Order>> FetchClosedOrdersAsync(string? symbol, DateTimeOffset? since, int? limit, CancellationToken cancellationToken)
    {
        await EnsureMarketsAsync(cancellationToken);

        // order_status is repeatable (exchanges.md §3.4): every finished state, not only FILLED.
        var query = new List<KeyValuePair<string, string>>
        {
            new("order_status", "FILLED"), new("order_status", "CANCELLED"), new("order_status", "EXPIRED"),
            new("limit", Math.Clamp(limit ?? OrderPage, 1, OrderPage).ToString(CultureInfo.InvariantCulture)),
        };
        AddProduct(query, symbol);
        if (since is { } start)
        {
            // Coinbase lists newest first: the oldest from 'since' (Coffer's contract) are at the end of the last page.
            query.Add(new("start_date", Iso(start)));
            return OldestFirst(await OrdersAsync(query, int.MaxValue, cancellationToken), limit, o => o.Timestamp ?? start, o => o.Id);
        }

        return await OrdersAsync(query, limit ?? int.MaxValue, cancellationToken);
    }

    public async Task<Order> FetchOrderAsync(string id, string symbol, CancellationToken cancellationToken)
    {
        await EnsureMarketsAsync(cancellationToken);
        var body = await SendAsync(HttpMethod.Get, $"/orders/historical/{Uri.EscapeDataString(id)}", [], null, isPrivate: true, cancellationToken);
        return CoinbaseParsing.Order(body["order"] ?? throw new FormatException("Coinbase answered without an order."), SymbolOf);
    }

    public async Task<Order?> FetchOrderByClientOrderIdAsync(string clientOrderId, string symbol, CancellationToken cancellationToken)
    {
        await EnsureMarketsAsync(cancellationToken);

        // The order list has no client_order_id filter: page the product's orders, newest first, until it turns up.
        var query = new List<KeyValuePair<string, string>> { new("limit", OrderPage.ToString(CultureInfo.InvariantCulture)) };
        AddProduct(query, symbol);
        var pages = 0;
        string? cursor = null;
        while (true)
        {
            var page = new List<KeyValuePair<string, string>>(query);
            if (cursor is not null)
            {
                page.Add(new("cursor", cursor));
            }

            var body = await SendAsync(HttpMethod.Get, "/orders/historical/batch", page, null, isPrivate: true, cancellationToken);
            foreach (var order in Array(body["orders"]))
            {
                if (CoinbaseParsing.Str(order["client_order_id"]) == clientOrderId)
                {
                    return CoinbaseParsing.Order(order, SymbolOf);
                }
            }

            var next = CoinbaseParsing.Str(body["cursor"]);
            if (CoinbaseParsing.Bool(body["has_next"]) != true || string.IsNullOrEmpty(next) || next == cursor)
            {
                return null;
            }

            if (++pages >= LookupPages)
            {
                throw new ExchangeException(Id, ExchangeErrorKind.BadRequest, $"No order with this client order id among the newest {LookupPages * OrderPage} orders of {symbol}; Coinbase cannot be asked by client order id, so whether it exists is unknown.", transient: false);
            }

            cursor = next;
        }
    }

    public async Task<IReadOnlyList<Trade>> FetchMyTradesAsync(string? symbol, DateTimeOffset? since, int? limit, CancellationToken cancellationToken)
    {
        await EnsureMarketsAsync(cancellationToken);
        var query = new List<KeyValuePair<string, string>>();
        AddProduct(query, symbol);
        query.Add(new("limit", Math.Clamp(limit ?? OrderPage, 1, OrderPage).ToString(CultureInfo.InvariantCulture)));
        if (since is { } start)
        {
            query.Add(new("start_sequence_timestamp", Iso(start)));
        }

        // Newest first: with 'since', every page is read so the oldest can be handed out first (Coffer's contract).
        var trades = new List<Trade>();
        await foreach (var fill in PagesAsync("/orders/historical/fills", query, "fills", cancellationToken))
        {
            trades.Add(CoinbaseParsing.Trade(fill, SymbolOf));
            if (since is null && trades.Count >= (limit ?? int.MaxValue))
            {
                break;
            }
        }

        return since is null ? trades : OldestFirst(trades, limit, t => t.Timestamp, t => t.Id);
    }

    private static List<T> OldestFirst<T>(IEnumerable<T> items, int? limit, Func<T, DateTimeOffset> timeOf, Func<T, string> idOf)
    {
        var ordered = items.DistinctBy(idOf, StringComparer.Ordinal).OrderBy(timeOf).ThenBy(idOf, StringComparer.Ordinal);
        return limit is { } n ? [.. ordered.Take(n)] : [.. ordered];
    }

    public async Task<Order> CreateOrderAsync(OrderRequest request, CancellationToken cancellationToken)
    {
        await EnsureMarketsAsync(cancellationToken);
        var market = _markets.BySymbol(request.Symbol);
        var (configuration, order) = Configuration(request, market);

        // client_order_id is required, and a repeat returns the existing order (exchanges.md §3.4): always send one.
        var clientOrderId = request.ClientOrderId ?? Guid.NewGuid().ToString();
        var body = new JsonObject
        {
            ["client_order_id"] = clientOrderId,
            ["product_id"] = market.Id,
            ["side"] = request.Side == OrderSide.Buy ? "BUY" : "SELL",
            ["order_configuration"] = configuration,
        };
        var answer = await SendAsync(HttpMethod.Post, "/orders", [], body.ToJsonString(), isPrivate: true, cancellationToken);

        // FAQ: success:true with failure_reason UNKNOWN_FAILURE_REASON means the order WAS accepted.
        if (CoinbaseParsing.Bool(answer["success"]) != true)
        {
            throw CoinbaseErrors.OrderRefused(answer);
        }

        var accepted = answer["success_response"];
        return new Order
        {
            Id = CoinbaseParsing.Str(accepted?["order_id"]) ?? CoinbaseParsing.Str(answer["order_id"]) ?? throw new FormatException("Coinbase accepted the order without an order_id."),
            ClientOrderId = CoinbaseParsing.Str(accepted?["client_order_id"]) ?? clientOrderId,
            Symbol = market.Symbol,
            Type = request.Type,
            Side = request.Side,
            Status = OrderStatus.Open,
            TimeInForce = request.Type == OrderType.Market ? request.TimeInForce ?? TimeInForce.Ioc : request.TimeInForce ?? TimeInForce.Gtc,
            PostOnly = request.PostOnly,
            Price = order.Price,
            TriggerPrice = order.TriggerPrice,
            Amount = order.Amount,
        };
    }

    public async Task<Order> CancelOrderAsync(string id, string symbol, CancellationToken cancellationToken)
    {
        await EnsureMarketsAsync(cancellationToken);
        var results = await CancelAsync([id], cancellationToken);
        var result = results.FirstOrDefault(r => CoinbaseParsing.Str(r["order_id"]) == id) ?? results.FirstOrDefault();
        ThrowIfNotCancelled(result, id);

        // The cancel answer names only the id: read the order back for its unified picture (its status may still be
        // CANCEL_QUEUED, which is reported as open).
        return await FetchOrderAsync(id, symbol, cancellationToken);
    }

    public async Task<IReadOnlyList<Order>> CancelAllOrdersAsync(string? symbol, CancellationToken cancellationToken)
    {
        var open = await FetchOpenOrdersAsync(symbol, cancellationToken);
        var cancelled = new List<Order>();
        foreach (var chunk in open.Chunk(CancelBatch))
        {
            var results = await CancelAsync([.. chunk.Select(o => o.Id)], cancellationToken);
            var succeeded = results.Where(r => CoinbaseParsing.Bool(r["success"]) == true).Select(r => CoinbaseParsing.Str(r["order_id"])).ToHashSet(StringComparer.Ordinal);
            cancelled.AddRange(chunk.Where(o => succeeded.Contains(o.Id)).Select(o => o with { Status = OrderStatus.Canceled }));
        }

        return cancelled;
    }

    /// <summary>
    /// GET /v2/time, public ("Get Current Time", docs.cdp.coinbase.com/coinbase-app/track-apis/time; CCXT's default):
    /// <c>{"data":{"iso":…,"epoch":seconds}}</c>. Whole seconds suffice: the JWT's nbf and exp are whole seconds too.
    /// </summary>
    public async Task<DateTimeOffset> FetchTimeAsync(CancellationToken cancellationToken)
    {
        var sent = _public.Clock.Time.GetUtcNow();
        var body = await SendAsync(HttpMethod.Get, TimePath, [], null, isPrivate: false, cancellationToken, prefix: string.Empty);
        var received = _public.Clock.Time.GetUtcNow();
        var data = body["data"];
        var epoch = CoinbaseParsing.Dec(data?["epoch"]);
        var server = (epoch is { } seconds ? DateTimeOffset.FromUnixTimeMilliseconds((long)(seconds * 1000)) : (DateTimeOffset?)null)
            ?? CoinbaseParsing.Time(data?["iso"])
            ?? throw new FormatException("Coinbase's time answer has neither data.epoch nor data.iso.");

        // A whole-second answer means the server's clock was somewhere in that second: its middle is the unbiased estimate.
        var wholeSecond = server.Millisecond == 0 && server.Microsecond == 0;
        _public.Clock.Observe(wholeSecond ? server.AddMilliseconds(500) : server, sent, received);
        return server;
    }

    public async Task<KeyPermissions> FetchPermissionsAsync(CancellationToken cancellationToken)
    {
        var body = await SendAsync(HttpMethod.Get, "/key_permissions", [], null, isPrivate: true, cancellationToken);
        bool Flag(string name) => CoinbaseParsing.Bool(body[name]) ?? throw new FormatException($"Coinbase's key_permissions answer has no {name}.");
        var canTransfer = Flag("can_transfer");
        var reported = PermissionNames.Where(n => CoinbaseParsing.Bool(body[n]) == true).ToList();
        return new KeyPermissions
        {
            CanRead = Flag("can_view"),
            CanTrade = Flag("can_trade"),

            // can_transfer "Indicates whether the API key has deposit/withdrawal permissions" (get-api-key-permissions):
            // it is the withdrawal right as well as the transfer right.
            CanWithdraw = canTransfer,
            CanTransfer = canTransfer,

            // Coinbase does not report an IP allowlist through the API.
            IpRestricted = null,
            Reported = reported,
        };
    }

    /// <summary>The order_configuration of a request, and the order as sent (amount and prices rounded by <see cref="OrderRules"/>).</summary>
    private static (JsonObject Configuration, CheckedOrder Order) Configuration(OrderRequest request, Market market)
    {
        if (request.Type is OrderType.StopLoss or OrderType.TakeProfit)
        {
            throw Invalid("Coinbase has no stop-market orders; place a stop-limit (StopLimit or TakeProfitLimit) with a limit price instead.");
        }

        // Precision (base_increment, price_increment), base_min_size/base_max_size, status and the market-order sizing
        // rule: one mechanism for every exchange (OrderRules).
        var order = OrderRules.Check(request, market, request.Rounding, referencePrice: null, Sizing(market)).OrThrow(Id);
        switch (request.Type)
        {
            case OrderType.Market:
                {
                    if (request.PostOnly)
                    {
                        throw Invalid("A market order cannot be post-only.");
                    }

                    var name = request.TimeInForce switch
                    {
                        null or TimeInForce.Ioc => "market_market_ioc",
                        TimeInForce.Fok => "market_market_fok",
                        _ => throw Invalid("Coinbase market orders are IOC or FOK, not GTC."),
                    };

                    // One sizing rule for market orders on every exchange (MarketOrderSize.Of): a cost, or a buy's amount
                    // with a price, is a quote_size; otherwise the amount is the base_size.
                    var size = order.QuoteToSpend is { } quote
                        ? new JsonObject { ["quote_size"] = Precision.Format(quote) }
                        : new JsonObject { ["base_size"] = Precision.Format(Amount(order)) };
                    return (new JsonObject { [name] = size }, order);
                }

            case OrderType.Limit:
                {
                    var amount = Amount(order);
                    var price = LimitPrice(order);
                    if (request.PostOnly && request.TimeInForce is TimeInForce.Ioc or TimeInForce.Fok)
                    {
                        throw Invalid("A post-only order cannot be IOC or FOK.");
                    }

                    var config = request.TimeInForce switch
                    {
                        null or TimeInForce.Gtc => new JsonObject { ["limit_limit_gtc"] = new JsonObject { ["base_size"] = Precision.Format(amount), ["limit_price"] = Precision.Format(price), ["post_only"] = request.PostOnly } },

                        // Coinbase's limit IOC is smart-order-routed: sor_limit_ioc is the documented configuration.
                        TimeInForce.Ioc => new JsonObject { ["sor_limit_ioc"] = new JsonObject { ["base_size"] = Precision.Format(amount), ["limit_price"] = Precision.Format(price) } },
                        TimeInForce.Fok => new JsonObject { ["limit_limit_fok"] = new JsonObject { ["base_size"] = Precision.Format(amount), ["limit_price"] = Precision.Format(price) } },
                        _ => throw Invalid("Unsupported time in force."),
                    };
                    return (config, order);
                }

            case OrderType.StopLimit or OrderType.TakeProfitLimit:
                {
                    if (request.TimeInForce is TimeInForce.Ioc or TimeInForce.Fok || request.PostOnly)
                    {
                        throw Invalid("Coinbase stop-limit orders are GTC and cannot be post-only.");
                    }

                    var stop = order.TriggerPrice ?? throw new InvalidOperationException("A checked stop-limit order has a trigger price.");

                    // A stop-loss sell (and a take-profit buy) waits for the price to fall to the trigger; a stop-loss buy
                    // (and a take-profit sell) for it to rise.
                    var direction = CoinbaseParsing.DirectionOf(request.Side, request.Type == OrderType.StopLimit);
                    var config = new JsonObject
                    {
                        ["stop_limit_stop_limit_gtc"] = new JsonObject
                        {
                            ["base_size"] = Precision.Format(Amount(order)),
                            ["limit_price"] = Precision.Format(LimitPrice(order)),
                            ["stop_price"] = Precision.Format(stop),
                            ["stop_direction"] = direction,
                        },
                    };
                    return (config, order);
                }

            default:
                throw Invalid($"Unsupported order type {request.Type}.");
        }
    }

    /// <summary>
    /// Coinbase's additions to a product's rules: a quote_size is truncated to quote_increment, where the product states
    /// one; quote_min_size/quote_max_size bound a quote_size, not a base_size order's notional
    /// (<see cref="OrderSizing.CostLimitsBoundNotional"/>, exchanges.md §3.4).
    /// </summary>
    public static OrderSizing Sizing(Market market)
    {
        ArgumentNullException.ThrowIfNull(market);
        return new OrderSizing
        {
            QuoteStep = market.Extra.TryGetValue("quote_increment", out var step) ? Precision.Parse(step) : null,
            CostLimitsBoundNotional = false,
        };
    }

    private static decimal Amount(CheckedOrder order) =>
        order.Amount ?? throw new InvalidOperationException("A checked order of a base amount has one.");

    private static decimal LimitPrice(CheckedOrder order) =>
        order.Price ?? throw new InvalidOperationException("A checked limit order has a price.");

    private static ExchangeException Invalid(string message) => new(Id, ExchangeErrorKind.InvalidOrder, message, transient: false);

    private static void ThrowIfNotCancelled(JsonNode? result, string id)
    {
        if (result is null)
        {
            throw new FormatException("Coinbase's batch_cancel answer has no result.");
        }

        if (CoinbaseParsing.Bool(result["success"]) == true)
        {
            return;
        }

        var reason = CoinbaseParsing.Str(result["failure_reason"]) ?? "UNKNOWN_CANCEL_FAILURE_REASON";
        var kind = reason == "UNKNOWN_CANCEL_ORDER" ? ExchangeErrorKind.NotFound : ExchangeErrorKind.InvalidOrder;
        throw new ExchangeException(Id, kind, $"Coinbase did not cancel order {id} ({reason}).", reason, transient: false);
    }

    private static string Iso(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static JsonNode? FirstOf(JsonNode? node) => node is JsonArray { Count: > 0 } array ? array[0] : null;

    private static IEnumerable<JsonNode> Array(JsonNode? node) => node is JsonArray array ? array.OfType<JsonNode>() : [];

    /// <summary>
    /// The product list has last price and volume but no bid or ask; with a key, GET /best_bid_ask (many products in one
    /// call) adds them. Without one the tickers stay without bid and ask rather than costing a call per product.
    /// </summary>
    private async Task<List<Ticker>> WithBestBidAskAsync(List<Ticker> tickers, bool all, CancellationToken cancellationToken)
    {
        var query = all ? [] : tickers.Select(t => new KeyValuePair<string, string>("product_ids", _markets.BySymbol(t.Symbol).Id)).ToList();
        var body = await SendAsync(HttpMethod.Get, "/best_bid_ask", query, null, isPrivate: true, cancellationToken);
        var books = new Dictionary<string, JsonNode>(StringComparer.Ordinal);
        foreach (var book in Array(body["pricebooks"]))
        {
            if (CoinbaseParsing.Str(book["product_id"]) is { } id)
            {
                books[id] = book;
            }
        }

        return tickers.Select(t => books.TryGetValue(_markets.BySymbol(t.Symbol).Id, out var book)
            ? t with
            {
                Bid = CoinbaseParsing.Dec(FirstOf(book["bids"])?["price"]),
                Ask = CoinbaseParsing.Dec(FirstOf(book["asks"])?["price"]),
                Timestamp = CoinbaseParsing.Time(book["time"]),
            }
            : t).ToList();
    }

    private async Task<List<JsonNode>> CancelAsync(string[] ids, CancellationToken cancellationToken)
    {
        var body = new JsonObject { ["order_ids"] = new JsonArray([.. ids.Select(i => JsonValue.Create(i))]) };
        var answer = await SendAsync(HttpMethod.Post, "/orders/batch_cancel", [], body.ToJsonString(), isPrivate: true, cancellationToken);
        return [.. Array(answer["results"])];
    }

    private async Task<List<Order>> OrdersAsync(List<KeyValuePair<string, string>> query, int limit, CancellationToken cancellationToken)
    {
        var orders = new List<Order>();
        await foreach (var order in PagesAsync("/orders/historical/batch", query, "orders", cancellationToken))
        {
            orders.Add(CoinbaseParsing.Order(order, SymbolOf));
            if (orders.Count >= limit)
            {
                break;
            }
        }

        return orders;
    }

    /// <summary>Every item of a cursor-paged list (<c>cursor</c>, <c>has_next</c>); a repeated cursor ends it.</summary>
    private async IAsyncEnumerable<JsonNode> PagesAsync(string path, IReadOnlyList<KeyValuePair<string, string>> query, string items, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string? cursor = null;
        while (true)
        {
            var page = new List<KeyValuePair<string, string>>(query);
            if (cursor is not null)
            {
                page.Add(new("cursor", cursor));
            }

            var body = await SendAsync(HttpMethod.Get, path, page, null, isPrivate: true, cancellationToken);
            var list = Array(body[items]).ToList();
            foreach (var item in list)
            {
                yield return item;
            }

            var next = CoinbaseParsing.Str(body["cursor"]);

            // Lists with has_next say when they end; the fills list only has a cursor, so an empty page ends it.
            var more = body["has_next"] is JsonValue ? CoinbaseParsing.Bool(body["has_next"]) == true : list.Count > 0;
            if (!more || string.IsNullOrEmpty(next) || next == cursor)
            {
                yield break;
            }

            cursor = next;
        }
    }

    private void AddProduct(List<KeyValuePair<string, string>> query, string? symbol)
    {
        if (symbol is not null)
        {
            query.Add(new("product_ids", _markets.BySymbol(symbol).Id));
        }
    }

    private string SymbolOf(string productId) =>
        _markets.ById(productId)?.Symbol ?? (productId.Split('-') is [var b, var q] ? Market.SymbolOf(b, q) : productId);

    private async ValueTask EnsureMarketsAsync(CancellationToken cancellationToken)
    {
        if (!_markets.IsLoaded)
        {
            await FetchMarketsAsync(cancellationToken);
        }
    }

    private async Task<JsonNode> SendAsync(HttpMethod method, string path, IReadOnlyList<KeyValuePair<string, string>> query, string? body, bool isPrivate, CancellationToken cancellationToken, string prefix = Prefix, bool resync = true)
    {
        var transport = isPrivate ? _private : _public;
        var credentials = isPrivate
            ? _connection.Credentials ?? throw new ExchangeException(Id, ExchangeErrorKind.Authentication, "This Coinbase connection has no API key; private calls need one.", transient: false)
            : null;
        var uri = RequestUri(prefix + path, query);
        var response = await transport.SendAsync(
            async token =>
            {
                var request = new HttpRequestMessage(method, uri);
                try
                {
                    if (body is not null)
                    {
                        request.Content = new StringContent(body, Encoding.UTF8, "application/json");
                    }

                    if (credentials is not null)
                    {
                        await CoinbaseJwt.AuthorizeAsync(request, credentials, transport.Clock, token);
                    }

                    return request;
                }
                catch
                {
                    request.Dispose();
                    throw;
                }
            },
            isPrivate ? CoinbaseRateLimits.PrivateCost : CoinbaseRateLimits.PublicCost,
            cancellationToken);
        if (CoinbaseErrors.FromResponse(response) is { } error)
        {
            // Coinbase answers a JWT outside its nbf..exp window with the same 401 as a wrong key (exchanges.md §3.7). Once
            // per call: re-measure the clock, and only if it was a second or more off, sign again on the corrected time
            // (a refused request placed nothing, and a repeated client_order_id returns the same order). A wrong key
            // stays an authentication error.
            if (resync && credentials is not null && error.Kind == ExchangeErrorKind.Authentication && await ClockWasOffAsync(cancellationToken))
            {
                return await SendAsync(method, path, query, body, isPrivate, cancellationToken, prefix, resync: false);
            }

            throw error;
        }

        try
        {
            return JsonNode.Parse(response.Body) ?? throw new FormatException("Coinbase answered null.");
        }
        catch (JsonException ex)
        {
            throw new ExchangeException(Id, ExchangeErrorKind.ExchangeUnavailable, $"Coinbase answered {path} with something that is not JSON.", inner: ex);
        }
    }

    /// <summary>Measures the server's time; true when the offset moved by a second or more (JWT times are whole seconds).</summary>
    private async Task<bool> ClockWasOffAsync(CancellationToken cancellationToken)
    {
        var before = Clock.Offset;
        try
        {
            await FetchTimeAsync(cancellationToken);
        }
        catch (ExchangeException)
        {
            return false;
        }

        return (Clock.Offset - before).Duration() >= TimeSpan.FromSeconds(1);
    }

    private Uri RequestUri(string path, IReadOnlyList<KeyValuePair<string, string>> query)
    {
        var text = new StringBuilder(_connection.BaseUri.GetLeftPart(UriPartial.Authority)).Append(path);
        for (var i = 0; i < query.Count; i++)
        {
            text.Append(i == 0 ? '?' : '&').Append(Uri.EscapeDataString(query[i].Key)).Append('=').Append(Uri.EscapeDataString(query[i].Value));
        }

        return new Uri(text.ToString());
    }
}
