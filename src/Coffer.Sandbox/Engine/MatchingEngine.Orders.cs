namespace Coffer.Sandbox.Engine;

internal sealed partial class MatchingEngine
{
    public PlaceResult Place(OrderRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        lock (_gate)
        {
            if (!_markets.TryGetValue(request.Symbol, out var state))
            {
                return PlaceResult.Rejected(RejectReason.UnknownSymbol);
            }

            if (Validate(request, state) is { } reason)
            {
                return PlaceResult.Rejected(reason);
            }

            var market = state.Market;
            var lockedAsset = request.Side == OrderSide.Buy ? market.Quote : market.Base;
            var toLock = AmountToLock(request, state);
            if (Free(request.Account, lockedAsset) < toLock)
            {
                return PlaceResult.Rejected(RejectReason.InsufficientBalance);
            }

            var now = _time.GetUtcNow();
            var order = new Order
            {
                Id = _nextOrderId++,
                ClientOrderId = string.IsNullOrEmpty(request.ClientOrderId) ? NewClientOrderId() : request.ClientOrderId,
                Account = request.Account,
                Market = market,
                Side = request.Side,
                Type = request.Type,
                TimeInForce = request.TimeInForce,
                Quantity = request.Quantity,
                QuoteQuantity = request.QuoteQuantity,
                Price = request.Price,
                StopPrice = request.StopPrice,
                CreatedAt = now,
                UpdatedAt = now,
                IsWorking = !request.Type.IsStop(),
                WorkingSince = request.Type.IsStop() ? null : now,
                LockedAsset = lockedAsset,
                Locked = toLock,
            };
            MoveToLocked(order.Account, lockedAsset, toLock);
            _orders.Add(order.Id, order);

            var fillsBefore = _fills.Count;
            Work(order, state, firstLook: true);
            return new PlaceResult(order.Snapshot(), null, [.. _fills.Skip(fillsBefore)]);
        }
    }

    private RejectReason? Validate(OrderRequest request, MarketState state)
    {
        var market = state.Market;
        if (request.Quantity is null == request.QuoteQuantity is null
            || (request.QuoteQuantity is not null && request.Type != OrderType.Market))
        {
            return RejectReason.InvalidQuantity;
        }

        if (request.Quantity is { } quantity)
        {
            if (quantity <= 0)
            {
                return RejectReason.InvalidQuantity;
            }

            if (quantity < market.MinQty || quantity > market.MaxQty || !Market.IsMultipleOf(quantity, market.LotStep))
            {
                return RejectReason.LotSize;
            }
        }

        if (request.QuoteQuantity <= 0)
        {
            return RejectReason.InvalidQuantity;
        }

        var limitPriced = request.Type.HasLimitPrice();
        if (limitPriced != request.Price is not null || request.Type.IsStop() != request.StopPrice is not null)
        {
            return RejectReason.InvalidPrice;
        }

        foreach (var price in new[] { request.Price, request.StopPrice })
        {
            if (price is { } p && (p <= 0 || p > market.MaxPrice || !Market.IsMultipleOf(p, market.TickSize)))
            {
                return p <= 0 ? RejectReason.InvalidPrice : RejectReason.PriceFilter;
            }
        }

        var notional = request.QuoteQuantity ?? (request.Quantity!.Value * (request.Price ?? request.StopPrice ?? state.Last));
        if (notional < market.MinNotional)
        {
            return RejectReason.MinNotional;
        }

        if (request.ClientOrderId is { Length: > 0 } clientId
            && _orders.Values.Any(o => o.Account == request.Account && o.ClientOrderId == clientId && o.Status.IsOpen()))
        {
            return RejectReason.DuplicateClientOrderId;
        }

        if (request.StopPrice is { } stop && Triggered(request.Type, request.Side, stop, state.Last))
        {
            // Binance: "Stop price would trigger immediately." (the other fronts' rule is the same in substance).
            return RejectReason.WouldTriggerImmediately;
        }

        if (request.Type == OrderType.LimitMaker && Crosses(request.Side, request.Price!.Value, state))
        {
            return RejectReason.WouldTakeImmediately;
        }

        return null;
    }

    /// <summary>What placing holds: the base for sells, the quote (at the limit, stop or current ask) for buys.</summary>
    private static decimal AmountToLock(OrderRequest request, MarketState state)
    {
        var market = state.Market;
        if (request.Side == OrderSide.Sell)
        {
            return request.Quantity
                ?? Math.Ceiling(request.QuoteQuantity!.Value / state.Bid / market.LotStep) * market.LotStep;
        }

        if (request.QuoteQuantity is { } quote)
        {
            return quote;
        }

        var price = request.Price ?? request.StopPrice ?? state.Ask;
        return request.Quantity!.Value * price;
    }

    private static bool Triggered(OrderType type, OrderSide side, decimal stop, decimal last) => type switch
    {
        // Binance enums: price above market for STOP_LOSS BUY and TAKE_PROFIT SELL, below for STOP_LOSS SELL and TAKE_PROFIT BUY.
        OrderType.StopLoss or OrderType.StopLossLimit => side == OrderSide.Buy ? last >= stop : last <= stop,
        OrderType.TakeProfit or OrderType.TakeProfitLimit => side == OrderSide.Buy ? last <= stop : last >= stop,
        _ => true,
    };

    private static bool Crosses(OrderSide side, decimal limit, MarketState state) =>
        side == OrderSide.Buy ? state.Ask <= limit : state.Bid >= limit;

