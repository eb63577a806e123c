using Coffer.Exchanges;
using Coffer.Exchanges.Model;
using Coffer.Server.Data;
using Coffer.Server.Features.Connections;
using Coffer.Server.Features.Notifications;
using Coffer.Server.Features.Portfolio;
using Coffer.Vault;
using Microsoft.EntityFrameworkCore;

namespace Coffer.Server.Features.Trading;

/// <summary>
/// Settles every order Coffer recorded but has no answer for (DESIGN §6: none lost, none sent twice) — at start, which
/// is what recovers from a crash, and then every few seconds — by asking the exchange for its client order id: found,
/// the order takes the exchange's state; not there (and old enough that it is not still on its way), it was never
/// placed and is marked failed. Nothing is ever sent again. The same pass follows Coffer's open orders until final.
/// </summary>
internal sealed partial class OrderReconciler(
    IDbContextFactory<CofferDb> factory,
    ExchangeAccess access,
    PortfolioSync sync,
    CofferVault vault,
    TimeProvider time,
    ILogger<OrderReconciler> logger) : BackgroundService
{
    /// <summary>How long an unanswered order may still be on its way to the exchange before "not there" means "never placed".</summary>
    public static readonly TimeSpan InFlightGrace = TimeSpan.FromSeconds(10);

    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    /// <summary>Open orders are followed every this many passes (30 s): each look costs a list call per account (Binance: weight 80).</summary>
    public const int FollowEvery = 6;

    private int _pass;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        do
        {
            if (vault.IsSealed)
            {
                continue;
            }

            try
            {
                await ReconcileAsync(followOpen: _pass++ % FollowEvery == 0, stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException and not ObjectDisposedException)
            {
                LogFailed(logger, ex.GetType().Name);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>One pass over every connection with unconfirmed (and, with <paramref name="followOpen"/>, open) Coffer orders. Returns how many orders changed state.</summary>
    public async Task<int> ReconcileAsync(bool followOpen, CancellationToken cancellationToken)
    {
        List<OrderRow> pending;
        List<ConnectionRow> connections;
        await using (var db = await factory.CreateDbContextAsync(cancellationToken))
        {
            pending = await db.Table<OrderRow>().AsNoTracking()
                .Where(o => o.Origin == OrderRow.FromCoffer && (o.State == OrderStates.Recorded || o.State == OrderStates.Sent || (followOpen && o.State == OrderStates.Open)))
                .ToListAsync(cancellationToken);
            var ids = pending.Select(o => o.ConnectionId).Distinct().ToList();
            connections = await db.Table<ConnectionRow>().AsNoTracking().Where(c => ids.Contains(c.Id)).ToListAsync(cancellationToken);
        }

        var counts = await Task.WhenAll(connections.Select(c => ReconcileConnectionAsync(c, [.. pending.Where(o => o.ConnectionId == c.Id)], cancellationToken)));
        return counts.Sum();
    }

    private async Task<int> ReconcileConnectionAsync(ConnectionRow connection, List<OrderRow> orders, CancellationToken cancellationToken)
    {
        if (await access.OpenAsync(connection, cancellationToken) is not { } connector)
        {
            return 0;
        }

        var changed = 0;
        try
        {
            await connector.MarketsAsync(cancellationToken);
            var unconfirmed = orders.Where(o => OrderStates.IsUnconfirmed(o.State)).ToList();
            if (unconfirmed.Count > 0)
            {
                changed += await SettleAsync(connector, unconfirmed, cancellationToken);
            }

            var open = orders.Where(o => o.State == OrderStates.Open && o.ExchangeOrderId is not null).ToList();
            if (open.Count > 0)
            {
                // One call for every open order of the account, then one per order that is no longer open.
                var stillOpen = await connector.Client.FetchOpenOrdersAsync(null, cancellationToken);
                await sync.SaveOrdersAsync(connection, stillOpen, cancellationToken);
                var openIds = stillOpen.Select(o => o.Id).ToHashSet(StringComparer.Ordinal);
                foreach (var order in open.Where(o => !openIds.Contains(o.ExchangeOrderId!)))
                {
                    var final = await connector.Client.FetchOrderAsync(order.ExchangeOrderId!, order.Symbol, cancellationToken);
                    changed += await SaveAsync(order, row => OrderNames.Apply(row, final, StoredTime.Now(time)), cancellationToken);
                }
            }
        }
        catch (ExchangeException ex)
        {
            LogExchangeFailed(logger, connection.Exchange, connection.Id, ex.Kind);
        }

        return changed;
    }

    /// <summary>
    /// Settles unconfirmed orders with a few list calls rather than one lookup each (after a crash there may be hundreds,
    /// and Kraken allows a private call every three seconds): the account's open orders, and its closed orders since the
    /// oldest of them (per symbol where the exchange requires it), matched by client order id. Only when a list may be
    /// incomplete (a full page) is an order missing from it looked up by itself. An order on neither, old enough not to
    /// be on its way still, was never placed.
    /// </summary>
    private async Task<int> SettleAsync(ExchangeAccess.Connector connector, List<OrderRow> unconfirmed, CancellationToken cancellationToken)
    {
        const int Page = 500;
        var found = new Dictionary<string, Order>(StringComparer.Ordinal);
        void Add(IEnumerable<Order> listed)
        {
            foreach (var o in listed.Where(o => !string.IsNullOrEmpty(o.ClientOrderId)))
            {
                found[o.ClientOrderId!] = o;
            }
        }

        Add(await connector.Client.FetchOpenOrdersAsync(null, cancellationToken));
        var since = unconfirmed.Min(o => o.CreatedAt) - TimeSpan.FromMinutes(5);
        var complete = true;
        IEnumerable<string?> symbols = connector.Info.HistoryPerSymbol ? unconfirmed.Select(o => (string?)o.Symbol).Distinct(StringComparer.Ordinal) : [null];
        foreach (var symbol in symbols)
        {
            var closed = await connector.Client.FetchClosedOrdersAsync(symbol, since, Page, cancellationToken);
            complete &= closed.Count < Page;
            Add(closed);
        }

        var changed = 0;
        var now = time.GetUtcNow();
        foreach (var order in unconfirmed)
        {
            var match = found.GetValueOrDefault(order.ClientOrderId!);
            if (match is null && !complete)
            {
                match = await connector.Client.FetchOrderByClientOrderIdAsync(order.ClientOrderId!, order.Symbol, cancellationToken);
            }

            if (match is not null)
            {
                changed += await SaveAsync(order, row => OrderNames.Apply(row, match, StoredTime.Now(time)), cancellationToken);
            }
            else if (now - order.UpdatedAt > InFlightGrace)
            {
                changed += await SaveAsync(order, row =>
                {
                    row.State = OrderStates.Failed;
                    row.Error = "Never placed: the exchange has no order with this client order id (Coffer stopped, or lost the connection, before the order reached it). It will not be sent again; place it anew if you still want it.";
                    row.UpdatedAt = StoredTime.Now(time);
                }, cancellationToken);
                LogNeverPlaced(logger, order.Exchange, order.Id);
            }
        }

        return changed;
    }

    private async Task<int> SaveAsync(OrderRow order, Action<OrderRow> change, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var row = await db.Table<OrderRow>().SingleAsync(o => o.Id == order.Id, cancellationToken);
        var before = row.State;
        change(row);
        await db.SaveChangesAsync(cancellationToken);
        return before == row.State ? 0 : 1;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Order reconciliation failed ({Error}); it runs again shortly")]
    private static partial void LogFailed(ILogger logger, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reconciling orders of {Exchange} connection {Connection} failed ({Kind}); trying again shortly")]
    private static partial void LogExchangeFailed(ILogger logger, string exchange, Guid connection, ExchangeErrorKind kind);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Order {Order} on {Exchange} was never placed; marked failed")]
    private static partial void LogNeverPlaced(ILogger logger, string exchange, Guid order);
}
