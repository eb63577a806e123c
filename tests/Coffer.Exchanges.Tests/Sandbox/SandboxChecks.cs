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
    /// the base less the fee, a sell the other way round (the sandbox charges the fee in the asset received).
    /// </summary>
    public static (decimal Quote, decimal Base) Settle(IEnumerable<SandboxFill> fills, decimal quote, decimal @base)
    {
        foreach (var f in fills)
        {
            (quote, @base) = f.Side == "buy"
                ? (quote - f.QuoteQuantity, @base + f.Quantity - f.Fee)
                : (quote + f.QuoteQuantity - f.Fee, @base - f.Quantity);
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

    /// <summary>What the connector reports of an order is what was asked, in unified terms.</summary>
    public static void AssertMatches(OrderRequest request, Order order, OrderStatus? status)
    {
        Assert.Equal(status, order.Status);
        Assert.Equal(request.ClientOrderId, order.ClientOrderId);
        Assert.Equal(request.Symbol, order.Symbol);
        Assert.Equal(request.Type, order.Type);
        Assert.Equal(request.Side, order.Side);
        Assert.Equal(request.PostOnly, order.PostOnly);
        Assert.Equal(request.TriggerPrice, order.TriggerPrice);
        if (request.Price is { } price)
        {
            Assert.Equal(price, order.Price);
        }

        if (request.Amount is { } amount)
        {
            Assert.Equal(amount, order.Amount);
        }
    }
}
