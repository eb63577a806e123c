using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace Coffer.Bench;

/// <summary>Percentile columns (p50, p95, p99) in microseconds, for the round-trip benchmarks.</summary>
public sealed class RoundTripConfig : ManualConfig
{
    public RoundTripConfig()
    {
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

    /// <summary>Real wall time; elapsed time (what rate-limit windows measure) runs 1000× fast.</summary>
    internal sealed class FastElapsedTime : TimeProvider
    {
        public override long GetTimestamp() => base.GetTimestamp() * 1000;
    }
}
