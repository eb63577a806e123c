using System.Collections.Concurrent;
using Coffer.Exchanges;
using Coffer.Exchanges.Model;
using Coffer.Server.Data;
using Coffer.Server.Features.Connections;
using Coffer.Server.Features.Notifications;
using Coffer.Server.Features.Trading;
using Microsoft.EntityFrameworkCore;

namespace Coffer.Server.Features.Portfolio;

/// <summary>
/// Brings a connection's balances, open and closed orders and trades into Coffer (DESIGN §6): incrementally (a cursor per
/// connection, kind and symbol), through the connector's shared request budget, connections in parallel and the calls
/// of one connection in sequence. Every part's outcome is recorded as coverage, so totals are never silently incomplete.
/// One sync of a connection runs at a time; a request during one waits for it and is served by the next.
/// </summary>
internal sealed partial class PortfolioSync(IDbContextFactory<CofferDb> factory, ExchangeAccess access, TimeProvider time, ILogger<PortfolioSync> logger) : IDisposable
{
    /// <summary>History items asked per call; a full page means there is more, asked for at once (up to <see cref="MaxPages"/>).</summary>
    public const int PageSize = 500;

    /// <summary>Pages per kind and symbol per sync; more history continues at the next sync, and coverage says so.</summary>
    public const int MaxPages = 10;

    /// <summary>Orders no longer open that one sync reads one by one; the rest wait for the next sync.</summary>
    private const int MaxSettledPerSync = 50;

    private readonly ConcurrentDictionary<Guid, Slot> _slots = new();

    /// <summary>Syncs every connection of the user in parallel; <paramref name="progress"/> hears of each as it finishes.</summary>
    public async Task<IReadOnlyList<SyncResult>> SyncUserAsync(Guid userId, Action<SyncResult>? progress, CancellationToken cancellationToken)
    {
        List<ConnectionRow> rows;
        await using (var db = await factory.CreateDbContextAsync(cancellationToken))
        {
            rows = await db.Table<ConnectionRow>().AsNoTracking().Where(c => c.UserId == userId).ToListAsync(cancellationToken);
        }

        var results = await Task.WhenAll(rows.OrderBy(r => r.CreatedAt).Select(async row =>
        {
            var result = await SyncAsync(row, cancellationToken);
            progress?.Invoke(result);
            return result;
        }));
        return results;
    }

    /// <summary>
    /// Syncs one connection with a sync that starts after this call: a sync already running may have read the exchange
    /// before what prompted this one (an order just placed), so it is waited for, and the next covers every request made
    /// meanwhile. The caller may stop waiting; the sync itself always runs to the end.
    /// </summary>
    public Task<SyncResult> SyncAsync(ConnectionRow row, CancellationToken cancellationToken)
    {
        var slot = _slots.GetOrAdd(row.Id, _ => new Slot());
        var ticket = Interlocked.Increment(ref slot.Requested);
        return RunAsync(slot, row, ticket).WaitAsync(cancellationToken);
    }

    private async Task<SyncResult> RunAsync(Slot slot, ConnectionRow row, long ticket)
    {
        await slot.Gate.WaitAsync(CancellationToken.None);
        try
        {
            if (slot.Covered >= ticket && slot.Last is { } last)
            {
                return last;
            }

            var covers = Interlocked.Read(ref slot.Requested);

            // Not the caller's token: a client that hangs up does not leave a sync half-recorded.
            var result = await SyncConnectionAsync(row, CancellationToken.None);
            (slot.Covered, slot.Last) = (covers, result);
            return result;
        }
        finally
        {
            slot.Gate.Release();
        }
    }

    public void Dispose()
    {
        foreach (var slot in _slots.Values)
        {
            slot.Dispose();
        }
    }

    /// <summary>One connection's syncs: one at a time; <see cref="Covered"/> is the last request ticket a finished sync began after.</summary>
    private sealed class Slot : IDisposable
    {
        public readonly SemaphoreSlim Gate = new(1, 1);

