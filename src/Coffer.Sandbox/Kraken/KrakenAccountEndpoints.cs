using Coffer.Sandbox.Engine;
using Coffer.Sandbox.Keys;
using static Coffer.Sandbox.Kraken.KrakenJson;

namespace Coffer.Sandbox.Kraken;

/// <summary>Balances, trade history and the key's own description (rest-api get-account-balance, get-extended-balance,
/// get-trade-history, get-api-key-info).</summary>
internal static class KrakenAccountEndpoints
{
    private const int PageSize = 50;

    public static void Map(IEndpointRouteBuilder app, KrakenFront front)
    {
        var history = front.State.Options.Kraken.HistoryCallCost;
        app.MapPost("/0/private/Balance", front.Private(KeyPermissions.Read, 1, Balance));
        app.MapPost("/0/private/BalanceEx", front.Private(KeyPermissions.Read, 1, BalanceEx));
        app.MapPost("/0/private/TradesHistory", front.Private(KeyPermissions.Read, history, TradesHistory));
        app.MapPost("/0/private/GetApiKeyInfo", front.Private(KeyPermissions.None, 1, ApiKeyInfo));
    }

    private static IResult Balance(KrakenRequest request) =>
        Ok(request.Engine.GetBalances(request.Account)
            .ToDictionary(b => KrakenAssets.Code(b.Asset), b => Dec(b.Total, KrakenAssets.Decimals(b.Asset))));

    private static IResult BalanceEx(KrakenRequest request) =>
        Ok(request.Engine.GetBalances(request.Account).ToDictionary(
            b => KrakenAssets.Code(b.Asset),
            b => new
            {
                balance = Dec(b.Total, KrakenAssets.Decimals(b.Asset)),
                hold_trade = Dec(b.Locked, KrakenAssets.Decimals(b.Asset)),
            }));

    private static IResult TradesHistory(KrakenRequest request)
    {
        var type = request.Optional("type") ?? "all";
        if (type is not ("all" or "any position" or "closed position" or "closing position" or "no position"))
        {
            throw new KrakenRejection(KrakenError.InvalidArguments("type"));
        }

        var start = KrakenOrderEndpoints.Bound(request, "start");
        var end = KrakenOrderEndpoints.Bound(request, "end");
        var ofs = request.OptionalLong("ofs") ?? 0;
        if (ofs < 0)
        {
            throw new KrakenRejection(KrakenError.InvalidArguments("ofs"));
        }

        // Spot trades open no position: the position filters match nothing.
        var fills = type is "all" or "no position"
            ? request.Engine.GetFills(request.Account).Where(f => (start is null || Seconds(f.Time) > start) && (end is null || Seconds(f.Time) <= end)).Reverse().ToList()
            : [];
        var orders = new Dictionary<long, Order?>();
        var trades = fills.Skip((int)Math.Min(ofs, int.MaxValue)).Take(PageSize).ToDictionary(
            f => KrakenIds.Trade(f.Id),
            f =>
            {
                if (!orders.TryGetValue(f.OrderId, out var order))
                {
                    order = request.Engine.GetOrder(request.Account, f.OrderId);
                    orders[f.OrderId] = order;
                }

                return Trade(request.Pairs.Of(f.Symbol), f, order);
            });
        return Ok(new { trades, count = fills.Count });
    }

    private static Dictionary<string, object> Trade(KrakenPair pair, Fill f, Order? order) => new()
    {
        ["ordertxid"] = KrakenIds.Order(f.OrderId),
        ["postxid"] = KrakenIds.PostTrade(f.Id),
        ["pair"] = pair.Name,
        ["time"] = Seconds(f.Time),
        ["type"] = KrakenOrderJson.Side(f.Side),
        ["ordertype"] = order is null ? "market" : KrakenOrderJson.TypeName(order.Type),
        ["price"] = Dec(f.Price, pair.PairDecimals),
        ["cost"] = Dec(f.QuoteQuantity, pair.CostDecimals),
        ["fee"] = Dec(QuoteFee(pair, f), pair.CostDecimals),
        ["vol"] = Dec(f.Quantity, 8),
        ["margin"] = Dec(0m, pair.CostDecimals),
        ["leverage"] = "0",
        ["misc"] = "",
        ["trade_id"] = f.Id,
        ["maker"] = f.IsMaker,
    };

    /// <summary>
    /// get-trade-history: a trade's <c>fee</c> is the "total fee (quote currency)". A buy placed with fcib paid its fee in
    /// the base asset it received, so that fee is reported at the trade's price, to the pair's cost decimals.
    /// </summary>
    private static decimal QuoteFee(KrakenPair pair, Fill f) =>
        f.FeeAsset == pair.Market.Quote ? f.Fee : Math.Round(f.Fee * f.Price, pair.CostDecimals, MidpointRounding.AwayFromZero);

    private static IResult ApiKeyInfo(KrakenRequest request)
    {
        var key = request.Key!;
        var created = key.CreatedAt.ToUnixTimeSeconds();
        return Ok(new
        {
            apiKeyName = "sandbox-" + key.ApiKey[..Math.Min(8, key.ApiKey.Length)],
            apiKey = key.ApiKey,
            nonce = request.Front.Nonces.Last(key.ApiKey)?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "0",
            nonceWindow = 0,
            permissions = Permissions(key.Permissions),
            iban = "",
            validUntil = "0",
            queryFrom = "0",
            queryTo = "0",
            createdTime = created.ToString(System.Globalization.CultureInfo.InvariantCulture),
            modifiedTime = created.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ipAllowlist = key.IpAllowlist.Select(ip => ip.ToString()).ToArray(),
            lastUsed = request.State.Clock.GetUtcNow().ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
    }

    /// <summary>
    /// The sandbox's permissions in Kraken's names (get-api-key-info). Kraken's spot key has no "internal transfer" right;
    /// its nearest is earn-funds ("Funds - Earn": moving funds between the spot and earn wallets), so the sandbox's
    /// "transfer" is reported as that, and a transfer key is never shown to a connector as one that cannot move funds.
    /// </summary>
    public static string[] Permissions(KeyPermissions permissions)
    {
        var names = new List<string>();
        if (permissions.HasFlag(KeyPermissions.Read))
        {
            names.AddRange(["query-funds", "query-open-trades", "query-closed-trades", "query-ledger", "export-data"]);
        }

        if (permissions.HasFlag(KeyPermissions.Trade))
        {
            names.AddRange(["modify-trades", "close-trades", "create-ws-token"]);
        }

        if (permissions.HasFlag(KeyPermissions.Withdraw))
        {
            names.Add("withdraw-funds");
        }

        if (permissions.HasFlag(KeyPermissions.Transfer))
        {
            names.Add("earn-funds");
        }

        return [.. names];
    }
}
