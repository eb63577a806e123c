using Coffer.Exchanges.Model;

namespace Coffer.Server.Features.Portfolio.Analytics;

/// <summary>
/// Realized and unrealized PnL by FIFO lots, fees included. Lots are kept per (base asset, quote currency) across
/// exchanges: BTC bought with USDT on one exchange and sold for USDT on another is one position, while BTC/USD is another,
/// because a cost basis is only meaningful in one currency. Trades are applied in <see cref="Order"/>.
/// </summary>
/// <remarks>
/// Fee rules (a fee of cost 0, or none, changes nothing; a negative fee, a maker rebate, goes through the same arithmetic
/// with its sign):
/// <list type="bullet">
/// <item>Buy, fee in the base: the exchange withheld part of what was bought, so the lot receives amount − fee, at the
/// full cost. Fees paid count fee × price.</item>
/// <item>Buy, fee in the quote: the fee is part of what the lot cost, so the lot's cost is cost + fee.</item>
/// <item>Sell, fee in the quote: the fee came out of what the sale brought, so the proceeds are cost − fee.</item>
/// <item>Sell, fee in the base: the fee left the account with the sold amount, so amount + fee is taken from the lots
/// (its cost basis is realized with no proceeds against it). Fees paid count fee × price.</item>
/// <item>Fee in a third currency (e.g. BNB): converted into the quote with the rate function (current rates: the ledger
/// has no history of rates), then treated as a fee in the quote. When there is no rate the fee is listed in
/// <see cref="UnconvertedFee"/> and the trade is counted without it, so the gap is visible rather than silently zero.</item>
/// </list>
/// A sell larger than the lots (history incomplete) realizes PnL only on the part the lots cover: the proceeds are
/// attributed pro rata (covered ÷ disposed) and the rest is recorded as unmatched.
/// </remarks>
internal sealed class FifoLedger
{
    private readonly Func<string, string, decimal?> _rate;
    private readonly Dictionary<AssetKey, Position> _positions = [];
    private readonly HashSet<(string Exchange, string Symbol, string TradeId)> _seen = [];
    private readonly List<SkippedTrade> _skipped = [];
    private readonly List<UnconvertedFee> _unconverted = [];

    private FifoLedger(Func<string, string, decimal?> rate) => _rate = rate;

    /// <summary>
    /// The order trades are applied in: time, then exchange (ordinal), then trade id (numeric ids first and in numeric
    /// order, since exchanges number fills in sequence and "10" must follow "9"; other ids after them, ordinal), then
    /// symbol.
    /// </summary>
    public static IComparer<LedgerTrade> Order { get; } = Comparer<LedgerTrade>.Create(CompareTrades);

    /// <summary>
    /// Applies <paramref name="trades"/> in <see cref="Order"/>. <paramref name="rate"/> converts a third-currency fee
    /// into the quote (from, to); it returns null when there is no rate.
    /// </summary>
    public static FifoLedger Build(IEnumerable<LedgerTrade> trades, Func<string, string, decimal?> rate)
    {
        ArgumentNullException.ThrowIfNull(trades);
        ArgumentNullException.ThrowIfNull(rate);
        var ledger = new FifoLedger(rate);
        foreach (var trade in trades.OrderBy(t => t, Order))
        {
            ledger.Apply(trade);
        }

        return ledger;
    }

    /// <summary>
    /// The positions, valued with <paramref name="currentPrice"/> (asset, quote → price, or null when unknown), which is
    /// asked only for positions that hold something.
    /// </summary>
    public FifoReport Report(Func<string, string, decimal?> currentPrice)
    {
        ArgumentNullException.ThrowIfNull(currentPrice);
        var assets = _positions.Values
            .OrderBy(p => p.Key.Asset, StringComparer.Ordinal)
            .ThenBy(p => p.Key.Quote, StringComparer.Ordinal)
            .Select(p => p.ToPnl(currentPrice))
            .ToArray();
        return new FifoReport(assets, _skipped.ToArray(), _unconverted.ToArray());
    }

    private void Apply(LedgerTrade trade)
    {
        if (Invalid(trade, out var @base, out var quote) is { } reason)
        {
            _skipped.Add(new SkippedTrade(trade.Exchange, trade.TradeId, trade.Symbol, reason));
            return;
        }

        var fee = ResolveFee(trade, @base, quote);
        if (trade.Side == OrderSide.Buy && trade.Amount - fee.InBase <= 0m)
        {
            _skipped.Add(new SkippedTrade(trade.Exchange, trade.TradeId, trade.Symbol, "fee in the base is not less than the amount bought"));
            return;
        }

        _seen.Add((trade.Exchange, trade.Symbol, trade.TradeId));
        var key = new AssetKey(@base, quote);
        if (!_positions.TryGetValue(key, out var position))
        {
            position = new Position(key);
            _positions[key] = position;
        }

        if (fee.Unconverted is { } unconverted)
        {
            _unconverted.Add(unconverted);
            position.Unconverted.Add(unconverted);
        }

        position.FeesPaid += fee.PaidInQuote;
        if (trade.Side == OrderSide.Buy)
        {
            position.Buy(trade, trade.Amount - fee.InBase, trade.EffectiveCost + fee.InQuote);
        }
        else
        {
            position.Sell(trade, trade.Amount + fee.InBase, trade.EffectiveCost - fee.InQuote, fee.PaidInQuote);
        }
    }