        public long Requested;

        public long Covered;

        public SyncResult? Last;

        public void Dispose() => Gate.Dispose();
    }

    private async Task<SyncResult> SyncConnectionAsync(ConnectionRow row, CancellationToken cancellationToken)
    {
        var started = StoredTime.Now(time);
        var parts = new List<CoveragePart>();
        var connector = await access.OpenAsync(row, cancellationToken);
        if (connector is null)
        {
            parts.Add(new CoveragePart("connection", null, false, 0, row.Status == ConnectionRow.Locked
                ? $"The connection is locked: {row.LockReason}"
                : "The connection's key is no longer usable (the account was frozen or the credential revoked). Enter the key again with PUT /api/v1/connections/{id}/key."));
            return await RecordAsync(row, started, parts, cancellationToken);
        }

        var client = connector.Client;
        IReadOnlyList<Market> markets;
        try
        {
            markets = await connector.MarketsAsync(cancellationToken);
        }
        catch (ExchangeException ex)
        {
            parts.Add(Failed("markets", null, ex));
            return await RecordAsync(row, started, parts, cancellationToken);
        }

        await StepAsync(parts, "balances", null, async () => await SaveBalancesAsync(row, await client.FetchBalanceAsync(cancellationToken), cancellationToken));
        await StepAsync(parts, "open_orders", null, async () =>
        {
            var open = await client.FetchOpenOrdersAsync(null, cancellationToken);
            await SaveOrdersAsync(row, open, cancellationToken);
            await SettleNoLongerOpenAsync(row, client, open, cancellationToken);
            return open.Count;
        });

        IReadOnlyList<string?> symbols = connector.Info.HistoryPerSymbol ? await HistorySymbolsAsync(row, markets, cancellationToken) : [null];
        foreach (var symbol in symbols)
        {
            await StepAsync(parts, "closed_orders", symbol, () => PagesAsync(row, SyncCursorRow.Orders, symbol, async since =>
            {
                var orders = await client.FetchClosedOrdersAsync(symbol, since, PageSize, cancellationToken);
                await SaveOrdersAsync(row, orders, cancellationToken);
                // Creation time: what every exchange's 'since' filters closed orders on (Kraken also takes the close time).
                return (orders.Count, orders.Select(o => o.Timestamp ?? o.LastUpdateTimestamp).Max());
            }, cancellationToken));
            await StepAsync(parts, "trades", symbol, () => PagesAsync(row, SyncCursorRow.Trades, symbol, async since =>
            {
                var trades = await client.FetchMyTradesAsync(symbol, since, PageSize, cancellationToken);
                await SaveTradesAsync(row, trades, markets, cancellationToken);
                return (trades.Count, trades.Count == 0 ? null : trades.Max(t => t.Timestamp));
            }, cancellationToken));
        }

        if (connector.Info.HistoryPerSymbol)
        {
            parts.Add(new CoveragePart("history_scope", null, true, symbols.Count, $"{connector.Info.Name} lists trades one market at a time; Coffer asked the {symbols.Count} markets of currencies this account has held and of orders it has seen. Trades in other markets of currencies never seen in a balance are not included."));
        }

        return await RecordAsync(row, started, parts, cancellationToken);
    }

    /// <summary>Runs one part; an exchange failure is recorded as that part's gap and the sync goes on with the next.</summary>
    private async Task StepAsync(List<CoveragePart> parts, string part, string? symbol, Func<Task<(int Items, string? Gap)>> step)
    {
        try
        {
            var (items, gap) = await step();
            parts.Add(new CoveragePart(part, symbol, gap is null, items, gap));
        }
        catch (ExchangeException ex)
        {
            parts.Add(Failed(part, symbol, ex));
        }
    }

    private async Task StepAsync(List<CoveragePart> parts, string part, string? symbol, Func<Task<int>> step) =>
        await StepAsync(parts, part, symbol, async () => (await step(), (string?)null));

