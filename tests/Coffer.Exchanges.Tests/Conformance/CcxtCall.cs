using System.Text.Json.Nodes;
using Coffer.Exchanges.Model;

namespace Coffer.Exchanges.Tests.Conformance;

/// <summary>The CCXT unified methods Coffer implements, and how a fixture's positional arguments map onto Coffer's calls.</summary>
internal static class CcxtCall
{
    /// <summary>CCXT method names with a Coffer equivalent; fixtures of any other method are not Coffer's to pass.</summary>
    public static readonly IReadOnlySet<string> Implemented = new HashSet<string>(StringComparer.Ordinal)
    {
        "fetchTime", "fetchTicker", "fetchTickers", "fetchBalance", "fetchOpenOrders", "fetchClosedOrders", "fetchOrder",
        "fetchMyTrades", "createOrder", "createMarketBuyOrderWithCost", "cancelOrder", "cancelAllOrders",
    };

    /// <summary>Unified parameters (CCXT's, in a call's trailing params object) that Coffer's model carries.</summary>
    private static readonly HashSet<string> UnifiedParams = new HashSet<string>(StringComparer.Ordinal)
    {
        "triggerPrice", "stopPrice", "stopLossPrice", "takeProfitPrice", "timeInForce", "postOnly", "clientOrderId", "cost",
    };

    /// <summary>Runs the fixture's call and returns its result (an order, a list, balances, a time …).</summary>
    public static async Task<object?> InvokeAsync(IExchangeClient client, string method, JsonArray input, CancellationToken cancellationToken)
    {
        string? S(int i) => i < input.Count && input[i] is JsonValue v ? v.TryGetValue<string>(out var s) ? s : v.ToJsonString() : null;
        decimal? D(int i) => i < input.Count ? CcxtMarkets.Number(input[i]) : null;
        DateTimeOffset? Since(int i) => D(i) is { } ms ? DateTimeOffset.FromUnixTimeMilliseconds((long)ms) : null;
        int? Limit(int i) => D(i) is { } n ? (int)n : null;
        JsonObject Params(int i) => i < input.Count && input[i] is JsonObject o ? o : [];

        switch (method)
        {
            case "fetchTime":
                RequireUnified(Params(0));
                return await client.FetchTimeAsync(cancellationToken);
            case "fetchTicker":
                RequireUnified(Params(1));
                return (await client.FetchTickersAsync([S(0)!], cancellationToken)).Single();
            case "fetchTickers":
                RequireUnified(Params(1));
                return await client.FetchTickersAsync(input.Count > 0 && input[0] is JsonArray symbols ? symbols.Select(x => x!.GetValue<string>()).ToList() : null, cancellationToken);
            case "fetchBalance":
                RequireUnified(Params(0));
                return await client.FetchBalanceAsync(cancellationToken);
            case "fetchOpenOrders":
                RequireUnified(Params(3));
                return await client.FetchOpenOrdersAsync(S(0), cancellationToken);
            case "fetchClosedOrders":
                RequireUnified(Params(3));
                return await client.FetchClosedOrdersAsync(S(0), Since(1), Limit(2), cancellationToken);
            case "fetchOrder":
                RequireUnified(Params(2));
                return await client.FetchOrderAsync(S(0)!, S(1)!, cancellationToken);
            case "fetchMyTrades":
                RequireUnified(Params(3));
                return await client.FetchMyTradesAsync(S(0), Since(1), Limit(2), cancellationToken);
            case "cancelOrder":
                RequireUnified(Params(2));
                return await client.CancelOrderAsync(S(0)!, S(1)!, cancellationToken);
            case "cancelAllOrders":
                RequireUnified(Params(1));
                return await client.CancelAllOrdersAsync(S(0), cancellationToken);
            case "createMarketBuyOrderWithCost":
                RequireUnified(Params(2));
                return await client.CreateOrderAsync(new OrderRequest { Symbol = S(0)!, Side = OrderSide.Buy, Type = OrderType.Market, Cost = D(1) }, cancellationToken);
            case "createOrder":
                return await client.CreateOrderAsync(ToOrderRequest(S(0)!, S(1)!, S(2)!, D(3), D(4), Params(5)), cancellationToken);
            default:
                throw new NotSupportedException($"{method} is not a unified method Coffer implements.");
        }
    }

