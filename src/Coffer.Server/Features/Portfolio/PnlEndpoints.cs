using System.Text;
using Coffer.Exchanges.Model;
using Coffer.Server.Data;
using Coffer.Server.Features.Portfolio.Analytics;
using Coffer.Server.Features.Trading;
using Coffer.Server.Problems;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Coffer.Server.Features.Portfolio;

internal sealed record TradeView(Guid Id, Guid ConnectionId, string Exchange, string TradeId, string? OrderId, string Symbol, string Base, string Quote, string? Side, decimal Price, decimal Amount, decimal Cost, FeeView? Fee, string? TakerOrMaker, DateTimeOffset Time)
{
    public static TradeView From(TradeRow t) => new(
        t.Id, t.ConnectionId, t.Exchange, t.TradeId, t.OrderId, t.Symbol, t.Base, t.Quote, t.Side, t.Price, t.Amount, t.Cost,
        t.FeeCurrency is { } c && t.FeeCost is { } f ? new FeeView(c, f) : null, t.TakerOrMaker, t.TradedAt);
}

/// <summary>One position's PnL, as the API shows it (lots and realized events are in the CSV export).</summary>
internal sealed record PositionView(
    string Asset, string Quote, decimal Amount, decimal CostBasis, decimal? AverageCost, decimal RealizedPnl, decimal FeesPaid,
    decimal? CurrentPrice, decimal? MarketValue, decimal? UnrealizedPnl, decimal UnmatchedSellAmount, bool HistoryIncomplete, int OpenLots)
{
    public static PositionView From(AssetPnl a) => new(
        a.Asset, a.Quote, a.Amount, a.CostBasis, a.AverageCost, a.RealizedPnl, a.FeesPaid, a.CurrentPrice, a.MarketValue, a.UnrealizedPnl,
        a.UnmatchedSellAmount, a.HistoryIncomplete, a.OpenLots.Count);
}

internal sealed record PnlView(
    string Currency,
    PnlTotal Total,
    IReadOnlyList<PositionView> Positions,
    IReadOnlyList<SkippedTrade> Skipped,
    IReadOnlyList<UnconvertedFee> UnconvertedFees,
    bool HistoryIncomplete,
    string Method);

