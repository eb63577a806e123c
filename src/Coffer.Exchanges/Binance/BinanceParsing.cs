using System.Globalization;
using System.Text.Json;
using Coffer.Exchanges.Model;

namespace Coffer.Exchanges.Binance;

/// <summary>
/// Binance's JSON (rest-api.md response shapes, filters.md, enums.md) in unified terms. Binance writes most numbers as
/// strings ("0.10000000") and ids and times as numbers; both forms are read. Money stays decimal throughout.
/// </summary>
internal static class BinanceParsing
{
    // ---- markets (GET /api/v3/exchangeInfo) ----

    public static List<Market> Markets(JsonElement root)
    {
        var markets = new List<Market>();
        if (!root.TryGetProperty("symbols", out var symbols) || symbols.ValueKind != JsonValueKind.Array)
        {
            return markets;
        }

        foreach (var s in symbols.EnumerateArray())
        {
            if (!IsSpot(s))
            {
                continue;
            }

            var baseId = Str(s, "baseAsset")!;
            var quoteId = Str(s, "quoteAsset")!;
            var price = Filter(s, "PRICE_FILTER");
            var lot = Filter(s, "LOT_SIZE");
            var notional = Filter(s, "NOTIONAL") ?? Filter(s, "MIN_NOTIONAL");
            var amountStep = Positive(lot is { } l ? Dec(l, "stepSize") : null) ?? Precision.StepOfDecimals(Int(s, "baseAssetPrecision") ?? 8);
            var priceTick = Positive(price is { } p ? Dec(p, "tickSize") : null) ?? Precision.StepOfDecimals(Int(s, "quoteAssetPrecision") ?? 8);
            markets.Add(new Market
            {
                Symbol = Market.SymbolOf(baseId, quoteId),
                Id = Str(s, "symbol")!,
                Base = baseId,
                Quote = quoteId,
                BaseId = baseId,
                QuoteId = quoteId,
                Active = Str(s, "status") == "TRADING",
                AmountStep = amountStep,
                PriceTick = priceTick,

                // filters.md: 0 disables a rule.
                MinAmount = Positive(lot is { } l1 ? Dec(l1, "minQty") : null),
                MaxAmount = Positive(lot is { } l2 ? Dec(l2, "maxQty") : null),
                MinPrice = Positive(price is { } p1 ? Dec(p1, "minPrice") : null),
                MaxPrice = Positive(price is { } p2 ? Dec(p2, "maxPrice") : null),
                MinCost = Positive(notional is { } n1 ? Dec(n1, "minNotional") : null),
                MaxCost = Positive(notional is { } n2 ? Dec(n2, "maxNotional") : null),
                OrderTypes = OrderTypes(s),
                Extra = Extra(s, notional),
            });
        }

        return markets;
    }

    private static bool IsSpot(JsonElement s)
    {
        if (s.TryGetProperty("isSpotTradingAllowed", out var allowed) && allowed.ValueKind is JsonValueKind.True or JsonValueKind.False)
        {
            return allowed.GetBoolean();
        }

        return !s.TryGetProperty("permissions", out var permissions) || permissions.ValueKind != JsonValueKind.Array || permissions.GetArrayLength() == 0
            || permissions.EnumerateArray().Any(x => x.GetString() == "SPOT");
    }

    /// <summary>Extra key of MARKET_LOT_SIZE's stepSize (filters.md: the lot step of MARKET orders).</summary>
    public const string MarketStepSizeKey = "marketStepSize";

    /// <summary>Extra key of MARKET_LOT_SIZE's maxQty (the largest MARKET order).</summary>
    public const string MarketMaxQtyKey = "marketMaxQty";

    /// <summary>Extra key, "false" when the minimum notional does not apply to MARKET orders (NOTIONAL applyMinToMarket, MIN_NOTIONAL applyToMarket).</summary>
    public const string MinNotionalAppliesToMarketKey = "applyMinToMarket";

    /// <summary>Extra key, "false" when the maximum notional does not apply to MARKET orders (NOTIONAL applyMaxToMarket).</summary>
    public const string MaxNotionalAppliesToMarketKey = "applyMaxToMarket";

    /// <summary>
    /// The filters the unified market has no field for, kept beside it for the order rules (BinanceOrders.Sizing):
    /// MARKET_LOT_SIZE applies to MARKET orders; NOTIONAL (MIN_NOTIONAL on older symbols) says whether its limits do.
    /// </summary>
    private static Dictionary<string, string> Extra(JsonElement s, JsonElement? notional)
    {
        var extra = new Dictionary<string, string>(StringComparer.Ordinal);
        if (Filter(s, "MARKET_LOT_SIZE") is { } m && Positive(Dec(m, "stepSize")) is { } step)
        {
            extra[MarketStepSizeKey] = Precision.Format(step);
            if (Positive(Dec(m, "maxQty")) is { } max)
            {
                extra[MarketMaxQtyKey] = Precision.Format(max);
            }
        }

        if (notional is { } n)
        {
            if ((Bool(n, "applyMinToMarket") ?? Bool(n, "applyToMarket")) is false)
            {
                extra[MinNotionalAppliesToMarketKey] = "false";
            }

            if (Bool(n, "applyMaxToMarket") is false)
            {
                extra[MaxNotionalAppliesToMarketKey] = "false";
            }
        }

        return extra;
    }

