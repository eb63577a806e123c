using System.Collections.Concurrent;
using System.Net;
using Coffer.Server.Data;
using Coffer.Server.Hosting;
using Microsoft.EntityFrameworkCore;

namespace Coffer.Server.Features.Anomalies;

/// <summary>
/// The new-ip-range rule and the learning period the other token rules share. A token's baseline starts when any node
/// first sees it (a row in <c>anomaly_baselines</c>) and is established once that is <see cref="AnomalySettings.LearningPeriod"/>
/// ago and this node has seen at least <see cref="AnomalySettings.LearningRequests"/> of its requests. That moment is
/// written once, and a node that reads the token afterwards (a new node, a restart) takes it as established without
/// learning again. Until then every range it comes from is learned. After,
/// a range it never came from fires the rule once: the range is stored (across nodes, the insert that wins fires) and
/// is known from then on, so one new place means one alarm, not one per request.
/// Each node caches what it read; a row is written only when something is new — never once per request.
/// </summary>
internal sealed class TokenBaselines(IDbContextFactory<CofferDb> factory, ServerSettings settings)
{
    private const int MaxTokens = 100_000;
    private readonly ConcurrentDictionary<string, Baseline> _tokens = new(StringComparer.Ordinal);

    private AnomalySettings Rules => settings.Anomalies;

    /// <summary>Counts one authenticated request; returns whether the token's baseline is established, and a finding when its range is new.</summary>
    public async Task<(bool Established, AnomalyFinding? Finding)> ObserveAsync(string accessor, Guid userId, IPAddress? client, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var baseline = await LoadAsync(accessor, now, cancellationToken);
        var nowMs = now.ToUnixTimeMilliseconds();
        bool establishNow;
        bool established;
        lock (baseline)
        {
            baseline.Requests++;
            establishNow = baseline.EstablishedAt is null
                && baseline.Requests >= Rules.LearningRequests
                && nowMs - baseline.StartedAt >= (long)Rules.LearningPeriod.TotalMilliseconds;
            if (establishNow)
            {
                baseline.EstablishedAt = nowMs;
            }

            established = baseline.EstablishedAt is not null;
        }

        if (establishNow)
        {
            await using var db = await factory.CreateDbContextAsync(cancellationToken);
            await db.Table<AnomalyBaselineRow>()
                .Where(x => x.Accessor == accessor && x.EstablishedAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.EstablishedAt, nowMs), cancellationToken);
        }

        if (IpRange.Of(client) is not { } range)
        {
            return (established, null);
        }

        lock (baseline)
        {
            if (baseline.Ranges.Contains(range))
            {
                return (established, null);
            }
        }

        int inserted;
        await using (var db = await factory.CreateDbContextAsync(cancellationToken))
        {
            var learned = !established;
            inserted = await db.Database.ExecuteSqlAsync(
                $"INSERT INTO anomaly_ip_ranges (accessor, ip_range, first_seen_at, learned) VALUES ({accessor}, {range}, {nowMs}, {learned}) ON CONFLICT DO NOTHING",
                cancellationToken);
        }

        lock (baseline)
        {
            baseline.Ranges.Add(range);
        }

        if (inserted == 0 || !established || Rules.NewIpRange == AnomalyResponse.Off)
        {
            return (established, null);
        }

        int known;
        lock (baseline)
        {
            known = baseline.Ranges.Count - 1;
        }

        return (established, new AnomalyFinding(
            AnomalyRules.NewIpRange,
            $"{accessor}|{range}",
            userId,
            accessor,
            IpRange.Text(client),
            $"Token {accessor} was used from {IpRange.Text(client)}, in the range {range}, which it had never been used from (it knew {known} range{(known == 1 ? string.Empty : "s")}).",
            [new("ip_range", range), new("known_ranges", known.ToString(System.Globalization.CultureInfo.InvariantCulture))]));
    }

    private async Task<Baseline> LoadAsync(string accessor, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (_tokens.TryGetValue(accessor, out var cached))
        {
            return cached;
        }

        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var row = await db.Table<AnomalyBaselineRow>().AsNoTracking().SingleOrDefaultAsync(x => x.Accessor == accessor, cancellationToken);
        if (row is null)
        {
            // Another node may insert the same token at the same moment: the first row stands, and is read back.
            var startedAt = now.ToUnixTimeMilliseconds();
            await db.Database.ExecuteSqlAsync(
                $"INSERT INTO anomaly_baselines (accessor, started_at) VALUES ({accessor}, {startedAt}) ON CONFLICT DO NOTHING",
                cancellationToken);
            row = await db.Table<AnomalyBaselineRow>().AsNoTracking().SingleAsync(x => x.Accessor == accessor, cancellationToken);
        }

        var ranges = await db.Table<AnomalyIpRangeRow>().AsNoTracking().Where(x => x.Accessor == accessor).Select(x => x.IpRange).ToListAsync(cancellationToken);
        if (_tokens.Count >= MaxTokens)
        {
            // Bounded: forgetting a token costs only a re-read of its rows (and its node-local request count).
            _tokens.Clear();
        }

        return _tokens.GetOrAdd(accessor, _ => new Baseline(row.StartedAt, row.EstablishedAt, [.. ranges]));
    }

    private sealed class Baseline(long startedAt, long? establishedAt, HashSet<string> ranges)
    {
        public long StartedAt { get; } = startedAt;

        public long? EstablishedAt { get; set; } = establishedAt;

        public HashSet<string> Ranges { get; } = ranges;

        public int Requests { get; set; }
    }
}