    /// <summary>CCXT's createOrder arguments as a Coffer order request.</summary>
    public static OrderRequest ToOrderRequest(string symbol, string type, string side, decimal? amount, decimal? price, JsonObject parameters)
    {
        RequireUnified(parameters);
        var trigger = CcxtMarkets.Number(parameters["triggerPrice"]) ?? CcxtMarkets.Number(parameters["stopPrice"]);
        var stopLoss = CcxtMarkets.Number(parameters["stopLossPrice"]);
        var takeProfit = CcxtMarkets.Number(parameters["takeProfitPrice"]);
        var isLimit = type.Equals("limit", StringComparison.OrdinalIgnoreCase);
        var orderType = (trigger ?? stopLoss, takeProfit) switch
        {
            (not null, _) => isLimit ? OrderType.StopLimit : OrderType.StopLoss,
            (null, not null) => isLimit ? OrderType.TakeProfitLimit : OrderType.TakeProfit,
            _ => type.ToLowerInvariant() switch
            {
                "market" => OrderType.Market,
                "limit" => OrderType.Limit,
                _ => throw new NotSupportedException($"CCXT order type '{type}' is exchange-specific."),
            },
        };

        return new OrderRequest
        {
            Symbol = symbol,
            Side = side.Equals("buy", StringComparison.OrdinalIgnoreCase) ? OrderSide.Buy : OrderSide.Sell,
            Type = orderType,
            Amount = amount,
            // A market buy's price is CCXT's "spend amount × price" (MarketOrderSize); stop-market orders take none.
            Price = isLimit || orderType == OrderType.Market ? price : null,
            TriggerPrice = trigger ?? stopLoss ?? takeProfit,
            ClientOrderId = parameters["clientOrderId"]?.GetValue<string>(),
            Cost = CcxtMarkets.Number(parameters["cost"]),
            PostOnly = parameters["postOnly"]?.GetValue<bool>() ?? false,
            TimeInForce = parameters["timeInForce"]?.GetValue<string>()?.ToUpperInvariant() switch
            {
                "GTC" => TimeInForce.Gtc,
                "IOC" => TimeInForce.Ioc,
                "FOK" => TimeInForce.Fok,
                "PO" => null,
                null => null,
                var other => throw new NotSupportedException($"timeInForce {other} is exchange-specific."),
            },
        };
    }

    /// <summary>The parameters of a call's trailing params object that are not unified ones Coffer carries.</summary>
    public static List<string> ForeignParams(JsonObject parameters) => parameters.Select(p => p.Key).Where(k => !UnifiedParams.Contains(k)).ToList();

    /// <summary>
    /// The keys of a fixture's params objects that are not unified: such a case tests something Coffer's unified calls
    /// cannot be asked (an API version, a preview, a margin mode …), so the suite lists it as not applicable.
    /// </summary>
    public static IReadOnlyList<string> ForeignParameters(JsonArray input) =>
        input.OfType<JsonObject>().SelectMany(o => o.Select(p => p.Key)).Where(k => !UnifiedParams.Contains(k)).Distinct(StringComparer.Ordinal).ToList();

    /// <summary>A fixture that passes exchange-specific parameters tests something Coffer does not expose.</summary>
    private static void RequireUnified(JsonObject parameters)
    {
        var foreign = ForeignParams(parameters);
        if (foreign.Count > 0)
        {
            throw new NotSupportedException($"exchange-specific parameters: {string.Join(", ", foreign)}");
        }
    }
}
