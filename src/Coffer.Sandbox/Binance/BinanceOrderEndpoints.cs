using Coffer.Sandbox.Engine;
using static Coffer.Sandbox.Binance.BinanceJson;

namespace Coffer.Sandbox.Binance;

/// <summary>Orders (rest-api.md "Trading endpoints", "Account endpoints"): place, query, cancel, list.</summary>
internal static class BinanceOrderEndpoints
{
    public static void Map(IEndpointRouteBuilder app, BinanceFront front)
    {
        app.MapPost("/api/v3/order", front.Endpoint(BinanceSecurity.Trade, _ => 1, Place));
        app.MapGet("/api/v3/order", front.Endpoint(BinanceSecurity.UserData, _ => 4, Query));
        app.MapDelete("/api/v3/order", front.Endpoint(BinanceSecurity.Trade, _ => 1, Cancel));
        app.MapGet("/api/v3/openOrders", front.Endpoint(BinanceSecurity.UserData, r => r.Has("symbol") ? 6 : 80, OpenOrders));
        app.MapDelete("/api/v3/openOrders", front.Endpoint(BinanceSecurity.Trade, _ => 1, CancelAll));
        app.MapGet("/api/v3/allOrders", front.Endpoint(BinanceSecurity.UserData, _ => 20, AllOrders));
    }

    private static IResult Place(BinanceRequest request)
    {
        var market = request.RequiredMarket();
        var side = request.Required("side") switch
        {
            "BUY" => OrderSide.Buy,
            "SELL" => OrderSide.Sell,
            _ => throw new BinanceRejection(new BinanceError(400, -1117, "Invalid side.")),
        };
        var type = BinanceEnums.ParseType(request.Required("type"))
            ?? throw new BinanceRejection(new BinanceError(400, -1116, "Invalid orderType."));

        var timeInForce = TimeInForce.Gtc;
        if (type is OrderType.Limit or OrderType.StopLossLimit or OrderType.TakeProfitLimit)
        {
            timeInForce = BinanceEnums.ParseTimeInForce(request.Required("timeInForce"))
                ?? throw new BinanceRejection(new BinanceError(400, -1115, "Invalid timeInForce."));
        }
        else if (request.Has("timeInForce"))
        {
            throw new BinanceRejection(BinanceError.NotRequired("timeInForce"));
        }

        var quantity = request.OptionalDecimal("quantity");
        var quoteQuantity = request.OptionalDecimal("quoteOrderQty");
        if (type == OrderType.Market)
        {
            if (quantity is null && quoteQuantity is null)
            {
                throw new BinanceRejection(new BinanceError(400, -1102, "Param 'quantity' or 'quoteOrderQty' must be sent, but both were empty/null!"));
            }

            if (quantity is not null && quoteQuantity is not null)
            {
                throw new BinanceRejection(BinanceError.NotRequired("quoteOrderQty"));
            }
        }
        else
        {
            quantity = quantity ?? throw new BinanceRejection(BinanceError.Mandatory("quantity"));
            if (quoteQuantity is not null)
            {
                throw new BinanceRejection(BinanceError.NotRequired("quoteOrderQty"));
            }
        }

        var price = type.HasLimitPrice()
            ? request.OptionalDecimal("price") ?? throw new BinanceRejection(BinanceError.Mandatory("price"))
            : request.Has("price") ? throw new BinanceRejection(BinanceError.NotRequired("price")) : (decimal?)null;
        var stopPrice = type.IsStop()
            ? request.OptionalDecimal("stopPrice") ?? throw new BinanceRejection(BinanceError.Mandatory("stopPrice"))
            : request.Has("stopPrice") ? throw new BinanceRejection(BinanceError.NotRequired("stopPrice")) : (decimal?)null;
        var clientOrderId = request.OptionalClientOrderId("newClientOrderId");
        // rest-api.md: "MARKET and LIMIT order types default to FULL, all other orders default to ACK."
        var responseType = request.Optional("newOrderRespType") ?? (type is OrderType.Market or OrderType.Limit ? "FULL" : "ACK");
        if (responseType is not ("ACK" or "RESULT" or "FULL"))
        {
            throw new BinanceRejection(new BinanceError(400, -1100, "Illegal characters found in parameter 'newOrderRespType'; legal range is 'ACK, RESULT, FULL'."));
        }

        var result = request.Engine.Place(new OrderRequest(
            request.Account, market.Symbol, side, type, quantity, quoteQuantity, price, stopPrice, timeInForce, clientOrderId));
        if (result.Reject is { } reject)
        {
            throw new BinanceRejection(BinanceEnums.ToError(reject, type));
        }

        var order = result.Order!;
        var ack = new Dictionary<string, object?>
        {
            ["symbol"] = BinanceSymbols.ToBinance(market),
            ["orderId"] = order.Id,
            ["orderListId"] = -1,
            ["clientOrderId"] = order.ClientOrderId,
            ["transactTime"] = Ms(order.CreatedAt),
        };
        if (responseType == "ACK")
        {
            return Ok(ack);
        }

        foreach (var (name, value) in BinanceOrderJson.Result(order))
        {
            ack.TryAdd(name, value);
        }

        if (responseType == "FULL")
        {
            ack["fills"] = result.Fills.Select(f => new
            {
                price = Dec(f.Price),
                qty = Dec(f.Quantity),
                commission = Dec(f.Fee),
                commissionAsset = f.FeeAsset,
                tradeId = f.Id,
            }).ToArray();
        }

        return Ok(ack);
    }

