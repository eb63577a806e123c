namespace Coffer.Sandbox.Engine;

/// <summary>
/// The one matching engine behind every exchange front: accounts, the price feed, orders and fills. There is no order book
/// of other users; orders trade against the feed price ± half the spread, limited by the market's liquidity per step.
/// All state is behind one lock; every method is safe to call from request threads and the price timer at once.
/// </summary>
internal sealed partial class MatchingEngine
{
    private const int FeeDecimals = 8;

    private readonly Lock _gate = new();
    private readonly Dictionary<string, MarketState> _markets = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Dictionary<string, (decimal Free, decimal Locked)>> _accounts = new(StringComparer.Ordinal);
    private readonly Dictionary<long, Order> _orders = [];
    private readonly List<Fill> _fills = [];
    private readonly Random _random;
    private readonly TimeProvider _time;
    private long _nextOrderId = 1_000;
    private long _nextFillId = 1;

    public MatchingEngine(IEnumerable<Market> markets, int seed, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(markets);
        foreach (var market in markets)
        {
            _markets.Add(market.Symbol, new MarketState(market));
        }

        _random = new Random(seed);
        _time = time;
    }

    public IReadOnlyList<Market> Markets
    {
        get
        {
            lock (_gate)
            {
                return [.. _markets.Values.Select(m => m.Market)];
            }
        }
    }

    public Market? FindMarket(string symbol)
    {
        lock (_gate)
        {
            return _markets.TryGetValue(symbol, out var state) ? state.Market : null;
        }
    }

    public Ticker? GetTicker(string symbol)
    {
        lock (_gate)
        {
            return _markets.TryGetValue(symbol, out var state) ? state.ToTicker() : null;
        }
    }

    public IReadOnlyList<Ticker> GetTickers()
    {
        lock (_gate)
        {
            return [.. _markets.Values.Select(m => m.ToTicker())];
        }
    }

    /// <summary>Advances every market's price by one seeded random-walk step, refills liquidity, then works the open orders.</summary>
    public void Step()
    {
        lock (_gate)
        {
            foreach (var state in _markets.Values)
            {
                var move = (decimal)((_random.NextDouble() * 2) - 1) * state.Market.Volatility;
                state.SetLast(state.Last * (1 + move));
                state.Replenish();
            }

            foreach (var state in _markets.Values)
            {
                WorkOpenOrders(state);
            }
        }
    }

    /// <summary>Sets a market's last price (tests, the control API) and works its open orders at the new price.</summary>
    public bool SetPrice(string symbol, decimal price)
    {
        if (price <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(price), "A price must be positive.");
        }

        lock (_gate)
        {
            if (!_markets.TryGetValue(symbol, out var state))
            {
                return false;
            }

            state.SetLast(price);
            WorkOpenOrders(state);
            return true;
        }
    }

    public void EnsureAccount(string account)
    {
        lock (_gate)
        {
            AccountBalances(account);
        }
    }

    public void Deposit(string account, string asset, decimal amount)
    {
        if (amount <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(amount), "A deposit must be positive.");
        }

        lock (_gate)
        {
            Credit(account, asset, amount);
        }
    }

    public IReadOnlyList<Balance> GetBalances(string account)
    {
        lock (_gate)
        {
            return [.. AccountBalances(account).OrderBy(b => b.Key, StringComparer.Ordinal).Select(b => new Balance(b.Key, b.Value.Free, b.Value.Locked))];
        }
    }

    public Balance GetBalance(string account, string asset)
    {
        lock (_gate)
        {
            var balance = AccountBalances(account).GetValueOrDefault(asset);
            return new Balance(asset, balance.Free, balance.Locked);
        }
    }

    public Order? GetOrder(string account, long orderId)
    {
        lock (_gate)
        {
            return _orders.TryGetValue(orderId, out var order) && order.Account == account ? order.Snapshot() : null;
        }
    }

    public Order? FindByClientOrderId(string account, string symbol, string clientOrderId)
    {
        lock (_gate)
        {
            // The newest order with that id: a client id may be reused once the earlier order is closed.
            return _orders.Values
                .Where(o => o.Account == account && o.Market.Symbol == symbol && o.ClientOrderId == clientOrderId)
                .OrderByDescending(o => o.Id)
                .FirstOrDefault()?.Snapshot();
        }
    }

    public IReadOnlyList<Order> GetOrders(string account, string? symbol = null, bool openOnly = false)
    {
        lock (_gate)
        {
            return [.. _orders.Values
                .Where(o => o.Account == account && (symbol is null || o.Market.Symbol == symbol) && (!openOnly || o.Status.IsOpen()))
                .OrderBy(o => o.Id)
                .Select(o => o.Snapshot())];
        }
    }

    /// <summary>Every fill, or one account's, optionally of one symbol or order, oldest first.</summary>
    public IReadOnlyList<Fill> GetFills(string? account = null, string? symbol = null, long? orderId = null)
    {
        lock (_gate)
        {
            return [.. _fills.Where(f =>
                (account is null || f.Account == account) && (symbol is null || f.Symbol == symbol) && (orderId is null || f.OrderId == orderId))];
        }
    }

    public (CancelOutcome Outcome, Order? Order) Cancel(string account, long orderId)
    {
        lock (_gate)
        {
            if (!_orders.TryGetValue(orderId, out var order) || order.Account != account)
            {
                return (CancelOutcome.NotFound, null);
            }

            if (!order.Status.IsOpen())
            {
                return (CancelOutcome.NotOpen, order.Snapshot());
            }

            Close(order, OrderStatus.Canceled);
            return (CancelOutcome.Canceled, order.Snapshot());
        }
    }

    public IReadOnlyList<Order> CancelAll(string account, string symbol)
    {
        lock (_gate)
        {
            var open = _orders.Values.Where(o => o.Account == account && o.Market.Symbol == symbol && o.Status.IsOpen()).OrderBy(o => o.Id).ToList();
            foreach (var order in open)
            {
                Close(order, OrderStatus.Canceled);
            }

            return [.. open.Select(o => o.Snapshot())];
        }
    }

    private Dictionary<string, (decimal Free, decimal Locked)> AccountBalances(string account)
    {
        if (!_accounts.TryGetValue(account, out var balances))
        {
            balances = new Dictionary<string, (decimal Free, decimal Locked)>(StringComparer.Ordinal);
            _accounts.Add(account, balances);
        }

        return balances;
    }

    private void Credit(string account, string asset, decimal amount)
    {
        var balances = AccountBalances(account);
        var current = balances.GetValueOrDefault(asset);
        balances[asset] = (current.Free + amount, current.Locked);
    }

    private decimal Free(string account, string asset) => AccountBalances(account).GetValueOrDefault(asset).Free;

    /// <summary>Moves <paramref name="amount"/> between free and locked (negative releases).</summary>
    private void MoveToLocked(string account, string asset, decimal amount)
    {
        var balances = AccountBalances(account);
        var current = balances.GetValueOrDefault(asset);
        balances[asset] = (current.Free - amount, current.Locked + amount);
    }

    private void Close(Order order, OrderStatus status)
    {
        order.Status = status;
        order.UpdatedAt = _time.GetUtcNow();
        if (order.Locked > 0)
        {
            MoveToLocked(order.Account, order.LockedAsset, -order.Locked);
            order.Locked = 0;
        }
    }
}
