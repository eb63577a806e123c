using System.Collections.Concurrent;
using System.Globalization;
using Coffer.Server.Data;
using Microsoft.EntityFrameworkCore;

namespace Coffer.Server.Features.Perimeter;

/// <summary>What the ledger decided for one request.</summary>
/// <param name="Allowed">Whether the request is within the day's quota.</param>
/// <param name="Remaining">Requests left today as far as this node knows (exact with a lease of 1).</param>
internal readonly record struct QuotaDecision(bool Allowed, long Remaining);

/// <summary>
/// The daily quotas' counters, shared by every node (DESIGN §8: shared counters back the limits) through the
/// <c>request_quotas</c> table, one row per partition and UTC day. A node takes a lease of
/// <see cref="DailyQuotaSettings.LeaseSize"/> requests with one atomic <c>INSERT … ON CONFLICT … DO UPDATE … RETURNING</c>
/// and hands them out from memory; the returned total says which range of the counter is this node's, so no two nodes
/// ever hand out the same request and the sum never passes the quota. Once the counter is past the quota a node
/// remembers it for the rest of the day: an exhausted token hammering the server costs no writes.
/// </summary>
internal sealed class QuotaLedger(IDbContextFactory<CofferDb> factory)
{
    /// <summary>Rows older than this are of no use to anyone and are deleted when a node sees a new day.</summary>
    private const int KeepDays = 2;

    private readonly ConcurrentDictionary<(string Partition, DateOnly Day), Lease> _leases = new();
    private readonly Lock _dayLock = new();
    private DateOnly _today;

    public async ValueTask<QuotaDecision> TakeAsync(string partition, DateOnly day, int quota, int leaseSize, CancellationToken cancellationToken)
    {
        var lease = _leases.GetOrAdd((partition, day), static _ => new Lease());
        if (lease.TryTake(quota) is { } fast)
        {
            return fast;
        }

        await lease.Gate.WaitAsync(cancellationToken);
        try
        {
            // Another request may have renewed the lease while this one waited.
            if (lease.TryTake(quota) is { } renewed)
            {
                return renewed;
            }

            await RollOverAsync(day, cancellationToken);
            var block = Math.Clamp(leaseSize, 1, Math.Max(1, quota));
            var total = await IncrementAsync(partition, day, block, cancellationToken);
            return lease.Renew(total, block, quota);
        }
        finally
        {
            lease.Gate.Release();
        }
    }

    /// <summary>The first lease of a new day forgets yesterday's leases here and old rows in the table.</summary>
    private async Task RollOverAsync(DateOnly day, CancellationToken cancellationToken)
    {
        lock (_dayLock)
        {
            if (day <= _today)
            {
                return;
            }

            _today = day;
        }

        foreach (var key in _leases.Keys.Where(k => k.Day < day))
        {
            _leases.TryRemove(key, out _);
        }

        var cutoff = Text(day.AddDays(-KeepDays));
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        await db.Database.ExecuteSqlAsync($"DELETE FROM request_quotas WHERE day < {cutoff}", cancellationToken);
    }

    /// <summary>Adds <paramref name="block"/> to the day's counter and returns the new total; one statement, atomic on both providers.</summary>
    private async Task<long> IncrementAsync(string partition, DateOnly day, int block, CancellationToken cancellationToken)
    {
        var text = Text(day);
        long amount = block;
        await using var db = await factory.CreateDbContextAsync(cancellationToken);

        // Not composed (no LINQ on top), so EF sends the statement as written: PostgreSQL does not allow
        // INSERT … RETURNING inside a subquery.
        var totals = await db.Database.SqlQuery<long>(
            $"INSERT INTO request_quotas (partition_key, day, count) VALUES ({partition}, {text}, {amount}) ON CONFLICT (partition_key, day) DO UPDATE SET count = request_quotas.count + excluded.count RETURNING count AS \"Value\"")
            .ToListAsync(cancellationToken);
        return totals.Single();
    }

    /// <summary>ISO 8601 calendar date: sorts and compares as text on both providers.</summary>
    private static string Text(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>One partition's day on this node: what it may still hand out, and how far the shared counter was.</summary>
#pragma warning disable CA1001 // The gate is never disposed: a request of the old day may still hold it when its lease is dropped, and a SemaphoreSlim whose wait handle is never read holds nothing to release.
    private sealed class Lease
#pragma warning restore CA1001
    {
        public readonly SemaphoreSlim Gate = new(1, 1);
        private readonly Lock _sync = new();
        private long _left;
        private long _total;
        private bool _exhausted;

        public QuotaDecision? TryTake(int quota)
        {
            lock (_sync)
            {
                if (_left > 0)
                {
                    _left--;
                    return new QuotaDecision(true, Remaining(quota));
                }

                // Every value of the counter up to the quota is leased, by this node or others: nothing more today.
                return _exhausted || _total >= quota ? new QuotaDecision(false, 0) : null;
            }
        }

        /// <summary>This node now owns counter values (total − block, total]; those above the quota are not handed out.</summary>
        public QuotaDecision Renew(long total, int block, int quota)
        {
            lock (_sync)
            {
                _total = total;
                _left = Math.Clamp(quota - (total - block), 0, block);
                if (_left == 0)
                {
                    _exhausted = true;
                    return new QuotaDecision(false, 0);
                }

                _left--;
                return new QuotaDecision(true, Remaining(quota));
            }
        }

        // What every node together has not leased yet, plus what this node still holds.
        private long Remaining(int quota) => Math.Max(0, quota - Math.Min(_total, quota) + _left);
    }
}
