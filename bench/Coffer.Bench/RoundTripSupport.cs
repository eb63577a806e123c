using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace Coffer.Bench;

/// <summary>
/// The round-trip benchmarks measure one call per iteration (monitoring strategy, invocation count 1), 3000 of them after
/// 300 warm-up calls, so that the p50, p95 and p99 columns are of single round trips, in microseconds, not of averages.
/// No forced collection between iterations: with one call per iteration it would be measured as a cold cache each time.
/// In process: a loopback sandbox is part of the benchmark's own state.
/// </summary>
public sealed class RoundTripConfig : ManualConfig
{
    public RoundTripConfig()
    {
        AddJob(Job.Default
            .WithStrategy(RunStrategy.Monitoring)
            .WithInvocationCount(1)
            .WithUnrollFactor(1)
            .WithGcForce(false)
            .WithWarmupCount(300)
            .WithIterationCount(3000)
            .WithToolchain(InProcessEmitToolchain.Instance));
        AddColumn(StatisticColumn.P50, StatisticColumn.P95, new RoundTripSupport.P99Column());
        WithSummaryStyle(SummaryStyle.Default.WithTimeUnit(Perfolizer.Horology.TimeUnit.Microsecond));
    }
}

/// <summary>What the sandbox round-trip benchmarks share.</summary>
internal static class RoundTripSupport
{
    /// <summary>BenchmarkDotNet's columns stop at P95; the 99th percentile of the measured operations, in microseconds.</summary>
    internal sealed class P99Column : IColumn
    {
        public string Id => "P99us";

        public string ColumnName => "P99 [us]";

        public bool AlwaysShow => true;

        public ColumnCategory Category => ColumnCategory.Statistics;

        public int PriorityInCategory => 10;

        public bool IsNumeric => true;

        public UnitType UnitType => UnitType.Dimensionless;

        public string Legend => "99th percentile of the operation times, in microseconds";

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, summary.Style);

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) =>
            summary[benchmarkCase]?.ResultStatistics is { } stats
                ? (stats.Percentiles.Percentile(99) / 1000).ToString("N1", CultureInfo.InvariantCulture)
                : "NA";

        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

        public bool IsAvailable(Summary summary) => true;
    }

    /// <summary>Removes Binance's usage headers from answers, so the sandbox's real-minute weight count does not throttle the loop.</summary>
    internal sealed class NoUsageHeaders(HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            response.Headers.Remove("X-MBX-USED-WEIGHT-1M");
            response.Headers.Remove("X-SAPI-USED-IP-WEIGHT-1M");
            return response;
        }
    }

    /// <summary>
    /// Real wall time and timers; elapsed time (what rate-limit windows and counters measure) runs a million times fast,
    /// so a connector's documented limits (Kraken's 15-call counter, Binance's 6000 weight a minute) are never reached by
    /// a loop of sub-millisecond calls and no call waits: a wait the budget computed would be slept in real time.
    /// Counted from the first reading, so that the scaled timestamps do not overflow (good for hours).
    /// </summary>
    internal sealed class FastElapsedTime : TimeProvider
    {
        private const long Factor = 1_000_000;
        private readonly long _start = System.GetTimestamp();

        public override long GetTimestamp() => (base.GetTimestamp() - _start) * Factor;
    }
}
