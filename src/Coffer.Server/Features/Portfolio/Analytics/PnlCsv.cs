namespace Coffer.Server.Features.Portfolio.Analytics;

/// <summary>
/// The export layouts for the ledger's own types: trades, positions, and realized events (one row per lot a sell
/// consumed, the shape tax tools ask for). Exchange, symbol and id cells are text, so a crafted trade id or currency code
/// cannot become a formula; amounts are numbers.
/// </summary>
internal static class PnlCsv
{
    public static readonly string[] TradeColumns =
        ["time", "exchange", "symbol", "side", "price", "amount", "cost", "fee_currency", "fee_cost", "trade_id"];

    public static readonly string[] PositionColumns =
        ["asset", "quote", "amount", "cost_basis", "average_cost", "realized_pnl", "fees_paid", "current_price", "market_value",
            "unrealized_pnl", "unmatched_sell_amount"];

    public static readonly string[] RealizedColumns =
        ["time", "exchange", "trade_id", "asset", "quote", "amount", "proceeds", "cost_basis", "realized_pnl", "fee",
            "unmatched_amount", "lot_acquired", "lot_exchange", "lot_trade_id", "lot_amount", "lot_cost"];

    public static void WriteTrades(CsvWriter csv, IEnumerable<LedgerTrade> trades)
    {
        ArgumentNullException.ThrowIfNull(csv);
        ArgumentNullException.ThrowIfNull(trades);
        csv.WriteHeader(TradeColumns);
        foreach (var t in trades)
        {
            csv.WriteRow(
                t.Timestamp,
                t.Exchange,
                t.Symbol,
                t.Side == Coffer.Exchanges.Model.OrderSide.Buy ? "buy" : "sell",
                t.Price,
                t.Amount,
                t.EffectiveCost,
                t.Fee?.Currency,
                t.Fee?.Cost,
                t.TradeId);
        }
    }

    public static void WritePositions(CsvWriter csv, IEnumerable<AssetPnl> assets)
    {
        ArgumentNullException.ThrowIfNull(csv);
        ArgumentNullException.ThrowIfNull(assets);
        csv.WriteHeader(PositionColumns);
        foreach (var a in assets)
        {
            csv.WriteRow(
                a.Asset,
                a.Quote,
                a.Amount,
                a.CostBasis,
                a.AverageCost,
                a.RealizedPnl,
                a.FeesPaid,
                a.CurrentPrice,
                a.MarketValue,
                a.UnrealizedPnl,
                a.UnmatchedSellAmount);
        }
    }

    /// <summary>
    /// One row per consumed lot; a sell the lots did not cover at all still gets one row (empty lot columns) so the
    /// unmatched amount is exported. The sell's totals repeat on each of its rows.
    /// </summary>
    public static void WriteRealized(CsvWriter csv, IEnumerable<RealizedEvent> events)
    {
        ArgumentNullException.ThrowIfNull(csv);
        ArgumentNullException.ThrowIfNull(events);
        csv.WriteHeader(RealizedColumns);
        foreach (var e in events)
        {
            if (e.Matches.Count == 0)
            {
                csv.WriteRow([.. Event(e), CsvCell.Empty, CsvCell.Empty, CsvCell.Empty, CsvCell.Empty, CsvCell.Empty]);
                continue;
            }

            foreach (var m in e.Matches)
            {
                csv.WriteRow([.. Event(e), m.AcquiredAt, m.Exchange, m.TradeId, m.Amount, m.Cost]);
            }
        }
    }

    private static CsvCell[] Event(RealizedEvent e) =>
        [e.Time, e.Exchange, e.TradeId, e.Asset, e.Quote, e.Amount, e.Proceeds, e.CostBasis, e.RealizedPnl, e.Fee, e.UnmatchedAmount];
}
