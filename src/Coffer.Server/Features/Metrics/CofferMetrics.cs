using System.Diagnostics.Metrics;
using Coffer.Exchanges.Transport;
using Coffer.Server.Data;
using Coffer.Server.Features.Connections;
using Coffer.Server.Features.Portfolio;
using Coffer.Vault;
using Microsoft.EntityFrameworkCore;

namespace Coffer.Server.Features.Metrics;

/// <summary>
/// The server's instruments, all on one <see cref="Meter"/> from this host's <see cref="IMeterFactory"/>, and the
/// collector that reads them for <c>/metrics</c>. Labels are fixed words, route templates, status codes, exchange ids
/// and rule names: never a token, accessor, user, id, label or address (DESIGN §9: log identifiers, never payloads —
/// and metrics carry not even the identifiers).
/// </summary>
internal sealed class CofferMetrics : IDisposable
{
    public const string MeterName = "Coffer";

    /// <summary>Seconds; Coffer's own endpoints answer in milliseconds, the slowest (exchange-bound) in seconds.</summary>
    private static readonly double[] RequestBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private readonly Counter<long> _requests;
    private readonly Histogram<double> _duration;
    private readonly Counter<long> _authFailures;
    private readonly Counter<long> _rateLimited;
    private readonly Counter<long> _tokenUses;
    private readonly Counter<long> _anomalies;
    private volatile IReadOnlyList<SyncLag> _syncLag = [];
    private int _gaugesObserved;