/// <summary>
/// <c>/api/v1/portfolio/pnl</c> (FIFO lots per asset and quote currency, fees included) and <c>/api/v1/trades</c>, with
/// CSV exports of both (DESIGN §6).
/// </summary>
internal static partial class PortfolioEndpoints
{
    public static IEndpointRouteBuilder MapPnlEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/portfolio/pnl", Pnl).RequireAuthorization(ReadPolicy).WithTags("portfolio");
        app.MapGet("/api/v1/portfolio/pnl/export", PnlExport).RequireAuthorization(ReadPolicy).WithTags("portfolio").Produces(StatusCodes.Status200OK, contentType: CsvContentType);
        app.MapGet("/api/v1/trades", Trades).RequireAuthorization(TradingEndpoints.ReadPolicy).WithTags("trades");
        app.MapGet("/api/v1/trades/export", TradesExport).RequireAuthorization(TradingEndpoints.ReadPolicy).WithTags("trades").Produces(StatusCodes.Status200OK, contentType: CsvContentType);
        return app;
    }

    internal static async Task<Ok<PnlView>> Pnl(HttpContext http, IDbContextFactory<CofferDb> factory, Pricing pricing, CancellationToken cancellationToken)
    {
        var (report, total, currency) = await ComputePnlAsync(TradingEndpoints.UserId(http.User), factory, pricing, cancellationToken);
        return TypedResults.Ok(new PnlView(
            currency,
            total,
            [.. report.Assets.Select(PositionView.From)],
            report.Skipped,
            report.UnconvertedFees,
            report.Assets.Any(a => a.HistoryIncomplete) || report.Skipped.Count > 0,
            "FIFO lots per asset and quote currency across exchanges, fees included; the total converts each quote at today's rate."));
    }

    /// <summary><c>kind</c>: positions (default) or realized (one row per lot a sell consumed).</summary>
    internal static async Task<Results<FileContentHttpResult, ProblemHttpResult>> PnlExport(string? kind, HttpContext http, IDbContextFactory<CofferDb> factory, Pricing pricing, CancellationToken cancellationToken)
    {
        if (kind is not (null or "positions" or "realized"))
        {
            return Problem.Result(ProblemType.InvalidArgument, "kind must be positions or realized.");
        }

        var (report, _, _) = await ComputePnlAsync(TradingEndpoints.UserId(http.User), factory, pricing, cancellationToken);
        var text = new StringWriter();
        var csv = new CsvWriter(text);
        if (kind == "realized")
        {
            PnlCsv.WriteRealized(csv, report.Assets.SelectMany(a => a.Realized).OrderBy(e => e.Time));
        }
        else
        {
            PnlCsv.WritePositions(csv, report.Assets);
        }

        return Csv(text, $"coffer-pnl-{kind ?? "positions"}.csv");
    }

    internal static async Task<Results<Ok<Page<TradeView>>, ProblemHttpResult>> Trades(HttpContext http, IDbContextFactory<CofferDb> factory, CancellationToken cancellationToken)
    {
        var (query, error) = HistoryQuery.From(http.Request);
        if (query is null)
        {
            return Problem.Result(ProblemType.InvalidArgument, error);
        }

        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var (items, next) = await query.PageAsync(Filter(db, TradingEndpoints.UserId(http.User), query), t => t.TradedAt, t => t.TradedAt, t => t.Id, cancellationToken);
        return TypedResults.Ok(new Page<TradeView>([.. items.Select(TradeView.From)], next));
    }

    /// <summary>Every trade matching the filters (no paging), oldest first, as CSV.</summary>
    internal static async Task<Results<FileContentHttpResult, ProblemHttpResult>> TradesExport(HttpContext http, IDbContextFactory<CofferDb> factory, CancellationToken cancellationToken)
    {
        var (query, error) = HistoryQuery.From(http.Request);
        if (query is null)
        {
            return Problem.Result(ProblemType.InvalidArgument, error);
        }

        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var rows = await Filter(db, TradingEndpoints.UserId(http.User), query).OrderBy(t => t.TradedAt).ThenBy(t => t.Id).ToListAsync(cancellationToken);
        var text = new StringWriter();
        var csv = new CsvWriter(text);
        csv.WriteHeader("time", "exchange", "symbol", "side", "price", "amount", "cost", "fee_currency", "fee_cost", "taker_or_maker", "trade_id", "order_id");
        foreach (var t in rows)
        {
            csv.WriteRow(t.TradedAt, t.Exchange, t.Symbol, t.Side, t.Price, t.Amount, t.Cost, t.FeeCurrency, t.FeeCost, t.TakerOrMaker, t.TradeId, t.OrderId);
        }

        return Csv(text, "coffer-trades.csv");
    }

    private static IQueryable<TradeRow> Filter(CofferDb db, Guid userId, HistoryQuery query)
    {
        var rows = db.Table<TradeRow>().AsNoTracking().Where(t => t.UserId == userId);
        rows = query.ConnectionId is { } c ? rows.Where(t => t.ConnectionId == c) : rows;
        rows = query.Exchange is { } e ? rows.Where(t => t.Exchange == e) : rows;
        rows = query.Symbol is { } s ? rows.Where(t => t.Symbol == s) : rows;
        rows = query.Side is { } side ? rows.Where(t => t.Side == side) : rows;
        rows = query.Since is { } since ? rows.Where(t => t.TradedAt >= since) : rows;
        return query.Until is { } until ? rows.Where(t => t.TradedAt < until) : rows;
    }

    private static async Task<(FifoReport Report, PnlTotal Total, string Currency)> ComputePnlAsync(Guid userId, IDbContextFactory<CofferDb> factory, Pricing pricing, CancellationToken cancellationToken)
    {
        List<TradeRow> rows;
        PortfolioPreferences preferences;
        await using (var db = await factory.CreateDbContextAsync(cancellationToken))
        {
            preferences = await PortfolioPreferences.LoadAsync(db, userId, cancellationToken);
            rows = await db.Table<TradeRow>().AsNoTracking().Where(t => t.UserId == userId).ToListAsync(cancellationToken);
        }

        var prices = await pricing.ForUserAsync(userId, cancellationToken);
        var trades = rows.Select(t => new LedgerTrade
        {
            Exchange = t.Exchange,
            Symbol = t.Symbol,
            Side = t.Side == "sell" ? OrderSide.Sell : OrderSide.Buy,
            Price = t.Price,
            Amount = t.Amount,
            Cost = t.Cost,
            Fee = t.FeeCurrency is { } c && t.FeeCost is { } f ? new Fee(c, f) : null,
            Timestamp = t.TradedAt,
            TradeId = t.TradeId,
        });
        decimal? Rate(string from, string to) => prices.Graph.Price(from, to)?.Price;
        var report = FifoPnl.Compute(trades.Where((_, i) => rows[i].Side is not null), Rate, Rate);
        var skipped = rows.Where(t => t.Side is null).Select(t => new SkippedTrade(t.Exchange, t.TradeId, t.Symbol, "The exchange did not say whether the account bought or sold.")).ToList();
        if (skipped.Count > 0)
        {
            report = report with { Skipped = [.. report.Skipped, .. skipped] };
        }

        return (report, FifoPnl.Total(report.Assets, preferences.Currency, Rate), preferences.Currency);
    }

    private static FileContentHttpResult Csv(StringWriter text, string name) =>
        TypedResults.File(Encoding.UTF8.GetBytes(text.ToString()), CsvContentType + "; charset=utf-8", name);
}
