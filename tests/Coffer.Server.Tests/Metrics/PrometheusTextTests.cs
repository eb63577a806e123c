using System.Diagnostics.Metrics;
using Coffer.Server.Features.Metrics;

namespace Coffer.Server.Tests.Metrics;

/// <summary>The exposition writer and the collector, read back by a strict parser of the 0.0.4 text format.</summary>
public sealed class PrometheusTextTests
{
    [Fact]
    public void Write_LabelValuesWithBackslashQuoteAndNewline_AreEscapedAndReadBack()
    {
        var nasty = "a\\b\"c\nd";
        var text = PrometheusText.Write(
        [
            new MetricFamily("t_requests", "Help with \\ and\nnewline and \"quotes\".", MetricType.Counter, [new MetricSample([new("route", nasty)], 3)]),
        ]);

        Assert.Contains("t_requests_total{route=\"a\\\\b\\\"c\\nd\"} 3\n", text, StringComparison.Ordinal);
        Assert.Contains("# HELP t_requests Help with \\\\ and\\nnewline and \"quotes\".\n", text, StringComparison.Ordinal);
        var families = Exposition.Parse(text);
        Assert.Equal(nasty, families["t_requests"].Samples.Single().Labels["route"]);
        Assert.Equal("Help with \\ and\nnewline and \"quotes\".", families["t_requests"].Help);
        Assert.Equal("counter", families["t_requests"].Type);
    }

    [Fact]
    public void Write_Histogram_BucketsAreCumulativeEndInInfAndMatchCount()
    {
        var text = PrometheusText.Write(
        [
            new MetricFamily("t_seconds", "Latency.", MetricType.Histogram, [new MetricSample([new("route", "/x")], 7.5, [(0.1, 2), (1, 0), (5, 3), (double.PositiveInfinity, 1)], 6)]),
        ]);

        var lines = text.Split('\n');
        Assert.Equal(
            [
                "# HELP t_seconds Latency.",
                "# TYPE t_seconds histogram",
                "t_seconds_bucket{route=\"/x\",le=\"0.1\"} 2",
                "t_seconds_bucket{route=\"/x\",le=\"1\"} 2",
                "t_seconds_bucket{route=\"/x\",le=\"5\"} 5",
                "t_seconds_bucket{route=\"/x\",le=\"+Inf\"} 6",
                "t_seconds_sum{route=\"/x\"} 7.5",
                "t_seconds_count{route=\"/x\"} 6",
                string.Empty,
            ],
            lines);
        Exposition.Parse(text);
    }

    [Fact]
    public void Collect_MeasurementsOfOneMeter_OneHelpAndTypePerFamilyAndCumulativeHistograms()
    {
        using var meter = new Meter("coffer.test." + Guid.NewGuid());
        using var other = new Meter("coffer.other." + Guid.NewGuid());
        using var collector = new MetricsCollector(meter);
        var counter = meter.CreateCounter<long>("t_calls", description: "Calls.");
        var histogram = meter.CreateHistogram<double>("t_latency_seconds", "s", "Latency.", null, new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.1, 1] });
        var gauge = 0.0;
        meter.CreateObservableGauge("t_level", () => gauge, description: "Level.");
        other.CreateCounter<long>("t_foreign", description: "Not ours.").Add(1);
        counter.Add(2, new KeyValuePair<string, object?>("kind", "a"));
        counter.Add(3, new KeyValuePair<string, object?>("kind", "a"));
        counter.Add(1, new KeyValuePair<string, object?>("kind", "b"));
        foreach (var value in new[] { 0.05, 0.1, 0.5, 2, 3 })
        {
            histogram.Record(value, new KeyValuePair<string, object?>("route", "/r"));
        }

        gauge = 0.25;
        var text = PrometheusText.Write(collector.Collect());
        gauge = 1;
        var again = Exposition.Parse(PrometheusText.Write(collector.Collect()));

        var families = Exposition.Parse(text);
        Assert.DoesNotContain("t_foreign", text, StringComparison.Ordinal);
        Assert.Equal(5, families.Value("t_calls_total", ("kind", "a")));
        Assert.Equal(1, families.Value("t_calls_total", ("kind", "b")));
        Assert.Equal(2, families.Value("t_latency_seconds_bucket", ("route", "/r"), ("le", "0.1")));
        Assert.Equal(3, families.Value("t_latency_seconds_bucket", ("route", "/r"), ("le", "1")));
        Assert.Equal(5, families.Value("t_latency_seconds_bucket", ("route", "/r"), ("le", "+Inf")));
        Assert.Equal(5, families.Value("t_latency_seconds_count", ("route", "/r")));
        Assert.Equal(5.65, families.Value("t_latency_seconds_sum", ("route", "/r"))!.Value, 10);
        Assert.Equal(0.25, families.Value("t_level"));
        Assert.Equal(1, again.Value("t_level"));
        Assert.Equal(1, text.Split('\n').Count(l => l == "# TYPE t_calls counter"));
        Assert.Equal(1, text.Split('\n').Count(l => l.StartsWith("# HELP t_calls ", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData(double.PositiveInfinity, "+Inf")]
    [InlineData(double.NegativeInfinity, "-Inf")]
    [InlineData(double.NaN, "NaN")]
    [InlineData(0.1, "0.1")]
    [InlineData(1e21, "1E+21")]
    [InlineData(42, "42")]
    public void Number_SpecialAndOrdinaryValues_AreWrittenAsPrometheusReadsThem(double value, string expected) =>
        Assert.Equal(expected, PrometheusText.Number(value));
}