    private string? Invalid(LedgerTrade trade, out string @base, out string quote)
    {
        if (!ConversionGraph.TrySplit(trade.Symbol, out @base, out quote))
        {
            return "symbol is not a spot BASE/QUOTE pair";
        }

        if (trade.Side is not (OrderSide.Buy or OrderSide.Sell))
        {
            return "side is unknown";
        }

        if (trade.Amount <= 0m)
        {
            return "amount is not positive";
        }

        if (trade.Price < 0m || trade.EffectiveCost < 0m)
        {
            return "price or cost is negative";
        }

        // A sync that overlaps its previous window hands some fills twice; counting one twice would double a lot.
        // Ids are unique per exchange and market (Binance numbers fills per symbol).
        return _seen.Contains((trade.Exchange, trade.Symbol, trade.TradeId)) ? "duplicate trade id" : null;
    }

    private readonly record struct ResolvedFee(decimal InBase, decimal InQuote, decimal PaidInQuote, UnconvertedFee? Unconverted);

    private ResolvedFee ResolveFee(LedgerTrade trade, string @base, string quote)
    {
        if (trade.Fee is not { } fee || fee.Cost == 0m)
        {
            return default;
        }

        if (string.Equals(fee.Currency, quote, StringComparison.Ordinal))
        {
            return new ResolvedFee(0m, fee.Cost, fee.Cost, null);
        }

        if (string.Equals(fee.Currency, @base, StringComparison.Ordinal))
        {
            // Valued at the trade's own price: what the withheld base was worth when it was withheld.
            return new ResolvedFee(fee.Cost, 0m, fee.Cost * trade.Price, null);
        }

        if (!string.IsNullOrEmpty(fee.Currency) && _rate(fee.Currency, quote) is { } rate)
        {
            var inQuote = fee.Cost * rate;
            return new ResolvedFee(0m, inQuote, inQuote, null);
        }

        return new ResolvedFee(0m, 0m, 0m, new UnconvertedFee(trade.Exchange, trade.TradeId, trade.Symbol, fee.Currency, fee.Cost));
    }

    private static int CompareTrades(LedgerTrade? x, LedgerTrade? y)
    {
        if (ReferenceEquals(x, y))
        {
            return 0;
        }

        if (x is null)
        {
            return -1;
        }

        if (y is null)
        {
            return 1;
        }

        var c = x.Timestamp.CompareTo(y.Timestamp);
        if (c == 0)
        {
            c = string.CompareOrdinal(x.Exchange, y.Exchange);
        }

        if (c == 0)
        {
            c = CompareIds(x.TradeId, y.TradeId);
        }

        return c != 0 ? c : string.CompareOrdinal(x.Symbol, y.Symbol);
    }

    /// <summary>
    /// Ids made only of digits first, compared as numbers (by length once leading zeros are trimmed, then digit by
    /// digit); then the rest, ordinal. Keeping the two groups apart keeps the order transitive ("9" &lt; "10" numerically
    /// but "10" &lt; "1a" &lt; "9" ordinally would be a cycle).
    /// </summary>
    private static int CompareIds(string x, string y)
    {
        var xDigits = x.Length > 0 && x.All(char.IsAsciiDigit);
        var yDigits = y.Length > 0 && y.All(char.IsAsciiDigit);
        if (xDigits != yDigits)
        {
            return xDigits ? -1 : 1;
        }

        if (xDigits)
        {
            var a = x.TrimStart('0');
            var b = y.TrimStart('0');
            var byLength = a.Length.CompareTo(b.Length);
            if (byLength != 0)
            {
                return byLength;
            }

            var byDigits = string.CompareOrdinal(a, b);
            if (byDigits != 0)
            {
                return byDigits;
            }
        }

        return string.CompareOrdinal(x, y);
    }

    private sealed class Lot(DateTimeOffset time, string exchange, string tradeId, decimal amount, decimal cost)
    {
        public DateTimeOffset Time { get; } = time;

        public string Exchange { get; } = exchange;

        public string TradeId { get; } = tradeId;

        public decimal Amount { get; set; } = amount;

        public decimal Cost { get; set; } = cost;
    }

    private sealed class Position(AssetKey key)
    {
        private readonly Queue<Lot> _lots = new();
        private readonly List<RealizedEvent> _realized = [];

        public AssetKey Key { get; } = key;

