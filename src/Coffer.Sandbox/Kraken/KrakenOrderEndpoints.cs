using Coffer.Sandbox.Engine;
using Coffer.Sandbox.Keys;
using static Coffer.Sandbox.Kraken.KrakenJson;

namespace Coffer.Sandbox.Kraken;

/// <summary>Orders (rest-api add-order, cancel-order, cancel-all-orders, get-open-orders, get-closed-orders, get-orders-info).</summary>
internal static class KrakenOrderEndpoints
{
    private const int PageSize = 50;

    public static void Map(IEndpointRouteBuilder app, KrakenFront front)
    {
        // AddOrder and CancelOrder count on the matching-engine limiter, not on the REST call counter.
        app.MapPost("/0/private/AddOrder", front.Private(KeyPermissions.Trade, 0, KrakenAddOrder.Handle));
        app.MapPost("/0/private/CancelOrder", front.Private(KeyPermissions.Trade, 0, Cancel));
        app.MapPost("/0/private/CancelAll", front.Private(KeyPermissions.Trade, 1, CancelAll));
        app.MapPost("/0/private/OpenOrders", front.Private(KeyPermissions.Read, 1, OpenOrders));
        app.MapPost("/0/private/ClosedOrders", front.Private(KeyPermissions.Read, 1, ClosedOrders));
        app.MapPost("/0/private/QueryOrders", front.Private(KeyPermissions.Read, 1, QueryOrders));
    }

    private static IResult Cancel(KrakenRequest request)
    {
        var open = request.Engine.GetOrders(request.Account, openOnly: true);
        IEnumerable<Order> targets;
        if (request.Optional("cl_ord_id") is { } clientId)
        {
            targets = open.Where(o => o.ClientOrderId == clientId && request.Front.Notes.Of(o.Id)?.ClientOrderIdGiven == true);
        }
        else if (request.Optional("txid") is { } txid)
        {
            // txid is an order id, or a userref that cancels every open order carrying it.
            targets = KrakenIds.ParseOrder(txid) is { } id
                ? open.Where(o => o.Id == id)
                : long.TryParse(txid, System.Globalization.CultureInfo.InvariantCulture, out var userRef)
                    ? open.Where(o => request.Front.Notes.Of(o.Id)?.UserRef == userRef)
                    : [];
        }
        else
        {
            throw new KrakenRejection(KrakenError.InvalidArguments("txid"));
        }

        var list = targets.ToList();
        if (list.Count == 0)
        {
            throw new KrakenRejection(KrakenError.UnknownOrder);
        }

        var now = request.State.Clock.GetUtcNow();
        foreach (var order in list)
        {
            if (!request.Front.TradingCounter.TryAdd((request.Key!.ApiKey, request.Pairs.Of(order.Market).Name), CancelCost(now - order.CreatedAt)))
            {
                throw new KrakenRejection(KrakenError.TradingRateLimit);
            }
        }

        var count = list.Count(o => request.Engine.Cancel(request.Account, o.Id).Outcome == CancelOutcome.Canceled);
        return Ok(new { count, pending = false });
    }

    /// <summary>spot-ratelimits: cancelling a young order costs more (+8 under 5 s … +1 under 300 s, nothing after).</summary>
    private static decimal CancelCost(TimeSpan age) => age.TotalSeconds switch
    {
        < 5 => 8,
        < 10 => 6,
        < 15 => 5,
        < 45 => 4,
        < 90 => 2,
        < 300 => 1,
        _ => 0,
    };

    private static IResult CancelAll(KrakenRequest request)
    {
        var count = request.Engine.GetOrders(request.Account, openOnly: true)
            .Count(o => request.Engine.Cancel(request.Account, o.Id).Outcome == CancelOutcome.Canceled);
        return Ok(new { count });
    }

    private static IResult OpenOrders(KrakenRequest request)
    {
        var trades = request.Flag("trades");
        var open = Filtered(request, request.Engine.GetOrders(request.Account, openOnly: true))
            .OrderByDescending(o => o.Id)
            .ToDictionary(o => KrakenIds.Order(o.Id), o => KrakenOrderJson.Of(request, o, trades));
        return Ok(new { open });
    }

