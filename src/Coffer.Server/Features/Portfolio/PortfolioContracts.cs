using Coffer.Server.Features.Portfolio.Analytics;

namespace Coffer.Server.Features.Portfolio;

/// <summary>One step of a price: which exchange's ticker, read which way, from when.</summary>
internal sealed record PriceHopView(string Exchange, string Symbol, decimal Price, bool Inverted, DateTimeOffset? Time)
{
    public static IReadOnlyList<PriceHopView> From(PriceResult price) =>
        [.. price.Hops.Select(h => new PriceHopView(h.Exchange, h.Symbol, h.Price, h.Inverted, h.Timestamp))];
}

/// <summary>One currency held on one connection, valued in the user's currency (null value: no price path, see <see cref="Unpriced"/>).</summary>
internal sealed record HoldingView(
    Guid ConnectionId,
    string Exchange,
    string Label,
    string Asset,
    decimal? Free,
    decimal? Used,
    decimal Total,
    decimal? Price,
    decimal? Value,
    IReadOnlyList<PriceHopView> PriceSource,
    DateTimeOffset? PriceAsOf,
    DateTimeOffset UpdatedAt);

/// <summary>An asset Coffer holds a balance of but cannot price, and why.</summary>
internal sealed record UnpricedView(string Asset, string Exchange, decimal Amount, string Reason);

internal sealed record AllocationView(string Key, decimal Value, decimal Percent);

/// <summary>What the last sync of one connection covered; <see cref="Missing"/> lists what it could not fetch and why.</summary>
internal sealed record CoverageView(
    Guid ConnectionId,
    string Exchange,
    string Label,
    string Status,
    DateTimeOffset? SyncedAt,
    DateTimeOffset? LastCompleteAt,
    IReadOnlyList<CoveragePart> Missing,
    IReadOnlyList<string> Notes);

internal sealed record PortfolioSummary(
    string Currency,
    decimal TotalValue,
    decimal? Change24h,
    decimal? Change24hPercent,
    IReadOnlyList<AllocationView> ByAsset,
    IReadOnlyList<AllocationView> ByExchange,
    IReadOnlyList<UnpricedView> Unpriced,
    IReadOnlyList<CoverageView> Coverage,
    IReadOnlyDictionary<string, string> PricesUnavailable,
    bool Complete);

internal sealed record BalancesView(string Currency, IReadOnlyList<HoldingView> Items, IReadOnlyList<UnpricedView> Unpriced, IReadOnlyList<CoverageView> Coverage);

internal sealed record HistoryPoint(DateTimeOffset Time, decimal Value, string Currency, IReadOnlyDictionary<string, decimal>? Breakdown, IReadOnlyList<string> Unpriced);

internal sealed record HistoryView(string Range, string Currency, IReadOnlyList<HistoryPoint> Points);

internal sealed record RefreshView(IReadOnlyList<SyncResultView> Connections, bool Complete);

internal sealed record SyncResultView(Guid ConnectionId, string Exchange, string Label, string Status, DateTimeOffset FinishedAt, IReadOnlyList<CoveragePart> Parts)
{
    public static SyncResultView From(SyncResult r) => new(r.ConnectionId, r.Exchange, r.Label, r.Status, r.FinishedAt, r.Parts);
}

internal sealed record SettingsView(string Currency, decimal StepUpThreshold);

internal sealed record SettingsRequest(string? Currency, decimal? StepUpThreshold);
