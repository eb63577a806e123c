using System.Text.Json;
using Coffer.Sandbox.Engine;
using static Coffer.Sandbox.Coinbase.CoinbaseJson;

namespace Coffer.Sandbox.Coinbase;

/// <summary>Place, cancel, list and get orders, and list fills (Advanced Trade REST reference "Orders"; reference §3.4).</summary>
internal static class CoinbaseOrderEndpoints
{
    private static readonly HashSet<string> Statuses = new(
        ["PENDING", "OPEN", "FILLED", "CANCELLED", "EXPIRED", "FAILED", "UNKNOWN_ORDER_STATUS", "QUEUED", "CANCEL_QUEUED"], StringComparer.Ordinal);

    public static void Map(IEndpointRouteBuilder group, CoinbaseFront front)
    {
        group.MapPost("/orders", front.Endpoint(CoinbaseSecurity.Trade, r => Place(r, front)));
        group.MapPost("/orders/batch_cancel", front.Endpoint(CoinbaseSecurity.Trade, BatchCancel));
        group.MapGet("/orders/historical/batch", front.Endpoint(CoinbaseSecurity.View, List));
        group.MapGet("/orders/historical/fills", front.Endpoint(CoinbaseSecurity.View, Fills));
        group.MapGet("/orders/historical/{order_id}", front.Endpoint(CoinbaseSecurity.View, Get));
    }

    private static IResult Place(CoinbaseRequest request, CoinbaseFront front)
    {
        if (request.Body is not { ValueKind: JsonValueKind.Object } body)
        {
            return InvalidArgument("request body must be a JSON object");
        }

        if (Text(body, "client_order_id") is not { Length: > 0 } clientOrderId)
        {
            return InvalidArgument("client_order_id is required");
        }

        if (Text(body, "product_id") is not { Length: > 0 } productId)
        {
            return InvalidArgument("product_id is required");
        }

        var configuration = body.TryGetProperty("order_configuration", out var c) ? c : (JsonElement?)null;
        lock (front.PlaceGate)
        {
            // A repeated client_order_id returns the order it first placed, whatever else the repeat says (idempotency).
            if (request.Engine.GetOrders(request.Account).LastOrDefault(o => o.ClientOrderId == clientOrderId) is { } existing)
            {
                return Placed(existing, configuration);
            }

            if (request.Ids.FindProduct(productId) is not { } market)
            {
                return Refused(CoinbaseFailure.InvalidProduct, configuration);
            }

            OrderSide? side = Text(body, "side") switch { "BUY" => OrderSide.Buy, "SELL" => OrderSide.Sell, _ => null };
            if (side is not { } s)
            {
                return Refused(CoinbaseFailure.InvalidSide, configuration);
            }

            var (spec, failure, bad) = CoinbaseOrderConfig.Parse(configuration, s);
            if (bad is not null)
            {
                return InvalidArgument(bad);
            }

            if ((failure ?? CoinbaseRejections.Precheck(spec!, market)) is { } refusal)
            {
                return Refused(refusal, configuration);
            }

            // Coinbase charges spot fees in the quote currency ("commission" of a fill; Advanced Trade fee docs), on top of
            // a buy's cost, and a quote_size buy spends its size fees included.
            var result = request.Engine.Place(new OrderRequest(
                request.Account, market.Symbol, s, spec!.Type, spec.BaseSize, spec.QuoteSize, spec.LimitPrice, spec.StopPrice, spec.TimeInForce, clientOrderId,
                FeeInQuote: true));
            return result.Reject is { } reject
                ? Refused(CoinbaseRejections.Map(reject, spec), configuration)
                : Placed(result.Order!, configuration);
        }
    }

    private static IResult Placed(Order order, JsonElement? configuration)
    {
        var orderId = CoinbaseIds.OrderId(order.Id);
        return Ok(new
        {
            success = true,
            // FAQ: success:true with UNKNOWN_FAILURE_REASON means the order was accepted.
            failure_reason = "UNKNOWN_FAILURE_REASON",
            order_id = orderId,
            success_response = new
            {
                order_id = orderId,
                product_id = CoinbaseIds.ProductId(order.Market),
                side = order.Side == OrderSide.Buy ? "BUY" : "SELL",
                client_order_id = order.ClientOrderId,
            },
            order_configuration = (object?)configuration ?? CoinbaseOrderConfig.Echo(order),
        });
    }

    private static IResult Refused(CoinbaseFailure failure, JsonElement? configuration) => Ok(new
    {
        success = false,
        failure_reason = "UNKNOWN_FAILURE_REASON",
        order_id = "",
        error_response = new
        {
            error = failure.Error,
            message = failure.Message,
            error_details = "",
            preview_failure_reason = failure.PreviewReason,
            new_order_failure_reason = failure.NewOrderReason,
        },
        order_configuration = configuration,
    });

    private static IResult BatchCancel(CoinbaseRequest request)
    {
        if (request.Body is not { ValueKind: JsonValueKind.Object } body
            || !body.TryGetProperty("order_ids", out var ids) || ids.ValueKind != JsonValueKind.Array
            || ids.EnumerateArray().Any(i => i.ValueKind != JsonValueKind.String))
        {
            return InvalidArgument("order_ids must be a list of order ids");
        }

        if (ids.GetArrayLength() is 0 or > 100)
        {
            return InvalidArgument("order_ids must hold between 1 and 100 ids");
        }

        var results = ids.EnumerateArray().Select(i => i.GetString()!).Select(id =>
        {
            var outcome = CoinbaseIds.ParseOrderId(id) is { } engineId ? request.Engine.Cancel(request.Account, engineId).Outcome : CancelOutcome.NotFound;
            // Failure reasons from the CancelOrdersFailureReason enum; which one Coinbase gives a closed order is UNCONFIRMED.
            var reason = outcome switch
            {
                CancelOutcome.Canceled => "UNKNOWN_CANCEL_FAILURE_REASON",
                CancelOutcome.NotOpen => "INVALID_CANCEL_REQUEST",
                _ => "UNKNOWN_CANCEL_ORDER",
            };
            return new { success = outcome == CancelOutcome.Canceled, failure_reason = reason, order_id = id };
        }).ToArray();
        return Ok(new { results });
    }