    private CoveragePart Failed(string part, string? symbol, ExchangeException ex)
    {
        LogPartFailed(logger, ex.Exchange, part, ex.Kind);
        var fix = ex.Kind switch
        {
            ExchangeErrorKind.RateLimited => " The exchange's request budget was used up; the next sync tries again.",
            ExchangeErrorKind.Authentication => " Verify the connection; if the key was deleted on the exchange, replace it.",
            ExchangeErrorKind.Permission => " Give the key permission to read the account.",
            _ => ex.IsTransient ? " The next sync tries again." : string.Empty,
        };
        return new CoveragePart(part, symbol, false, 0, $"{ex.Kind}: {ex.Message}{fix}");
    }

    /// <summary>Pages through history from the cursor; moves the cursor to the newest item seen.</summary>
    private async Task<(int Items, string? Gap)> PagesAsync(ConnectionRow row, string kind, string? symbol, Func<DateTimeOffset, Task<(int Count, DateTimeOffset? Newest)>> page, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var key = symbol ?? string.Empty;
        var cursor = await db.Table<SyncCursorRow>().SingleOrDefaultAsync(c => c.ConnectionId == row.Id && c.Kind == kind && c.Symbol == key, cancellationToken);
        // The first sync reads from the beginning: an exchange asked without 'since' answers only its most recent items.
        var since = cursor?.Since ?? DateTimeOffset.UnixEpoch;
        var total = 0;
        for (var i = 0; i < MaxPages; i++)
        {
            var (count, newest) = await page(since);
            total += count;
            var advanced = newest is { } n && n > since;
            if (advanced)
            {
                since = newest!.Value;
            }

            // 'since' is inclusive (Kraken's whole-second start is too, for items after the second began): the newest
            // item comes again next time and is deduplicated by its id.
            if (count < PageSize || !advanced)
            {
                await SaveCursorAsync(db, row.Id, kind, key, cursor, since, cancellationToken);
                return (total, null);
            }
        }

        await SaveCursorAsync(db, row.Id, kind, key, cursor, since, cancellationToken);
        return (total, $"More history remains (more than {MaxPages * PageSize} items since the last sync); the next sync continues from {since:u}.");
    }

    private async Task SaveCursorAsync(CofferDb db, Guid connectionId, string kind, string symbol, SyncCursorRow? cursor, DateTimeOffset? since, CancellationToken cancellationToken)
    {
        if (cursor is null)
        {
            db.Add(new SyncCursorRow { ConnectionId = connectionId, Kind = kind, Symbol = symbol, Since = since, FetchedAt = StoredTime.Now(time) });
        }
        else
        {
            cursor.Since = since;
            cursor.FetchedAt = StoredTime.Now(time);
        }

        await db.SaveChangesAsync(cancellationToken);
    }

    private async Task<IReadOnlyList<string?>> HistorySymbolsAsync(ConnectionRow row, IReadOnlyList<Market> markets, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var held = (await db.Table<BalanceRow>().Where(b => b.ConnectionId == row.Id).Select(b => b.Currency).ToListAsync(cancellationToken)).ToHashSet(StringComparer.Ordinal);
        var seen = (await db.Table<OrderRow>().Where(o => o.ConnectionId == row.Id).Select(o => o.Symbol).Distinct().ToListAsync(cancellationToken))
            .Concat(await db.Table<TradeRow>().Where(t => t.ConnectionId == row.Id).Select(t => t.Symbol).Distinct().ToListAsync(cancellationToken))
            .ToHashSet(StringComparer.Ordinal);
        return [.. SymbolDiscovery.Symbols(markets, held, seen)];
    }

