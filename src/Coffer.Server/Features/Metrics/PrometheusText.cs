using System.Globalization;
using System.Text;

namespace Coffer.Server.Features.Metrics;

internal enum MetricType
{
    Counter,
    Gauge,
    Histogram,
}

/// <summary>One label set of a family and its value (counters, gauges) or buckets (histograms).</summary>
/// <param name="Labels">Label names and values, in the order written.</param>
/// <param name="Value">The counter's or gauge's value; for a histogram its sum.</param>
/// <param name="Buckets">Histogram only: each upper bound with the count of observations at or below it, not cumulated.</param>
/// <param name="Count">Histogram only: the number of observations.</param>
internal sealed record MetricSample(IReadOnlyList<KeyValuePair<string, string>> Labels, double Value, IReadOnlyList<(double UpperBound, long Count)>? Buckets = null, long Count = 0);

/// <summary>A metric family: one name, one HELP and TYPE line, its samples.</summary>
/// <param name="Name">The family's name; a counter's samples get <c>_total</c> appended.</param>
internal sealed record MetricFamily(string Name, string Help, MetricType Type, IReadOnlyList<MetricSample> Samples);

/// <summary>
/// The Prometheus text exposition format, version 0.0.4: <c># HELP</c> and <c># TYPE</c> once per family before its
/// samples; label values escape backslash, double quote and line feed; HELP text escapes backslash and line feed;
/// histograms write cumulative <c>_bucket{le="…"}</c> series ending in <c>le="+Inf"</c> (equal to <c>_count</c>), then
/// <c>_sum</c> and <c>_count</c>. Lines end with a line feed only.
/// </summary>
internal static class PrometheusText
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    public static string Write(IEnumerable<MetricFamily> families)
    {
        var text = new StringBuilder();
        foreach (var family in families)
        {
            text.Append("# HELP ").Append(family.Name).Append(' ').Append(EscapeHelp(family.Help)).Append('\n');
            text.Append("# TYPE ").Append(family.Name).Append(' ').Append(family.Type switch
            {
                MetricType.Counter => "counter",
                MetricType.Gauge => "gauge",
                _ => "histogram",
            }).Append('\n');
            foreach (var sample in family.Samples)
            {
                switch (family.Type)
                {
                    case MetricType.Counter:
                        Line(text, family.Name + "_total", sample.Labels, null, sample.Value);
                        break;
                    case MetricType.Gauge:
                        Line(text, family.Name, sample.Labels, null, sample.Value);
                        break;
                    default:
                        long cumulative = 0;
                        foreach (var (bound, count) in sample.Buckets ?? [])
                        {
                            if (double.IsPositiveInfinity(bound))
                            {
                                continue;
                            }

                            cumulative += count;
                            Line(text, family.Name + "_bucket", sample.Labels, Number(bound), cumulative);
                        }

                        Line(text, family.Name + "_bucket", sample.Labels, "+Inf", sample.Count);
                        Line(text, family.Name + "_sum", sample.Labels, null, sample.Value);
                        Line(text, family.Name + "_count", sample.Labels, null, sample.Count);
                        break;
                }
            }
        }

        return text.ToString();
    }

    /// <summary>A label value inside double quotes: <c>\</c> → <c>\\</c>, <c>"</c> → <c>\"</c>, line feed → <c>\n</c>.</summary>
    public static string EscapeLabelValue(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    /// <summary>HELP text: <c>\</c> → <c>\\</c>, line feed → <c>\n</c> (quotes stay as they are).</summary>
    public static string EscapeHelp(string help) =>
        help.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    /// <summary>A sample value as Go's ParseFloat reads it: shortest round-trip form, <c>+Inf</c>, <c>-Inf</c>, <c>NaN</c>.</summary>
    public static string Number(double value) => value switch
    {
        double.PositiveInfinity => "+Inf",
        double.NegativeInfinity => "-Inf",
        _ when double.IsNaN(value) => "NaN",
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };

    private static void Line(StringBuilder text, string name, IReadOnlyList<KeyValuePair<string, string>> labels, string? le, double value)
    {
        text.Append(name);
        if (labels.Count > 0 || le is not null)
        {
            text.Append('{');
            var first = true;
            foreach (var (key, labelValue) in labels)
            {
                text.Append(first ? string.Empty : ",").Append(key).Append("=\"").Append(EscapeLabelValue(labelValue)).Append('"');
                first = false;
            }

            if (le is not null)
            {
                text.Append(first ? string.Empty : ",").Append("le=\"").Append(le).Append('"');
            }

            text.Append('}');
        }

        text.Append(' ').Append(Number(value)).Append('\n');
    }
}
