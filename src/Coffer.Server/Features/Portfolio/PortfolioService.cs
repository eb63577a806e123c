using Coffer.Server.Data;
using Coffer.Server.Features.Connections;
using Coffer.Server.Features.Notifications;
using Microsoft.EntityFrameworkCore;

namespace Coffer.Server.Features.Portfolio;

/// <summary>
/// The portfolio as the user sees it (DESIGN §6): stored balances valued through the conversion graph of the connected
/// exchanges' tickers, allocation, 24-hour change, coverage per connection, snapshots over time. Assets without a price
/// path are listed with the reason, never dropped, and the summary says when anything is incomplete.
/// </summary>
internal sealed class PortfolioService(IDbContextFactory<CofferDb> factory, Pricing pricing, TimeProvider time)
{
    public async Task<(BalancesView View, PriceBook Prices, PortfolioPreferences Preferences)> ValueAsync(Guid userId, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var preferences = await PortfolioPreferences.LoadAsync(db, userId, cancellationToken);
        var connections = await db.Table<ConnectionRow>().AsNoTracking().Where(c => c.UserId == userId).ToDictionaryAsync(c => c.Id, cancellationToken);
        var balances = (await db.Table<BalanceRow>().AsNoTracking().Where(b => b.UserId == userId).ToListAsync(cancellationToken))
            .Where(b => b.Total != 0 && connections.ContainsKey(b.ConnectionId)).ToList();
        var prices = await pricing.ForUserAsync(userId, cancellationToken);
        var holdings = new List<HoldingView>();
        var unpriced = new List<UnpricedView>();
        foreach (var b in balances.OrderBy(b => connections[b.ConnectionId].CreatedAt).ThenBy(b => b.Currency, StringComparer.Ordinal))
        {
            var connection = connections[b.ConnectionId];
            var price = prices.Graph.Price(b.Currency, preferences.Currency, connection.Exchange);
            holdings.Add(new HoldingView(
                b.ConnectionId, connection.Exchange, connection.Label, b.Currency, b.Free, b.Used, b.Total,
                price?.Price, price is null ? null : b.Total * price.Price,
                price is null ? [] : PriceHopView.From(price), price?.AsOf, b.UpdatedAt));
            if (price is null)
            {
                unpriced.Add(new UnpricedView(b.Currency, connection.Exchange, b.Total, UnpricedReason(b.Currency, preferences.Currency, prices)));
            }
        }

        var coverage = await CoverageAsync(db, userId, connections, cancellationToken);
        return (new BalancesView(preferences.Currency, holdings, unpriced, coverage), prices, preferences);
    }

    public async Task<PortfolioSummary> SummaryAsync(Guid userId, CancellationToken cancellationToken)
    {
        var (view, prices, preferences) = await ValueAsync(userId, cancellationToken);
        var priced = view.Items.Where(h => h.Value is not null).ToList();
        var total = priced.Sum(h => h.Value!.Value);

        // The 24-hour change of what is held now: each holding at today's price against its price 24 hours ago (the
        // tickers' rolling 24-hour open). Holdings without a price then are left out of both sides.
        decimal now = 0, before = 0;
        foreach (var h in priced)
        {
            if (prices.DayAgo.Price(h.Asset, preferences.Currency, h.Exchange) is { } then)
            {
                now += h.Value!.Value;
                before += h.Total * then.Price;
            }
        }

        decimal? change = before > 0 ? now - before : null;
        decimal? percent = before > 0 ? decimal.Round((now - before) / before * 100m, 4) : null;
        var byAsset = Allocation(priced.GroupBy(h => h.Asset, StringComparer.Ordinal).Select(g => (g.Key, g.Sum(h => h.Value!.Value))), total);
        var byExchange = Allocation(priced.GroupBy(h => h.Label, StringComparer.Ordinal).Select(g => (g.Key, g.Sum(h => h.Value!.Value))), total);
        var complete = view.Unpriced.Count == 0 && view.Coverage.All(c => c.Status == SyncCoverageRow.Complete) && prices.Unavailable.Count == 0;
        return new PortfolioSummary(preferences.Currency, total, change, percent, byAsset, byExchange, view.Unpriced, view.Coverage, prices.Unavailable, complete);
    }

