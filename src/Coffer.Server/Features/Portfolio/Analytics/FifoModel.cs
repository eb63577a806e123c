using Coffer.Exchanges.Model;

namespace Coffer.Server.Features.Portfolio.Analytics;

/// <summary>
/// One fill as the ledger reads it: the exchange it happened on, the unified symbol <c>BASE/QUOTE</c>, amount in the
/// base, cost in the quote (the price × amount when the exchange does not report it), and the fee as reported.
/// </summary>
internal sealed record LedgerTrade
{
    public required string Exchange { get; init; }

    public required string Symbol { get; init; }

    public required OrderSide Side { get; init; }

    public required decimal Price { get; init; }

    public required decimal Amount { get; init; }

    public decimal? Cost { get; init; }

    public Fee? Fee { get; init; }

    public required DateTimeOffset Timestamp { get; init; }

    public required string TradeId { get; init; }

    /// <summary>The reported cost, else price × amount.</summary>
    public decimal EffectiveCost => Cost ?? Price * Amount;

    /// <summary>
    /// The ledger's reading of a connector's trade; null when the exchange did not say which side the account was on,
    /// since a fill of unknown direction cannot be put in or taken out of a lot (the caller lists it as not counted).
    /// </summary>
    public static LedgerTrade? From(string exchange, Trade trade)
    {
        ArgumentNullException.ThrowIfNull(trade);
        return trade.Side is not { } side
            ? null
            : new LedgerTrade
            {
                Exchange = exchange,
                Symbol = trade.Symbol,
                Side = side,
                Price = trade.Price,
                Amount = trade.Amount,
                Cost = trade.Cost,
                Fee = trade.Fee,
                Timestamp = trade.Timestamp,
                TradeId = trade.Id,
            };
    }
}

/// <summary>A position's key: lots of one base asset bought with one quote currency, across exchanges.</summary>
internal readonly record struct AssetKey(string Asset, string Quote);

/// <summary>
/// An open lot: what is left of one buy. <see cref="Cost"/> is the remaining cost basis in the quote, fees included;
/// the unit cost is derived so that consumed and remaining parts always add up to the buy's full cost.
/// </summary>
internal sealed record OpenLot(DateTimeOffset Time, string Exchange, string TradeId, decimal Amount, decimal Cost)
{
    public decimal UnitCost => Cost / Amount;
}

/// <summary>The part of one lot that a sell consumed.</summary>
internal sealed record LotMatch(DateTimeOffset AcquiredAt, string Exchange, string TradeId, decimal Amount, decimal Cost);

/// <summary>
/// What one sell realized. <see cref="Amount"/> is the part covered by lots; <see cref="Proceeds"/> the net proceeds
/// (fees deducted) attributed to that part; <see cref="UnmatchedAmount"/> what the lots did not cover (history
/// incomplete: a deposit, a transfer in, or trades older than the sync). <see cref="Fee"/> is the fee in the quote as
/// the ledger counted it; it is already inside <see cref="Proceeds"/> or the lots' cost.
/// </summary>
internal sealed record RealizedEvent(
    DateTimeOffset Time,
    string Exchange,
    string TradeId,
    string Asset,
    string Quote,
    decimal Amount,
    decimal Proceeds,
    decimal CostBasis,
    decimal Fee,
    decimal UnmatchedAmount,
    IReadOnlyList<LotMatch> Matches)
{
    public decimal RealizedPnl => Proceeds - CostBasis;
}

/// <summary>A fee in a third currency that could not be converted into the quote; it is listed, never silently dropped.</summary>
internal sealed record UnconvertedFee(string Exchange, string TradeId, string Symbol, string Currency, decimal Cost);

/// <summary>A trade the ledger could not count, with why.</summary>
internal sealed record SkippedTrade(string Exchange, string TradeId, string Symbol, string Reason);

/// <summary>
/// One position's PnL in its quote currency. <see cref="FeesPaid"/> is informational: every fee is already inside a
/// lot's cost or a sell's proceeds, so it must not be subtracted again. <see cref="UnrealizedPnl"/> and
/// <see cref="MarketValue"/> are null when the asset is held and has no current price (unknown, not zero); they are 0
/// when nothing is held.
/// </summary>
internal sealed record AssetPnl(
    string Asset,
    string Quote,
    decimal Amount,
    decimal CostBasis,
    decimal? AverageCost,
    decimal RealizedPnl,
    decimal FeesPaid,
    decimal? CurrentPrice,
    decimal? MarketValue,
    decimal? UnrealizedPnl,
    decimal UnmatchedSellAmount,
    IReadOnlyList<OpenLot> OpenLots,
    IReadOnlyList<RealizedEvent> Realized,
    IReadOnlyList<UnconvertedFee> UnconvertedFees)
{
    public AssetKey Key => new(Asset, Quote);

    /// <summary>True when a sell exceeded the lots: the history is incomplete and realized PnL covers only part of it.</summary>
    public bool HistoryIncomplete => UnmatchedSellAmount > 0m;
}

/// <summary>The ledger's result: positions ordered by asset then quote (ordinal), and what it could not count.</summary>
internal sealed record FifoReport(
    IReadOnlyList<AssetPnl> Assets,
    IReadOnlyList<SkippedTrade> Skipped,
    IReadOnlyList<UnconvertedFee> UnconvertedFees);

/// <summary>
/// The positions summed in one currency. <see cref="Unconverted"/> lists positions whose quote has no rate into the
/// currency (left out entirely); <see cref="Unpriced"/> lists held positions with no current price (their realized PnL,
/// fees and cost basis are counted, their market value and unrealized PnL are not).
/// </summary>
internal sealed record PnlTotal(
    string Currency,
    decimal RealizedPnl,
    decimal UnrealizedPnl,
    decimal FeesPaid,
    decimal CostBasis,
    decimal MarketValue,
    IReadOnlyList<AssetKey> Unconverted,
    IReadOnlyList<AssetKey> Unpriced);
