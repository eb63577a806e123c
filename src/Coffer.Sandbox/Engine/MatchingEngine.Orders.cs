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
                FeeInQuote = request.FeeInQuote,
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

        // A buy that pays its fee in the quote holds that fee too, at the taker rate (the most it can cost).
        var price = request.Price ?? request.StopPrice ?? state.Ask;
        var value = request.Quantity!.Value * price;
        return request.FeeInQuote ? value + Math.Round(value * market.TakerFee, FeeDecimals, MidpointRounding.AwayFromZero) : value;
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

    /// <summary>
    /// The base still to trade. A quote-sized order spends what is left of its quote; one that pays its fee in the quote
    /// (a market buy: taker) spends it fees included, as Coinbase's quote_size does.
    /// </summary>
    private static decimal Remaining(Order order, decimal price)
    {
        if (order.Quantity is { } quantity)
        {
            return quantity - order.Filled;
        }

        var quoteFees = QuoteFees(order);
        var left = order.QuoteQuantity!.Value - order.FilledQuote - (quoteFees ? order.Fees : 0m);
        return Market.FloorToStep(left / (price * (quoteFees ? 1m + order.Market.TakerFee : 1m)), order.Market.LotStep);
    }

    /// <summary>Whether the order's fees are in the quote currency and paid on top of its cost (a buy with <see cref="Order.FeeInQuote"/>).</summary>
    private static bool QuoteFees(Order order) => order.FeeInQuote && order.Side == OrderSide.Buy;

    private void Execute(Order order, MarketState state, decimal price, decimal quantity, bool maker)
    {
        var market = state.Market;
        var rate = maker ? market.MakerFee : market.TakerFee;
        var quoteFees = QuoteFees(order);
        var cost = price * quantity;
        var fee = FeeOf(order, cost, quantity, rate);

        // The hold may be short (a market buy whose price rose, a quote-sized sell whose price fell): the rest comes from free,
        // or the fill shrinks to what the account can pay. Balances never go negative.
        var affordable = order.Locked + Free(order.Account, order.LockedAsset);
        var needed = order.Side == OrderSide.Buy ? cost + (quoteFees ? fee : 0m) : quantity;
        if (needed > affordable)
        {
            var unit = order.Side == OrderSide.Buy ? price * (quoteFees ? 1m + rate : 1m) : 1m;
            quantity = Market.FloorToStep(affordable / unit, market.LotStep);
            cost = price * quantity;
            fee = FeeOf(order, cost, quantity, rate);
            if (quoteFees && cost + fee > affordable)
            {
                // The fee rounds up: one lot less always fits.
                quantity -= market.LotStep;
                cost = price * quantity;
                fee = FeeOf(order, cost, quantity, rate);
            }

            if (quantity <= 0)
            {
                Close(order, OrderStatus.Expired);
                return;
            }
        }

        // Binance's way: the fee comes out of what the fill buys (base for buys, quote for sells). With FeeInQuote a buy
        // receives all its base and pays the fee in the quote on top of the cost.
        var received = order.Side == OrderSide.Buy ? quantity : cost;
        var receivedAsset = order.Side == OrderSide.Buy ? market.Base : market.Quote;
        var feeAsset = quoteFees ? market.Quote : receivedAsset;
        var paid = order.Side == OrderSide.Buy ? cost + (quoteFees ? fee : 0m) : quantity;

        var fromLock = Math.Min(paid, order.Locked);
        Debit(order.Account, order.LockedAsset, fromLock, paid - fromLock);
        order.Locked -= fromLock;
        Credit(order.Account, receivedAsset, received - (quoteFees ? 0m : fee));

        var now = _time.GetUtcNow();
        _fills.Add(new Fill(_nextFillId++, order.Id, order.Account, market.Symbol, order.Side, price, quantity, cost, fee, feeAsset, maker, now));
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

    /// <summary>The fee of one fill, rounded to the engine's fee precision: on the base received, or on the quote value.</summary>
    private static decimal FeeOf(Order order, decimal cost, decimal quantity, decimal rate)
    {
        var basis = order.Side == OrderSide.Buy && !QuoteFees(order) ? quantity : cost;
        return Math.Round(basis * rate, FeeDecimals, MidpointRounding.AwayFromZero);
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