    public CofferMetrics(IMeterFactory factory)
    {
        Meter = factory.Create(MeterName);
        Collector = new MetricsCollector(Meter);
        _requests = Meter.CreateCounter<long>("coffer_http_requests", description: "HTTP requests answered, by method, route template (never the raw path) and status code.");
        _duration = Meter.CreateHistogram<double>(
            "coffer_http_request_duration_seconds",
            unit: "s",
            description: "Time to answer HTTP requests in seconds, by method and route template.",
            tags: null,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = RequestBuckets });
        _authFailures = Meter.CreateCounter<long>("coffer_auth_failures", description: "Requests whose credential was refused, by reason (invalid: malformed, unknown, revoked or expired; ip_denied; not_bearer; cookie_not_session; dpop: a DPoP-bound token without a valid proof, or an unbound one sent as DPoP).");
        _rateLimited = Meter.CreateCounter<long>("coffer_rate_limited_requests", description: "Requests answered 429 by the rate limiter, by policy (interactive, api, anonymous, per_ip).");
        _tokenUses = Meter.CreateCounter<long>("coffer_token_uses", description: "Requests authenticated by a token, by token kind.");
        _anomalies = Meter.CreateCounter<long>("coffer_anomalies", description: "Anomaly rules that fired (after the cool-down), by rule (new_ip_range, auth_failure_burst, rate_spike) and response (notify, freeze, seal).");
        Exchanges = new ExchangeMetrics(Meter);
    }

    public Meter Meter { get; }

    public MetricsCollector Collector { get; }

    public ExchangeMetrics Exchanges { get; }

    public void Request(string method, string route, int status, TimeSpan elapsed)
    {
        _requests.Add(1, new("method", method), new("route", route), new("status", status.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        _duration.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("method", method), new KeyValuePair<string, object?>("route", route));
    }

    public void AuthFailure(string reason) => _authFailures.Add(1, new KeyValuePair<string, object?>("reason", reason));

    public void RateLimited(string policy) => _rateLimited.Add(1, new KeyValuePair<string, object?>("policy", policy));

    public void Anomaly(string rule, string response) => _anomalies.Add(1, new KeyValuePair<string, object?>("rule", rule), new KeyValuePair<string, object?>("response", response));

    public void TokenUse(string kind) => _tokenUses.Add(1, new KeyValuePair<string, object?>("kind", kind));

    /// <summary>The gauges that read other services' state; once, when the endpoints are mapped (they need the vault, which needs this).</summary>
    public void ObserveGauges(CofferVault vault, RequestBudgets budgets)
    {
        if (Interlocked.Exchange(ref _gaugesObserved, 1) == 1)
        {
            return;
        }

        Meter.CreateObservableGauge("coffer_vault_sealed", () => vault.IsSealed ? 1 : 0, description: "1 while the vault is sealed (no key material in memory), 0 while unsealed.");
        Meter.CreateObservableGauge("coffer_vault_initialized", () => vault.Status.Initialized ? 1 : 0, description: "1 once the vault is initialized.");
        Meter.CreateObservableGauge(
            "coffer_exchange_budget_used_ratio",
            () => Budget(budgets).Select(x => new Measurement<double>(x.Used, x.Labels)),
            description: "Share of an exchange rate-limit rule's documented capacity in use now (0 to 1), the highest over the accounts and addresses it is counted for, by exchange and rule.");
        Meter.CreateObservableGauge(
            "coffer_exchange_budget_capacity",
            () => Budget(budgets).Select(x => new Measurement<double>(x.Capacity, x.Labels)),
            description: "Documented capacity of an exchange rate-limit rule (weight per window), by exchange and rule.");
        Meter.CreateObservableGauge(
            "coffer_sync_lag_seconds",
            () => _syncLag.Where(x => x.LagSeconds is not null).Select(x => new Measurement<double>(x.LagSeconds!.Value, new KeyValuePair<string, object?>("exchange", x.Exchange))),
            description: "Seconds since the last successful portfolio sync, the longest over the exchange's active connections that have had one, by exchange.");
        Meter.CreateObservableGauge(
            "coffer_sync_unsynced_connections",
            () => _syncLag.Select(x => new Measurement<int>(x.Unsynced, new KeyValuePair<string, object?>("exchange", x.Exchange))),
            description: "Active connections that have never had a successful portfolio sync, by exchange.");
    }

    /// <summary>
    /// Reads each active connection's last successful sync (complete or partial) before a scrape: the gauge callbacks
    /// run synchronously and must not touch the database themselves. Aggregated per exchange: the worst lag and the
    /// count of never-synced connections.
    /// </summary>
    public async Task RefreshSyncLagAsync(IDbContextFactory<CofferDb> factory, TimeProvider time, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var connections = await db.Table<ConnectionRow>().AsNoTracking()
            .Where(x => x.Status == ConnectionRow.Active)
            .Select(x => new { x.Id, x.Exchange })
            .ToListAsync(cancellationToken);
        var coverage = (await db.Table<SyncCoverageRow>().AsNoTracking()
            .Select(x => new { x.ConnectionId, x.Status, x.FinishedAt, x.LastCompleteAt })
            .ToListAsync(cancellationToken))
            .ToDictionary(x => x.ConnectionId);
        var now = time.GetUtcNow();
        _syncLag = [.. connections
            .GroupBy(x => x.Exchange, StringComparer.Ordinal)
            .Select(group =>
            {
                var last = group.Select(c => coverage.TryGetValue(c.Id, out var row)
                    ? row.Status == SyncCoverageRow.Failed ? row.LastCompleteAt : row.FinishedAt
                    : null).ToList();
                var lags = last.Where(x => x is not null).Select(x => Math.Max(0, (now - x!.Value).TotalSeconds)).ToList();
                return new SyncLag(group.Key, lags.Count > 0 ? lags.Max() : null, last.Count(x => x is null));
            })];
    }

    /// <summary>The meter itself belongs to the host's <see cref="IMeterFactory"/>, which disposes it.</summary>
    public void Dispose() => Collector.Dispose();

    private static IEnumerable<(double Used, double Capacity, KeyValuePair<string, object?>[] Labels)> Budget(RequestBudgets budgets) =>
        budgets.Usage()
            .GroupBy(x => (x.Exchange, x.Rule))
            .Select(group => (
                group.Max(x => x.Capacity > 0 ? x.Used / x.Capacity : 0),
                group.Max(x => x.Capacity),
                new KeyValuePair<string, object?>[] { new("exchange", group.Key.Exchange), new("rule", group.Key.Rule) }));

    private sealed record SyncLag(string Exchange, double? LagSeconds, int Unsynced);
}
