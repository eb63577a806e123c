using Coffer.Exchanges.Model;

namespace Coffer.Exchanges.Tests.Sandbox;

/// <summary>Order requests the connector order tests place, and what every connector must report back of them.</summary>
internal static class SandboxOrders
{
    public static OrderRequest Req(string symbol, string clientOrderId, OrderSide side, OrderType type, decimal? amount, decimal? price, decimal? trigger, decimal? cost, bool postOnly) =>
        new()
        {
            Symbol = symbol,
            Side = side,
            Type = type,
            Amount = amount,
            Cost = cost,
            Price = price,
            TriggerPrice = trigger,
            PostOnly = postOnly,
            ClientOrderId = clientOrderId,
        };

    /// <summary>The order is the one asked for (id, symbol, type, side, flags, trigger) in the expected state.</summary>
    public static void AssertSameOrder(OrderRequest request, Order order, OrderStatus status)
    {
        Assert.Equal(status, order.Status);
        Assert.Equal(request.ClientOrderId, order.ClientOrderId);
        Assert.Equal(request.Symbol, order.Symbol);
        Assert.Equal(request.Type, order.Type);
        Assert.Equal(request.Side, order.Side);
        Assert.Equal(request.PostOnly, order.PostOnly);
        Assert.Equal(request.TriggerPrice, order.TriggerPrice);
    }

    /// <summary>
    /// Resting orders of a connector: listed (of the symbol and of all), found by id and by client id, an unknown client id
    /// is absent, one cancelled alone and the rest all at once, and then all closed unfilled with no trades. Order within
    /// the lists is the exchange's (Coinbase lists newest first), so ids are compared as sets.
    /// </summary>
    public static async Task AssertRestingLifecycleAsync(IExchangeClient client, string symbol, IReadOnlyList<(OrderRequest Request, Order Order)> placed, Action<OrderRequest, Order, OrderStatus> assertMatches)
    {
        static List<string> Ids(IEnumerable<Order> orders) => [.. orders.Select(o => o.Id).Order(StringComparer.Ordinal)];
        var all = Ids(placed.Select(p => p.Order));
        var open = await client.FetchOpenOrdersAsync(symbol, default);
        Assert.Equal(all, Ids(open));
        Assert.Equal(all, Ids(await client.FetchOpenOrdersAsync(null, default)));
        foreach (var (request, order) in placed)
        {
            assertMatches(request, Assert.Single(open, o => o.Id == order.Id), OrderStatus.Open);
            assertMatches(request, await client.FetchOrderAsync(order.Id, symbol, default), OrderStatus.Open);
            Assert.Equal(order.Id, (await client.FetchOrderByClientOrderIdAsync(request.ClientOrderId!, symbol, default))?.Id);
        }

        Assert.Null(await client.FetchOrderByClientOrderIdAsync("e2e-never-placed", symbol, default));

        var (firstRequest, first) = placed[0];
        var rest = all.Where(id => id != first.Id).ToList();
        assertMatches(firstRequest, await client.CancelOrderAsync(first.Id, symbol, default), OrderStatus.Canceled);
        Assert.Equal(rest, Ids(await client.FetchOpenOrdersAsync(symbol, default)));

        var cancelled = await client.CancelAllOrdersAsync(symbol, default);
        Assert.Equal(rest, Ids(cancelled));
        Assert.All(cancelled, o => Assert.Equal(OrderStatus.Canceled, o.Status));
        Assert.Empty(await client.FetchOpenOrdersAsync(symbol, default));
        foreach (var (request, order) in placed)
        {
            assertMatches(request, await client.FetchOrderAsync(order.Id, symbol, default), OrderStatus.Canceled);
        }

        var closed = await client.FetchClosedOrdersAsync(symbol, null, null, default);
        Assert.Equal(all, Ids(closed));
        Assert.All(closed, o => Assert.Equal(0m, o.Filled));
        Assert.Empty(await client.FetchMyTradesAsync(symbol, null, null, default));
    }
}