    private static HashSet<OrderType>? OrderTypes(JsonElement s)
    {
        if (!s.TryGetProperty("orderTypes", out var types) || types.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        var set = new HashSet<OrderType>();
        foreach (var t in types.EnumerateArray())
        {
            switch (t.GetString())
            {
                case "MARKET": set.Add(OrderType.Market); break;
                case "LIMIT" or "LIMIT_MAKER": set.Add(OrderType.Limit); break;
                case "STOP_LOSS": set.Add(OrderType.StopLoss); break;
                case "STOP_LOSS_LIMIT": set.Add(OrderType.StopLimit); break;
                case "TAKE_PROFIT": set.Add(OrderType.TakeProfit); break;
                case "TAKE_PROFIT_LIMIT": set.Add(OrderType.TakeProfitLimit); break;
            }
        }

        return set;
    }

    private static JsonElement? Filter(JsonElement symbol, string type)
    {
        if (symbol.TryGetProperty("filters", out var filters) && filters.ValueKind == JsonValueKind.Array)
        {
            foreach (var f in filters.EnumerateArray())
            {
                if (Str(f, "filterType") == type)
                {
                    return f;
                }
            }
        }

        return null;
    }

    // ---- tickers (GET /api/v3/ticker/24hr) ----

    public static Ticker Ticker(JsonElement t, string symbol) => new()
    {
        Symbol = symbol,
        Timestamp = Time(t, "closeTime"),
        Bid = Dec(t, "bidPrice"),
        Ask = Dec(t, "askPrice"),
        Last = Dec(t, "lastPrice"),
        Open = Dec(t, "openPrice"),
        High = Dec(t, "highPrice"),
        Low = Dec(t, "lowPrice"),
        BaseVolume = Dec(t, "volume"),
        QuoteVolume = Dec(t, "quoteVolume"),
    };

    // ---- balances (GET /api/v3/account) ----

    public static Balances Balances(JsonElement root)
    {
        var result = new Dictionary<string, Balance>(StringComparer.Ordinal);
        if (root.TryGetProperty("balances", out var balances) && balances.ValueKind == JsonValueKind.Array)
        {
            foreach (var b in balances.EnumerateArray())
            {
                var asset = Str(b, "asset")!;
                var free = Dec(b, "free") ?? 0;
                var locked = Dec(b, "locked") ?? 0;
                result[asset] = new Balance(asset, free, locked, free + locked);
            }
        }

        return new Balances(result, Time(root, "updateTime"));
    }

    // ---- orders ----

    /// <summary>An order object (openOrders, allOrders, GET/DELETE order, POST order with RESULT or FULL).</summary>
    public static Order Order(JsonElement o, string symbol)
    {
        var type = Str(o, "type");
        var amount = Dec(o, "origQty");
        var filled = Dec(o, "executedQty");
        var cost = Dec(o, "cummulativeQuoteQty");
        var average = filled is > 0 && cost is { } c ? c / filled.Value : (decimal?)null;

        // Market orders carry price 0: CCXT (and Coffer) report the average fill price instead.
        var price = Positive(Dec(o, "price")) ?? average;
        var timestamp = Time(o, "time") ?? Time(o, "transactTime") ?? Time(o, "workingTime");
        var updated = Time(o, "updateTime") ?? Time(o, "transactTime");
        return new Order
        {
            Id = Str(o, "orderId")!,
            // rest-api.md "Cancel order" response: clientOrderId is the cancel request's own id and origClientOrderId the
            // order's; the order keeps the id it was placed with.
            ClientOrderId = Str(o, "origClientOrderId") ?? Str(o, "clientOrderId"),
            Symbol = symbol,
            Type = type switch
            {
                "MARKET" => OrderType.Market,
                "STOP_LOSS" => OrderType.StopLoss,
                "STOP_LOSS_LIMIT" => OrderType.StopLimit,
                "TAKE_PROFIT" => OrderType.TakeProfit,
                "TAKE_PROFIT_LIMIT" => OrderType.TakeProfitLimit,
                _ => OrderType.Limit,
            },
            Side = Str(o, "side") == "SELL" ? OrderSide.Sell : OrderSide.Buy,
            Status = Status(Str(o, "status")),
            TimeInForce = Str(o, "timeInForce") switch
            {
                "GTC" => Model.TimeInForce.Gtc,
                "IOC" => Model.TimeInForce.Ioc,
                "FOK" => Model.TimeInForce.Fok,
                _ => null,
            },
            PostOnly = type is null ? null : type == "LIMIT_MAKER",
            Price = price,
            TriggerPrice = Positive(Dec(o, "stopPrice")),
            Amount = amount,
            Filled = filled,
            Remaining = amount is { } a && filled is { } f ? Math.Max(0, a - f) : null,
            Cost = cost,
            Average = average,
            Fee = Fills(o),
            Timestamp = timestamp,
            LastTradeTimestamp = filled is > 0 ? updated : null,
            LastUpdateTimestamp = updated,
        };
    }

    /// <summary>enums.md "Order status".</summary>
    public static OrderStatus Status(string? status) => status switch
    {
        "NEW" or "PENDING_NEW" or "PARTIALLY_FILLED" or "PENDING_CANCEL" => OrderStatus.Open,
        "FILLED" => OrderStatus.Closed,
        "CANCELED" => OrderStatus.Canceled,
        "REJECTED" => OrderStatus.Rejected,
        "EXPIRED" or "EXPIRED_IN_MATCH" => OrderStatus.Expired,
        _ => OrderStatus.Open,
    };

    /// <summary>newOrderRespType=FULL lists the fills; their commissions are the order's fee when paid in one asset.</summary>
    private static Fee? Fills(JsonElement o)
    {
        if (!o.TryGetProperty("fills", out var fills) || fills.ValueKind != JsonValueKind.Array || fills.GetArrayLength() == 0)
        {
            return null;
        }

        string? asset = null;
        var total = 0m;
        foreach (var f in fills.EnumerateArray())
        {
            var a = Str(f, "commissionAsset");
            if (asset is not null && a != asset)
            {
                return null;
            }

            asset = a;
            total += Dec(f, "commission") ?? 0;
        }

        return asset is null ? null : new Fee(asset, total);
    }

    // ---- trades (GET /api/v3/myTrades) ----

    public static Trade Trade(JsonElement t, string symbol)
    {
        var price = Dec(t, "price") ?? 0;
        var amount = Dec(t, "qty") ?? 0;
        return new Trade
        {
            Id = Str(t, "id")!,
            OrderId = Str(t, "orderId"),
            Symbol = symbol,
            Side = Bool(t, "isBuyer") is { } buyer ? buyer ? OrderSide.Buy : OrderSide.Sell : null,
            Price = price,
            Amount = amount,
            Cost = Dec(t, "quoteQty") ?? price * amount,
            Fee = Str(t, "commissionAsset") is { } asset && Dec(t, "commission") is { } fee ? new Fee(asset, fee) : null,
            TakerOrMaker = Bool(t, "isMaker") is { } maker ? maker ? TakerOrMaker.Maker : TakerOrMaker.Taker : null,
            Timestamp = Time(t, "time") ?? DateTimeOffset.UnixEpoch,
        };
    }

    // ---- key permissions (GET /sapi/v1/account/apiRestrictions) ----

    public static KeyPermissions Permissions(JsonElement r)
    {
        var reported = new List<string>();
        foreach (var p in r.EnumerateObject())
        {
            if (p.Value.ValueKind == JsonValueKind.True)
            {
                reported.Add(p.Name);
            }
        }

        return new KeyPermissions
        {
            CanRead = Bool(r, "enableReading") ?? false,
            CanTrade = Bool(r, "enableSpotAndMarginTrading") ?? false,

            // Unknown counts as allowed: a key Coffer cannot prove harmless is refused (DESIGN §1.2).
            CanWithdraw = Bool(r, "enableWithdrawals") ?? true,
            CanTransfer = (Bool(r, "enableInternalTransfer") ?? true) || (Bool(r, "permitsUniversalTransfer") ?? true),
            IpRestricted = Bool(r, "ipRestrict"),
            Reported = reported,
        };
    }

    // ---- helpers ----

    public static string? Str(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v)
            ? v.ValueKind switch
            {
                JsonValueKind.String => v.GetString(),
                JsonValueKind.Number => v.GetRawText(),
                _ => null,
            }
            : null;

    public static decimal? Dec(JsonElement e, string name) => Precision.Parse(Str(e, name));

    public static DateTimeOffset? Time(JsonElement e, string name) =>
        long.TryParse(Str(e, name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var ms) ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null;

    private static int? Int(JsonElement e, string name) =>
        int.TryParse(Str(e, name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : null;

    private static bool? Bool(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind is JsonValueKind.True or JsonValueKind.False ? v.GetBoolean() : null;

    private static decimal? Positive(decimal? value) => value is > 0 ? value : null;
}
