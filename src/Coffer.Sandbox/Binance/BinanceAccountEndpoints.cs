using Coffer.Sandbox.Engine;
using Coffer.Sandbox.Keys;
using static Coffer.Sandbox.Binance.BinanceJson;

namespace Coffer.Sandbox.Binance;

/// <summary>Account, trades and the key's own restrictions (rest-api.md "Account endpoints"; wallet api-key-permission).</summary>
internal static class BinanceAccountEndpoints
{
    private static readonly string[] Spot = ["SPOT"];

    public static void Map(IEndpointRouteBuilder app, BinanceFront front)
    {
        app.MapGet("/api/v3/account", front.Endpoint(BinanceSecurity.UserData, _ => 20, Account));
        app.MapGet("/api/v3/myTrades", front.Endpoint(BinanceSecurity.UserData, r => r.Has("orderId") ? 5 : 20, MyTrades));
        app.MapGet("/sapi/v1/account/apiRestrictions", front.Endpoint(BinanceSecurity.UserData, _ => 1, ApiRestrictions, sapi: true));
    }

    private static IResult Account(BinanceRequest request)
    {
        var omitZero = string.Equals(request.Optional("omitZeroBalances"), "true", StringComparison.OrdinalIgnoreCase);
        var held = request.Engine.GetBalances(request.Account).ToDictionary(b => b.Asset, StringComparer.Ordinal);
        var assets = request.Engine.Markets.SelectMany(m => new[] { m.Base, m.Quote }).Concat(held.Keys).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
        var balances = assets
            .Select(a => held.GetValueOrDefault(a) ?? new Balance(a, 0, 0))
            .Where(b => !omitZero || b.Total != 0)
            .Select(b => new { asset = b.Asset, free = Dec(b.Free), locked = Dec(b.Locked) })
            .ToArray();
        var bps = request.State.Options.Binance.MakerCommissionBasisPoints;
        var rate = Dec(bps / 10_000m);
        return Ok(new
        {
            makerCommission = bps,
            takerCommission = bps,
            buyerCommission = 0,
            sellerCommission = 0,
            commissionRates = new { maker = rate, taker = rate, buyer = Dec(0m), seller = Dec(0m) },
            canTrade = true,
            canWithdraw = true,
            canDeposit = true,
            brokered = false,
            requireSelfTradePrevention = false,
            preventSor = false,
            updateTime = Ms(request.State.Clock.GetUtcNow()),
            accountType = "SPOT",
            balances,
            permissions = Spot,
            uid = StableUid(request.Account),
        });
    }

    private static IResult MyTrades(BinanceRequest request)
    {
        var market = request.RequiredMarket();
        var orderId = request.OptionalLong("orderId");
        var fromId = request.OptionalLong("fromId");
        var start = request.OptionalLong("startTime");
        var end = request.OptionalLong("endTime");
        var limit = (int)Math.Clamp(request.OptionalLong("limit") ?? 500, 1, 1000);
        var fills = request.Engine.GetFills(request.Account, market.Symbol, orderId)
            .Where(f => (fromId is null || f.Id >= fromId) && (start is null || Ms(f.Time) >= start) && (end is null || Ms(f.Time) <= end));
        fills = fromId is null && start is null ? fills.TakeLast(limit) : fills.Take(limit);
        return Ok(fills.Select(f => new
        {
            symbol = BinanceSymbols.ToBinance(f.Symbol),
            id = f.Id,
            orderId = f.OrderId,
            orderListId = -1,
            price = Dec(f.Price),
            qty = Dec(f.Quantity),
            quoteQty = Dec(f.QuoteQuantity),
            commission = Dec(f.Fee),
            commissionAsset = f.FeeAsset,
            time = Ms(f.Time),
            isBuyer = f.Side == OrderSide.Buy,
            isMaker = f.IsMaker,
            isBestMatch = true,
        }).ToArray());
    }

    private static IResult ApiRestrictions(BinanceRequest request)
    {
        var key = request.Key!;
        return Ok(new
        {
            ipRestrict = key.IpAllowlist.Count > 0,
            createTime = Ms(key.CreatedAt),
            enableInternalTransfer = key.Can(KeyPermissions.Transfer),
            enableFutures = false,
            enablePortfolioMarginTrading = false,
            enableVanillaOptions = false,
            permitsUniversalTransfer = key.Can(KeyPermissions.Transfer),
            enableReading = key.Can(KeyPermissions.Read),
            enableSpotAndMarginTrading = key.Can(KeyPermissions.Trade),
            enableWithdrawals = key.Can(KeyPermissions.Withdraw),
            enableMargin = false,
            enableFixApiTrade = false,
            enableFixReadOnly = false,
        });
    }

    private static long StableUid(string account)
    {
        var hash = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(account));
        return BitConverter.ToUInt32(hash, 0);
    }
}