    /// <summary>
    /// Replaces the connection's balances. A currency no longer reported is kept at zero rather than deleted: it was
    /// held once, so its markets stay worth asking for history (<see cref="SymbolDiscovery"/>).
    /// </summary>
    private async Task<int> SaveBalancesAsync(ConnectionRow row, Balances balances, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var now = StoredTime.Now(time);
        var existing = await db.Table<BalanceRow>().Where(b => b.ConnectionId == row.Id).ToDictionaryAsync(b => b.Currency, StringComparer.Ordinal, cancellationToken);
        foreach (var (currency, balance) in balances.ByCurrency)
        {
            var total = balance.Total ?? ((balance.Free ?? 0) + (balance.Used ?? 0));
            if (!existing.Remove(currency, out var stored))
            {
                stored = new BalanceRow { ConnectionId = row.Id, Currency = currency, UserId = row.UserId };
                db.Add(stored);
            }

            stored.Free = balance.Free;
            stored.Used = balance.Used;
            stored.Total = total;
            stored.UpdatedAt = now;
        }

        foreach (var gone in existing.Values)
        {
            gone.Free = 0;
            gone.Used = 0;
            gone.Total = 0;
            gone.UpdatedAt = now;
        }

        await db.SaveChangesAsync(cancellationToken);
        return balances.ByCurrency.Count;
    }

    /// <summary>
    /// Records orders the exchange reports: one Coffer placed is matched by its client order id (settling a recorded or
    /// sent order as a side effect), any other by the exchange's id.
    /// </summary>
    internal async Task<int> SaveOrdersAsync(ConnectionRow row, IReadOnlyList<Order> orders, CancellationToken cancellationToken)
    {
        if (orders.Count == 0)
        {
            return 0;
        }

        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var now = StoredTime.Now(time);
        var ids = orders.Select(o => o.Id).ToList();
        var clientIds = orders.Where(o => !string.IsNullOrEmpty(o.ClientOrderId)).Select(o => o.ClientOrderId!).ToList();
        var known = await db.Table<OrderRow>()
            .Where(o => o.ConnectionId == row.Id && ((o.ExchangeOrderId != null && ids.Contains(o.ExchangeOrderId)) || (o.Origin == OrderRow.FromCoffer && o.ClientOrderId != null && clientIds.Contains(o.ClientOrderId))))
            .ToListAsync(cancellationToken);
        foreach (var order in orders)
        {
            var match = known.FirstOrDefault(o => o.ExchangeOrderId == order.Id)
                ?? known.FirstOrDefault(o => o.Origin == OrderRow.FromCoffer && order.ClientOrderId is not null && o.ClientOrderId == order.ClientOrderId);
            if (match is null)
            {
                var foreign = OrderNames.Foreign(row.UserId, row.Id, row.Exchange, order, now);
                db.Add(foreign);
                known.Add(foreign);
            }
            else
            {
                OrderNames.Apply(match, order, now);
            }
        }

        await db.SaveChangesAsync(cancellationToken);
        return orders.Count;
    }

    /// <summary>
    /// Orders recorded as open that the exchange no longer lists as open are read one by one to learn how they ended:
    /// history lists filter on creation time, so an order opened before the cursor and closed since is not in them.
    /// </summary>
    private async Task SettleNoLongerOpenAsync(ConnectionRow row, IExchangeClient client, IReadOnlyList<Order> open, CancellationToken cancellationToken)
    {
        var openIds = open.Select(o => o.Id).ToHashSet(StringComparer.Ordinal);
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var recorded = await db.Table<OrderRow>().Where(o => o.ConnectionId == row.Id && o.State == OrderStates.Open && o.ExchangeOrderId != null).ToListAsync(cancellationToken);

        // The longest untouched first, so orders the exchange cannot tell about do not crowd out the others every sync.
        var gone = recorded.Where(o => !openIds.Contains(o.ExchangeOrderId!)).OrderBy(o => o.UpdatedAt).Take(MaxSettledPerSync).ToList();
        try
        {
            foreach (var order in gone)
            {
                try
                {
                    OrderNames.Apply(order, await client.FetchOrderAsync(order.ExchangeOrderId!, order.Symbol, cancellationToken), StoredTime.Now(time));
                }
                catch (ExchangeException ex) when (ex.Kind == ExchangeErrorKind.NotFound)
                {
                    // Unknown to the exchange now (archived): its end is not known; it waits behind the others next time.
                    order.Error = "The exchange no longer lists this order as open and no longer knows it; how it ended is not known.";
                    order.UpdatedAt = StoredTime.Now(time);
                }
            }
        }
        finally
        {
            // What was learned before an exchange failure is kept; the failure is this part's coverage gap.
            await db.SaveChangesAsync(CancellationToken.None);
        }
    }