    /// <summary>Records the portfolio's value now, by exchange and asset (the history's points).</summary>
    public async Task<SnapshotRow> SnapshotAsync(Guid userId, CancellationToken cancellationToken)
    {
        var (view, _, preferences) = await ValueAsync(userId, cancellationToken);
        var snapshot = new SnapshotRow
        {
            Id = Guid.NewGuid(),
            UserId = userId,
            TakenAt = StoredTime.Now(time),
            Currency = preferences.Currency,
            TotalValue = view.Items.Sum(h => h.Value ?? 0),
            Unpriced = string.Join(' ', view.Unpriced.Select(u => u.Asset).Distinct(StringComparer.Ordinal)),
        };
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        db.Add(snapshot);
        foreach (var group in view.Items.GroupBy(h => (h.Exchange, h.Asset)))
        {
            db.Add(new SnapshotItemRow
            {
                SnapshotId = snapshot.Id,
                Exchange = group.Key.Exchange,
                Asset = group.Key.Asset,
                Amount = group.Sum(h => h.Total),
                Value = group.All(h => h.Value is null) ? null : group.Sum(h => h.Value ?? 0),
            });
        }

        await db.SaveChangesAsync(cancellationToken);
        return snapshot;
    }

    /// <summary>The value over a range, one point per snapshot; <paramref name="by"/> = asset or exchange adds a breakdown.</summary>
    public async Task<HistoryView> HistoryAsync(Guid userId, string range, TimeSpan? span, string? by, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var preferences = await PortfolioPreferences.LoadAsync(db, userId, cancellationToken);
        var rows = db.Table<SnapshotRow>().AsNoTracking().Where(s => s.UserId == userId);
        if (span is { } s)
        {
            var since = time.GetUtcNow() - s;
            rows = rows.Where(r => r.TakenAt >= since);
        }

        var snapshots = await rows.OrderBy(r => r.TakenAt).Take(5000).ToListAsync(cancellationToken);
        Dictionary<Guid, List<SnapshotItemRow>> items = [];
        if (by is not null && snapshots.Count > 0)
        {
            var ids = snapshots.Select(x => x.Id).ToList();
            items = (await db.Table<SnapshotItemRow>().AsNoTracking().Where(i => ids.Contains(i.SnapshotId)).ToListAsync(cancellationToken))
                .GroupBy(i => i.SnapshotId).ToDictionary(g => g.Key, g => g.ToList());
        }

        var points = snapshots.Select(x => new HistoryPoint(
            x.TakenAt,
            x.TotalValue,
            x.Currency,
            by is null ? null : (items.TryGetValue(x.Id, out var list) ? list : [])
                .GroupBy(i => by == "exchange" ? i.Exchange : i.Asset, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.Sum(i => i.Value ?? 0), StringComparer.Ordinal),
            x.Unpriced.Split(' ', StringSplitOptions.RemoveEmptyEntries))).ToList();
        return new HistoryView(range, preferences.Currency, points);
    }

    private static async Task<IReadOnlyList<CoverageView>> CoverageAsync(CofferDb db, Guid userId, Dictionary<Guid, ConnectionRow> connections, CancellationToken cancellationToken)
    {
        var rows = await db.Table<SyncCoverageRow>().AsNoTracking().Where(c => c.UserId == userId).ToDictionaryAsync(c => c.ConnectionId, cancellationToken);
        return [.. connections.Values.OrderBy(c => c.CreatedAt).Select(c =>
        {
            if (!rows.TryGetValue(c.Id, out var row))
            {
                return new CoverageView(c.Id, c.Exchange, c.Label, "never", null, null, [new CoveragePart("all", null, false, 0, "Not synced yet: POST /api/v1/portfolio/refresh syncs now.")], []);
            }

            var parts = CoveragePart.FromJson(row.Detail);
            return new CoverageView(
                c.Id, c.Exchange, c.Label, row.Status, row.FinishedAt, row.LastCompleteAt,
                [.. parts.Where(p => !p.Ok)],
                [.. parts.Where(p => p.Ok && p.Reason is not null).Select(p => p.Reason!)]);
        })];
    }

    private static string UnpricedReason(string asset, string currency, PriceBook prices)
    {
        var reason = $"No market of the connected exchanges links {asset} to {currency}, directly or through {string.Join(", ", prices.Graph.Bridges)}.";
        return prices.Unavailable.Count == 0
            ? reason
            : $"{reason} Prices of {string.Join(", ", prices.Unavailable.Keys)} could not be fetched ({string.Join("; ", prices.Unavailable.Values)}).";
    }

    private static IReadOnlyList<AllocationView> Allocation(IEnumerable<(string Key, decimal Value)> groups, decimal total) =>
        [.. groups.OrderByDescending(g => g.Value).ThenBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new AllocationView(g.Key, g.Value, total > 0 ? decimal.Round(g.Value / total * 100m, 4) : 0))];
}