    private static IResult Query(BinanceRequest request)
    {
        var order = Find(request, request.RequiredMarket()) ?? throw new BinanceRejection(BinanceError.NoSuchOrder);
        return Ok(BinanceOrderJson.Full(order));
    }

    private static IResult Cancel(BinanceRequest request)
    {
        var market = request.RequiredMarket();
        var found = Find(request, market) ?? throw new BinanceRejection(BinanceError.UnknownOrderSent);
        var (outcome, order) = request.Engine.Cancel(request.Account, found.Id);
        if (outcome != CancelOutcome.Canceled)
        {
            // Binance answers a cancel of a filled or already canceled order like one of an unknown order.
            throw new BinanceRejection(BinanceError.UnknownOrderSent);
        }

        return Ok(BinanceOrderJson.Canceled(order!, request.OptionalClientOrderId("newClientOrderId")));
    }

    private static IResult CancelAll(BinanceRequest request)
    {
        var market = request.RequiredMarket();
        var canceled = request.Engine.CancelAll(request.Account, market.Symbol);
        if (canceled.Count == 0)
        {
            throw new BinanceRejection(BinanceError.UnknownOrderSent);
        }

        return Ok(canceled.Select(o => BinanceOrderJson.Canceled(o, null)).ToArray());
    }

    private static IResult OpenOrders(BinanceRequest request)
    {
        var symbol = request.Has("symbol") ? request.RequiredMarket().Symbol : null;
        return Ok(request.Engine.GetOrders(request.Account, symbol, openOnly: true).Select(BinanceOrderJson.Full).ToArray());
    }

    private static IResult AllOrders(BinanceRequest request)
    {
        var market = request.RequiredMarket();
        var fromId = request.OptionalLong("orderId");
        var start = request.OptionalLong("startTime");
        var end = request.OptionalLong("endTime");
        var limit = (int)Math.Clamp(request.OptionalLong("limit") ?? 500, 1, 1000);
        var orders = request.Engine.GetOrders(request.Account, market.Symbol)
            .Where(o => (fromId is null || o.Id >= fromId) && (start is null || Ms(o.CreatedAt) >= start) && (end is null || Ms(o.CreatedAt) <= end));
        orders = fromId is null && start is null ? orders.TakeLast(limit) : orders.Take(limit);
        return Ok(orders.Select(BinanceOrderJson.Full).ToArray());
    }

    private static Order? Find(BinanceRequest request, Market market)
    {
        if (request.OptionalLong("orderId") is { } id)
        {
            var order = request.Engine.GetOrder(request.Account, id);
            return order?.Market.Symbol == market.Symbol ? order : null;
        }

        var clientId = request.Optional("origClientOrderId")
            ?? throw new BinanceRejection(new BinanceError(400, -1102, "Param 'origClientOrderId' or 'orderId' must be sent, but both were empty/null!"));
        return request.Engine.FindByClientOrderId(request.Account, market.Symbol, clientId);
    }
}
