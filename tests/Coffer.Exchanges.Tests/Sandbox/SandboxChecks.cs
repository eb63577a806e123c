using Coffer.Exchanges.Model;

namespace Coffer.Exchanges.Tests.Sandbox;

/// <summary>What the connector tests of every exchange check against a sandbox run the same way.</summary>
internal static class SandboxChecks
{
    /// <summary>
    /// What must never reach a log or an exception text: every secret the run issued or used, every signature the
    /// connector sent, every API key it sent.
    /// </summary>
    public static List<string> Forbidden<TClient>(SandboxRun<TClient> sandbox)
        where TClient : IExchangeClient =>
        [.. sandbox.Secrets.Concat(sandbox.Recorder.Signatures).Concat(sandbox.Recorder.ApiKeys).Distinct(StringComparer.Ordinal)];

    /// <summary>Every (text, value) where a forbidden value appears, case-insensitively (hex signatures may be upper-cased).</summary>
    public static List<(string Text, string Value)> Leaks(IEnumerable<string> texts, IReadOnlyList<string> forbidden) =>
        [.. from text in texts from value in forbidden where text.Contains(value, StringComparison.OrdinalIgnoreCase) select (text, value)];

    /// <summary>
    /// An account's quote and base holdings after its fills, from what it held before: a buy pays the quote and receives
    /// the base, a sell the other way round, and each fill's fee comes off the asset it was charged in (<see
    /// cref="SandboxFill.FeeAsset"/>: the base received on a Binance buy or a Kraken fcib buy, else the quote).
    /// </summary>
    public static (decimal Quote, decimal Base) Settle(IEnumerable<SandboxFill> fills, decimal quote, decimal @base)
    {
        foreach (var f in fills)
        {
            var feeInBase = f.FeeAsset == f.Symbol[..f.Symbol.IndexOf('/', StringComparison.Ordinal)];
            var (quoteFee, baseFee) = feeInBase ? (0m, f.Fee) : (f.Fee, 0m);
            (quote, @base) = f.Side == "buy"
                ? (quote - f.QuoteQuantity - quoteFee, @base + f.Quantity - baseFee)
                : (quote + f.QuoteQuantity - quoteFee, @base - f.Quantity - baseFee);
        }

        return (quote, @base);
    }

    /// <summary>An order request as the order tests write them: a client order id first, then what is asked.</summary>
    public static OrderRequest Order(string symbol, string clientOrderId, OrderSide side, OrderType type, decimal? amount, decimal? price = null, decimal? trigger = null, decimal? cost = null, bool postOnly = false) =>
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
    public static void AssertSameOrder(OrderRequest request, Order order, OrderStatus? status)
    {
        Assert.Equal(status, order.Status);
        Assert.Equal(request.ClientOrderId, order.ClientOrderId);
        Assert.Equal(request.Symbol, order.Symbol);
        Assert.Equal(request.Type, order.Type);
        Assert.Equal(request.Side, order.Side);
        Assert.Equal(request.PostOnly, order.PostOnly);
        Assert.Equal(request.TriggerPrice, order.TriggerPrice);
    }

    /// <summary>What the connector reports of an order is what was asked, in unified terms, price and amount included.</summary>
    public static void AssertMatches(OrderRequest request, Order order, OrderStatus? status)
    {
        AssertSameOrder(request, order, status);
        if (request.Price is { } price)
        {
            Assert.Equal(price, order.Price);
        }

        if (request.Amount is { } amount)
        {
            Assert.Equal(amount, order.Amount);
        }
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
        Assert.Empty(await client.CancelAllOrdersAsync(symbol, default)); // nothing open: nothing to cancel, not an error
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