        public decimal FeesPaid { get; set; }

        public List<UnconvertedFee> Unconverted { get; } = [];

        private decimal Realized { get; set; }

        private decimal Unmatched { get; set; }

        public void Buy(LedgerTrade trade, decimal amount, decimal cost) =>
            _lots.Enqueue(new Lot(trade.Timestamp, trade.Exchange, trade.TradeId, amount, cost));

        public void Sell(LedgerTrade trade, decimal disposed, decimal proceeds, decimal fee)
        {
            var matches = new List<LotMatch>();
            var remaining = disposed;
            var basis = 0m;
            while (remaining > 0m && _lots.TryPeek(out var lot))
            {
                var take = Math.Min(remaining, lot.Amount);

                // The whole lot takes its whole cost, so no rounding residue is left behind in the queue.
                var cost = take == lot.Amount ? lot.Cost : lot.Cost * take / lot.Amount;
                matches.Add(new LotMatch(lot.Time, lot.Exchange, lot.TradeId, take, cost));
                basis += cost;
                remaining -= take;
                lot.Amount -= take;
                lot.Cost -= cost;
                if (lot.Amount == 0m)
                {
                    _lots.Dequeue();
                }
            }

            var covered = disposed - remaining;

            // Only the covered part is realized; the proceeds are split pro rata, as nothing says which part of a sale
            // the missing history belongs to.
            var attributed = remaining == 0m ? proceeds : proceeds * covered / disposed;
            Realized += attributed - basis;
            Unmatched += remaining;
            _realized.Add(new RealizedEvent(
                trade.Timestamp, trade.Exchange, trade.TradeId, Key.Asset, Key.Quote, covered, attributed, basis, fee, remaining, matches));
        }

        public AssetPnl ToPnl(Func<string, string, decimal?> currentPrice)
        {
            var lots = _lots.Select(l => new OpenLot(l.Time, l.Exchange, l.TradeId, l.Amount, l.Cost)).ToArray();
            var amount = lots.Sum(l => l.Amount);
            var basis = lots.Sum(l => l.Cost);
            decimal? price = null;
            decimal? value = 0m;
            decimal? unrealized = 0m;
            if (amount > 0m)
            {
                price = currentPrice(Key.Asset, Key.Quote);
                value = price * amount;
                unrealized = value - basis;
            }

            return new AssetPnl(
                Key.Asset,
                Key.Quote,
                amount,
                basis,
                amount > 0m ? basis / amount : null,
                Realized,
                FeesPaid,
                price,
                value,
                unrealized,
                Unmatched,
                lots,
                _realized.ToArray(),
                Unconverted.ToArray());
        }
    }
}

/// <summary>The ledger's entry points: one call for the report, one for the total in the user's currency.</summary>
internal static class FifoPnl
{
    /// <summary>
    /// Builds the ledger from <paramref name="trades"/> and values it. <paramref name="rate"/> (from, to) converts
    /// third-currency fees; <paramref name="currentPrice"/> (asset, quote) values open lots. Either returns null when it
    /// has no answer.
    /// </summary>
    public static FifoReport Compute(
        IEnumerable<LedgerTrade> trades,
        Func<string, string, decimal?> rate,
        Func<string, string, decimal?> currentPrice) =>
        FifoLedger.Build(trades, rate).Report(currentPrice);

    /// <summary>
    /// Sums the positions in <paramref name="currency"/>, converting each quote with <paramref name="rate"/> at the rate
    /// it gives now (realized PnL is not re-priced at historical rates: the ledger has none). A quote with no rate
    /// leaves its position out and lists it; a held position with no price counts without its market value and lists it.
    /// </summary>
    public static PnlTotal Total(IEnumerable<AssetPnl> assets, string currency, Func<string, string, decimal?> rate)
    {
        ArgumentNullException.ThrowIfNull(assets);
        ArgumentException.ThrowIfNullOrEmpty(currency);
        ArgumentNullException.ThrowIfNull(rate);
        decimal realized = 0m, unrealized = 0m, fees = 0m, basis = 0m, value = 0m;
        var unconverted = new List<AssetKey>();
        var unpriced = new List<AssetKey>();
        foreach (var asset in assets)
        {
            var r = string.Equals(asset.Quote, currency, StringComparison.Ordinal) ? 1m : rate(asset.Quote, currency);
            if (r is not { } factor)
            {
                unconverted.Add(asset.Key);
                continue;
            }

            realized += asset.RealizedPnl * factor;
            fees += asset.FeesPaid * factor;
            basis += asset.CostBasis * factor;
            if (asset.UnrealizedPnl is { } u && asset.MarketValue is { } mv)
            {
                unrealized += u * factor;
                value += mv * factor;
            }
            else
            {
                unpriced.Add(asset.Key);
            }
        }

        return new PnlTotal(currency, realized, unrealized, fees, basis, value, unconverted, unpriced);
    }
}