    private async Task<int> SaveTradesAsync(ConnectionRow row, IReadOnlyList<Trade> trades, IReadOnlyList<Market> markets, CancellationToken cancellationToken)
    {
        if (trades.Count == 0)
        {
            return 0;
        }

        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var ids = trades.Select(t => t.Id).ToList();
        var known = (await db.Table<TradeRow>().Where(t => t.ConnectionId == row.Id && ids.Contains(t.TradeId)).Select(t => t.Symbol + "\n" + t.TradeId).ToListAsync(cancellationToken))
            .ToHashSet(StringComparer.Ordinal);
        var bySymbol = markets.GroupBy(m => m.Symbol, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        foreach (var trade in trades)
        {
            if (!known.Add(trade.Symbol + "\n" + trade.Id))
            {
                continue;
            }

            var (@base, quote) = bySymbol.TryGetValue(trade.Symbol, out var market) ? (market.Base, market.Quote) : Split(trade.Symbol);
            db.Add(new TradeRow
            {
                Id = Guid.NewGuid(),
                UserId = row.UserId,
                ConnectionId = row.Id,
                Exchange = row.Exchange,
                TradeId = trade.Id,
                OrderId = trade.OrderId,
                Symbol = trade.Symbol,
                Base = @base,
                Quote = quote,
                Side = trade.Side is { } side ? OrderNames.Of(side) : null,
                Price = trade.Price,
                Amount = trade.Amount,
                Cost = trade.Cost ?? trade.Price * trade.Amount,
                FeeCurrency = trade.Fee?.Currency,
                FeeCost = trade.Fee?.Cost,
                TakerOrMaker = trade.TakerOrMaker?.ToString().ToLowerInvariant(),
                TradedAt = trade.Timestamp,
            });
        }

        await db.SaveChangesAsync(cancellationToken);
        return trades.Count;
    }

    private static (string Base, string Quote) Split(string symbol)
    {
        var slash = symbol.IndexOf('/', StringComparison.Ordinal);
        return slash < 0 ? (symbol, string.Empty) : (symbol[..slash], symbol[(slash + 1)..]);
    }

    private async Task<SyncResult> RecordAsync(ConnectionRow row, DateTimeOffset started, List<CoveragePart> parts, CancellationToken cancellationToken)
    {
        var finished = StoredTime.Now(time);
        var status = parts.All(p => p.Ok) ? SyncCoverageRow.Complete : parts.Any(p => p.Ok && p.Part != "history_scope") ? SyncCoverageRow.Partial : SyncCoverageRow.Failed;
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var coverage = await db.Table<SyncCoverageRow>().SingleOrDefaultAsync(c => c.ConnectionId == row.Id, cancellationToken);
        if (coverage is null)
        {
            coverage = new SyncCoverageRow { ConnectionId = row.Id, UserId = row.UserId, Status = status, Detail = string.Empty };
            db.Add(coverage);
        }

        coverage.Status = status;
        coverage.StartedAt = started;
        coverage.FinishedAt = finished;
        coverage.Detail = CoveragePart.ToJson(parts);
        if (status == SyncCoverageRow.Complete)
        {
            coverage.LastCompleteAt = finished;
        }

        await db.SaveChangesAsync(cancellationToken);
        return new SyncResult(row.Id, row.Exchange, row.Label, status, parts, finished);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sync of {Exchange} {Part} failed ({Kind}); recorded as a coverage gap")]
    private static partial void LogPartFailed(ILogger logger, string exchange, string part, ExchangeErrorKind kind);
}
