using Coffer.Sandbox.Engine;

namespace Coffer.Sandbox.Kraken;

/// <summary>AddOrder (rest-api add-order): Kraken's parameters read into one engine order, and the engine's refusals in Kraken's words.</summary>
internal static class KrakenAddOrder
{
    private static readonly HashSet<string> KnownFlags = new(StringComparer.Ordinal) { "post", "fcib", "fciq", "nompp", "viqc" };

    public static IResult Handle(KrakenRequest request)
    {
        var pair = request.RequiredPair();
        var side = request.Required("type") switch
        {
            "buy" => OrderSide.Buy,
            "sell" => OrderSide.Sell,
            _ => throw new KrakenRejection(KrakenError.InvalidArguments("type")),
        };
        var ordertype = request.Required("ordertype");
        var volume = request.OptionalDecimal("volume") ?? throw new KrakenRejection(KrakenError.InvalidArguments("volume"));
        if (volume <= 0)
        {
            throw new KrakenRejection(KrakenError.InvalidArguments("volume"));
        }

        var flags = Flags(request, side, ordertype);
        var price = request.OptionalDecimal("price");
        var price2 = request.OptionalDecimal("price2");
        decimal Needed(decimal? value, string name) => value ?? throw new KrakenRejection(KrakenError.InvalidArguments(name));
        var (type, limit, trigger) = ordertype switch
        {
            "market" => (OrderType.Market, (decimal?)null, (decimal?)null),
            "limit" => (flags.Contains("post") ? OrderType.LimitMaker : OrderType.Limit, Needed(price, "price"), null),
            "stop-loss" => (OrderType.StopLoss, null, Needed(price, "price")),
            "take-profit" => (OrderType.TakeProfit, null, Needed(price, "price")),
            "stop-loss-limit" => (OrderType.StopLossLimit, Needed(price2, "price2"), Needed(price, "price")),
            "take-profit-limit" => (OrderType.TakeProfitLimit, Needed(price2, "price2"), Needed(price, "price")),
            // iceberg, trailing stops and settle-position exist on Kraken but not in the sandbox's engine.
            _ => throw new KrakenRejection(KrakenError.InvalidArguments("ordertype")),
        };

        var timeInForce = (request.Optional("timeinforce") ?? "GTC") switch
        {
            "GTC" => TimeInForce.Gtc,
            "IOC" => TimeInForce.Ioc,
            "FOK" => TimeInForce.Fok,
            // GTD needs expiretm, which the engine does not model.
            _ => throw new KrakenRejection(KrakenError.InvalidArguments("timeinforce")),
        };
        if (type == OrderType.Market)
        {
            timeInForce = TimeInForce.Gtc;
        }

        var userRef = request.OptionalLong("userref");
        var clientOrderId = request.Optional("cl_ord_id");
        if (userRef is { } u && (u < int.MinValue || u > int.MaxValue))
        {
            throw new KrakenRejection(KrakenError.InvalidArguments("userref"));
        }

        if (clientOrderId is not null && (userRef is not null || clientOrderId.Length > 36 || !clientOrderId.All(c => c is > ' ' and <= '~')))
        {
            throw new KrakenRejection(KrakenError.InvalidArguments("cl_ord_id"));
        }

        var viqc = flags.Contains("viqc");
        if (!viqc && volume < pair.Market.MinQty)
        {
            throw new KrakenRejection(KrakenError.OrderMinimum);
        }

        var order = new OrderRequest(
            request.Account, pair.Market.Symbol, side, type, viqc ? null : volume, viqc ? volume : null, limit, trigger, timeInForce, clientOrderId,
            FeeInQuote: side == OrderSide.Buy && !flags.Contains("fcib"));
        var description = new Dictionary<string, string> { ["order"] = KrakenOrderJson.Describe(pair, side, type, volume, limit, trigger) };
        if (request.Flag("validate"))
        {
            if (request.Engine.Check(order) is { } invalid)
            {
                throw new KrakenRejection(ToError(invalid, order, pair));
            }

            return KrakenJson.Ok(new { descr = description });
        }

        if (!request.Front.TradingCounter.TryAdd((request.Key!.ApiKey, pair.Name), 1))
        {
            throw new KrakenRejection(KrakenError.TradingRateLimit);
        }

        var result = request.Engine.Place(order);
        if (result.Reject is { } reject)
        {
            throw new KrakenRejection(ToError(reject, order, pair));
        }

        var placed = result.Order!;
        var shownFlags = string.Join(',', flags.Where(f => f is not ("fcib" or "fciq")).Append(KrakenOrderJson.DefaultFlags(side, flags.Contains("fcib"))));
        request.Front.Notes.Add(placed.Id, new KrakenOrderNote(userRef, clientOrderId is not null, shownFlags));
        return KrakenJson.Ok(new { descr = description, txid = new[] { KrakenIds.Order(placed.Id) } });
    }

    private static HashSet<string> Flags(KrakenRequest request, OrderSide side, string ordertype)
    {
        var flags = (request.Optional("oflags") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal);
        var bad = flags.Any(f => !KnownFlags.Contains(f))
            || (flags.Contains("post") && ordertype != "limit")
            || (flags.Contains("viqc") && (ordertype != "market" || side != OrderSide.Buy))
            // The engine takes a sell's fee from the quote it receives; it cannot charge a sell in base.
            || (flags.Contains("fcib") && side == OrderSide.Sell);
        return bad ? throw new KrakenRejection(KrakenError.InvalidArguments("oflags")) : flags;
    }

    private static string ToError(RejectReason reason, OrderRequest order, KrakenPair pair) => reason switch
    {
        RejectReason.UnknownSymbol => KrakenError.UnknownPair,
        RejectReason.LotSize => order.Quantity < pair.Market.MinQty ? KrakenError.OrderMinimum : KrakenError.InvalidArguments("volume"),
        RejectReason.InvalidQuantity => KrakenError.InvalidArguments("volume"),
        RejectReason.PriceFilter => KrakenError.TickSize,
        RejectReason.InvalidPrice => KrakenError.InvalidArguments("price"),
        RejectReason.MinNotional => KrakenError.CostMinimum,
        RejectReason.InsufficientBalance => KrakenError.InsufficientFunds,
        RejectReason.DuplicateClientOrderId => KrakenError.InvalidArguments("cl_ord_id"),
        // Kraken would accept a stop already past its trigger and fire it at once; the engine refuses it instead.
        RejectReason.WouldTriggerImmediately => KrakenError.InvalidArguments("price"),
        RejectReason.WouldTakeImmediately => KrakenError.PostOnly,
        _ => throw new ArgumentOutOfRangeException(nameof(reason)),
    };
}