    private void WorkOpenOrders(MarketState state)
    {
        foreach (var order in _orders.Values.Where(o => o.Market.Symbol == state.Market.Symbol && o.Status.IsOpen()).OrderBy(o => o.Id).ToList())
        {
            Work(order, state, firstLook: false);
        }
    }

    /// <summary>
    /// Triggers and fills one order as far as price and liquidity allow. <paramref name="firstLook"/> is the moment an order
    /// starts working (placement, or its trigger): a crossing limit order then takes at the touch; later it is a maker at its price.
    /// </summary>
    private void Work(Order order, MarketState state, bool firstLook)
    {
        if (!order.IsWorking)
        {
            if (!Triggered(order.Type, order.Side, order.StopPrice!.Value, state.Last))
            {
                return;
            }

            order.IsWorking = true;
            order.WorkingSince = _time.GetUtcNow();
            order.UpdatedAt = order.WorkingSince.Value;
            firstLook = true;
        }

        var marketLike = !order.Type.HasLimitPrice();
        var touch = order.Side == OrderSide.Buy ? state.Ask : state.Bid;
        decimal price;
        bool maker;
        if (marketLike)
        {
            (price, maker) = (touch, false);
        }
        else if (Crosses(order.Side, order.Price!.Value, state))
        {
            (price, maker) = firstLook ? (touch, false) : (order.Price.Value, true);
        }
        else
        {
            ExpireIfImmediate(order, firstLook);
            return;
        }

        var wanted = Remaining(order, price);
        var available = order.Side == OrderSide.Buy ? state.AskLiquidity : state.BidLiquidity;
        var quantity = Market.FloorToStep(Math.Min(wanted, available ?? wanted), state.Market.LotStep);
        if (order.TimeInForce == TimeInForce.Fok && firstLook && quantity < wanted)
        {
            Close(order, OrderStatus.Expired);
            return;
        }

        if (quantity > 0)
        {
            Execute(order, state, price, quantity, maker);
        }

        if (order.Status.IsOpen())
        {
            ExpireIfImmediate(order, firstLook);
        }
    }

    private void ExpireIfImmediate(Order order, bool firstLook)
    {
        if (firstLook && order.TimeInForce != TimeInForce.Gtc)
        {
            Close(order, OrderStatus.Expired);
        }
    }

    private static decimal Remaining(Order order, decimal price) =>
        order.Quantity is { } quantity
            ? quantity - order.Filled
            : Market.FloorToStep((order.QuoteQuantity!.Value - order.FilledQuote) / price, order.Market.LotStep);

    private void Execute(Order order, MarketState state, decimal price, decimal quantity, bool maker)
    {
        var market = state.Market;
        var cost = price * quantity;
        // The hold may be short (a market buy whose price rose, a quote-sized sell whose price fell): the rest comes from free,
        // or the fill shrinks to what the account can pay. Balances never go negative.
        var affordable = order.Locked + Free(order.Account, order.LockedAsset);
        var needed = order.Side == OrderSide.Buy ? cost : quantity;
        if (needed > affordable)
        {
            quantity = Market.FloorToStep(order.Side == OrderSide.Buy ? affordable / price : affordable, market.LotStep);
            cost = price * quantity;
            if (quantity <= 0)
            {
                Close(order, OrderStatus.Expired);
                return;
            }
        }

        var rate = maker ? market.MakerFee : market.TakerFee;
        var received = order.Side == OrderSide.Buy ? quantity : cost;
        var receivedAsset = order.Side == OrderSide.Buy ? market.Base : market.Quote;
        var fee = Math.Round(received * rate, FeeDecimals, MidpointRounding.AwayFromZero);
        var paid = order.Side == OrderSide.Buy ? cost : quantity;

        var fromLock = Math.Min(paid, order.Locked);
        Debit(order.Account, order.LockedAsset, fromLock, paid - fromLock);
        order.Locked -= fromLock;
        Credit(order.Account, receivedAsset, received - fee);

        var now = _time.GetUtcNow();
        _fills.Add(new Fill(_nextFillId++, order.Id, order.Account, market.Symbol, order.Side, price, quantity, cost, fee, receivedAsset, maker, now));
        order.Filled += quantity;
        order.FilledQuote += cost;
        order.Fees += fee;
        order.UpdatedAt = now;

        if (order.Side == OrderSide.Buy)
        {
            state.AskLiquidity -= quantity;
        }
        else
        {
            state.BidLiquidity -= quantity;
        }

        state.Volume += quantity;
        state.QuoteVolume += cost;
        state.TradeCount++;

        var done = order.Quantity is { } total
            ? order.Filled >= total
            : Remaining(order, price) <= 0;
        if (done)
        {
            Close(order, OrderStatus.Filled);
        }
        else
        {
            order.Status = OrderStatus.PartiallyFilled;
        }
    }

    private void Debit(string account, string asset, decimal fromLocked, decimal fromFree)
    {
        var balances = AccountBalances(account);
        var current = balances.GetValueOrDefault(asset);
        balances[asset] = (current.Free - fromFree, current.Locked - fromLocked);
    }

    private string NewClientOrderId()
    {
        const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        Span<char> id = stackalloc char[22];
        for (var i = 0; i < id.Length; i++)
        {
            id[i] = Alphabet[_random.Next(Alphabet.Length)];
        }

        return new string(id);
    }
}