    private static IResult ClosedOrders(KrakenRequest request)
    {
        var trades = request.Flag("trades");
        var closetime = request.Optional("closetime") ?? "both";
        if (closetime is not ("open" or "close" or "both"))
        {
            throw new KrakenRejection(KrakenError.InvalidArguments("closetime"));
        }

        var start = Bound(request, "start");
        var end = Bound(request, "end");
        var ofs = request.OptionalLong("ofs") ?? 0;
        if (ofs < 0)
        {
            throw new KrakenRejection(KrakenError.InvalidArguments("ofs"));
        }

        bool InRange(DateTimeOffset t) => (start is null || Seconds(t) > start) && (end is null || Seconds(t) <= end);
        var closed = Filtered(request, request.Engine.GetOrders(request.Account).Where(o => !o.Status.IsOpen()))
            .Where(o => closetime switch
            {
                "open" => InRange(o.CreatedAt),
                "close" => InRange(o.UpdatedAt),
                _ => InRange(o.CreatedAt) || InRange(o.UpdatedAt),
            })
            .OrderByDescending(o => o.UpdatedAt)
            .ThenByDescending(o => o.Id)
            .ToList();
        var page = closed.Skip((int)Math.Min(ofs, int.MaxValue)).Take(PageSize)
            .ToDictionary(o => KrakenIds.Order(o.Id), o => KrakenOrderJson.Of(request, o, trades));
        return request.Flag("without_count") ? Ok(new { closed = page }) : Ok(new { closed = page, count = closed.Count });
    }

    private static IResult QueryOrders(KrakenRequest request)
    {
        var trades = request.Flag("trades");
        IEnumerable<Order> found;
        if (request.Optional("txid") is { } list)
        {
            var ids = list.Split(',', StringSplitOptions.TrimEntries);
            if (ids.Length > 50)
            {
                throw new KrakenRejection(KrakenError.InvalidArguments("txid"));
            }

            found = ids.Select(t => (KrakenIds.ParseOrder(t) is { } id ? request.Engine.GetOrder(request.Account, id) : null)
                ?? throw new KrakenRejection(KrakenError.UnknownOrder)).ToList();
        }
        else if (request.Optional("cl_ord_id") is not null)
        {
            found = Filtered(request, request.Engine.GetOrders(request.Account)).OrderByDescending(o => o.Id);
        }
        else
        {
            throw new KrakenRejection(KrakenError.InvalidArguments("txid"));
        }

        return Ok(found.ToDictionary(o => KrakenIds.Order(o.Id), o => KrakenOrderJson.Of(request, o, trades)));
    }

    /// <summary>The <c>userref</c> and <c>cl_ord_id</c> filters shared by the order lists.</summary>
    private static IEnumerable<Order> Filtered(KrakenRequest request, IEnumerable<Order> orders)
    {
        var userRef = request.OptionalLong("userref");
        var clientId = request.Optional("cl_ord_id");
        return orders.Where(o =>
        {
            var note = request.Front.Notes.Of(o.Id);
            return (userRef is null || note?.UserRef == userRef)
                && (clientId is null || (note?.ClientOrderIdGiven == true && o.ClientOrderId == clientId));
        });
    }

    /// <summary>A <c>start</c>/<c>end</c> bound: a unix timestamp, or an order txid standing for that order's opening time.</summary>
    internal static decimal? Bound(KrakenRequest request, string name)
    {
        if (request.Optional(name) is not { } text)
        {
            return null;
        }

        if (KrakenIds.ParseOrder(text) is { } id)
        {
            return request.Engine.GetOrder(request.Account, id) is { } order
                ? Seconds(order.CreatedAt)
                : throw new KrakenRejection(KrakenError.InvalidArguments(name));
        }

        return request.OptionalDecimal(name);
    }
}