    private static IResult List(CoinbaseRequest request)
    {
        var statuses = request.QueryAll("order_status");
        if (statuses.FirstOrDefault(s => !Statuses.Contains(s)) is { } unknown)
        {
            return InvalidArgument($"invalid order_status {unknown}");
        }

        if (request.Limit(100, 1000) is not { } limit)
        {
            return InvalidArgument("limit must be a positive integer");
        }

        // start_date and end_date bound the order's creation time.
        if (!request.TryTime("start_date", out var start) || !request.TryTime("end_date", out var end))
        {
            return InvalidArgument("start_date and end_date must be RFC 3339 times");
        }

        var products = request.QueryAll("product_ids");
        var orderIds = request.QueryAll("order_ids");
        var side = request.Query("order_side");
        var orders = request.Engine.GetOrders(request.Account)
            .Where(o => (start is null || o.CreatedAt >= start) && (end is null || o.CreatedAt <= end))
            .Where(o => statuses.Count == 0 || statuses.Contains(CoinbaseOrderJson.Status(o)))
            .Where(o => products.Count == 0 || products.Contains(CoinbaseIds.ProductId(o.Market)))
            .Where(o => orderIds.Count == 0 || orderIds.Contains(CoinbaseIds.OrderId(o.Id)))
            .Where(o => side is null || side == (o.Side == OrderSide.Buy ? "BUY" : "SELL"))
            .OrderByDescending(o => o.Id)
            .ToList();
        if (!Page(orders, o => CoinbaseIds.OrderId(o.Id), request.Query("cursor"), limit, out var page, out var hasNext))
        {
            return InvalidArgument("Invalid cursor");
        }

        var portfolio = CoinbaseAccountEndpoints.PortfolioUuid(request.Account);
        return Ok(new
        {
            orders = page.Select(o => CoinbaseOrderJson.Order(o, portfolio)).ToArray(),
            sequence = "0",
            has_next = hasNext,
            cursor = hasNext ? CoinbaseIds.OrderId(page[^1].Id) : "",
        });
    }

    private static IResult Get(CoinbaseRequest request)
    {
        var id = CoinbaseIds.ParseOrderId(request.Route("order_id") ?? "");
        return id is { } engineId && request.Engine.GetOrder(request.Account, engineId) is { } order
            ? Ok(new { order = CoinbaseOrderJson.Order(order, CoinbaseAccountEndpoints.PortfolioUuid(request.Account)) })
            : NotFound();
    }

    private static IResult Fills(CoinbaseRequest request)
    {
        if (request.Limit(100, 1000) is not { } limit)
        {
            return InvalidArgument("limit must be a positive integer");
        }

        if (!request.TryTime("start_sequence_timestamp", out var start) || !request.TryTime("end_sequence_timestamp", out var end))
        {
            return InvalidArgument("start_sequence_timestamp and end_sequence_timestamp must be RFC 3339 times");
        }

        var orderIds = request.QueryAll("order_ids").Concat(request.QueryAll("order_id")).ToList();
        var products = request.QueryAll("product_ids").Concat(request.QueryAll("product_id")).ToList();
        var tradeIds = request.QueryAll("trade_ids");
        var markets = request.Engine.Markets.ToDictionary(m => m.Symbol, StringComparer.Ordinal);
        var fills = request.Engine.GetFills(request.Account)
            .Where(f => orderIds.Count == 0 || orderIds.Contains(CoinbaseIds.OrderId(f.OrderId)))
            .Where(f => products.Count == 0 || products.Contains(CoinbaseIds.ProductId(f.Symbol)))
            .Where(f => tradeIds.Count == 0 || tradeIds.Contains(CoinbaseIds.TradeId(f.Id)))
            .Where(f => (start is null || f.Time >= start) && (end is null || f.Time <= end))
            .OrderByDescending(f => f.Id)
            .ToList();
        if (!Page(fills, f => CoinbaseIds.TradeId(f.Id), request.Query("cursor"), limit, out var page, out var hasNext))
        {
            return InvalidArgument("Invalid cursor");
        }

        var portfolio = CoinbaseAccountEndpoints.PortfolioUuid(request.Account);
        return Ok(new
        {
            fills = page.Select(f => CoinbaseOrderJson.Fill(f, markets[f.Symbol], portfolio)).ToArray(),
            cursor = hasNext ? CoinbaseIds.TradeId(page[^1].Id) : "",
        });
    }

    /// <summary>Cursor paging: the cursor is the id of the last item of the previous page (opaque to clients).</summary>
    private static bool Page<T>(List<T> items, Func<T, string> id, string? cursor, int limit, out List<T> page, out bool hasNext)
    {
        var start = 0;
        if (cursor is not null)
        {
            var index = items.FindIndex(i => id(i) == cursor);
            if (index < 0)
            {
                (page, hasNext) = ([], false);
                return false;
            }

            start = index + 1;
        }

        page = [.. items.Skip(start).Take(limit)];
        hasNext = start + page.Count < items.Count;
        return true;
    }

    private static string? Text(JsonElement body, string name) =>
        body.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
