using System.Globalization;
using System.Text;

namespace Coffer.Server.Tests.Metrics;

/// <summary>
/// A strict reader of the Prometheus text format 0.0.4, written from the format's description rather than from the
/// server's writer: HELP and TYPE at most once per family and before its samples, every sample named after a declared
/// family (<c>_total</c> for counters; <c>_bucket</c>, <c>_sum</c>, <c>_count</c> for histograms), label values
/// unescaped (<c>\\</c>, <c>\"</c>, <c>\n</c> only), histogram buckets cumulative and ending in <c>+Inf</c> = <c>_count</c>.
/// </summary>
internal static class Exposition
{
    internal sealed record Sample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);

    internal sealed class Family(string name)
    {
        public string Name => name;

        public string? Help { get; set; }

        public string? Type { get; set; }

        public List<Sample> Samples { get; } = [];
    }

    public static Dictionary<string, Family> Parse(string text)
    {
        Assert.DoesNotContain('\r', text);
        Assert.EndsWith("\n", text, StringComparison.Ordinal);
        var families = new Dictionary<string, Family>(StringComparer.Ordinal);
        foreach (var line in text[..^1].Split('\n'))
        {
            if (line.StartsWith("# HELP ", StringComparison.Ordinal) || line.StartsWith("# TYPE ", StringComparison.Ordinal))
            {
                var rest = line[7..];
                var space = rest.IndexOf(' ', StringComparison.Ordinal);
                var name = rest[..space];
                var family = families.TryGetValue(name, out var known) ? known : families[name] = new Family(name);
                Assert.Empty(family.Samples);
                if (line[2] == 'H')
                {
                    Assert.Null(family.Help);
                    family.Help = UnescapeHelp(rest[(space + 1)..]);
                }
                else
                {
                    Assert.Null(family.Type);
                    family.Type = rest[(space + 1)..];
                    Assert.Contains(family.Type, new[] { "counter", "gauge", "histogram", "summary", "untyped" });
                }

                continue;
            }

            Assert.False(line.StartsWith('#'), $"Unexpected comment: {line}");
            var sample = ParseSample(line);
            var owner = families.Values.SingleOrDefault(f => f.Type switch
            {
                "counter" => sample.Name == f.Name + "_total",
                "histogram" => sample.Name == f.Name + "_bucket" || sample.Name == f.Name + "_sum" || sample.Name == f.Name + "_count",
                _ => sample.Name == f.Name,
            });
            Assert.True(owner is not null, $"Sample of no declared family: {line}");
            owner.Samples.Add(sample);
        }

        foreach (var family in families.Values.Where(f => f.Type == "histogram"))
        {
            CheckHistogram(family);
        }

        return families;
    }

    /// <summary>The value of the one sample with this name and these labels (others may exist), or null.</summary>
    public static double? Value(this Dictionary<string, Family> families, string sampleName, params (string Key, string Value)[] labels) =>
        families.Values.SelectMany(f => f.Samples)
            .Where(s => s.Name == sampleName && labels.All(l => s.Labels.TryGetValue(l.Key, out var v) && v == l.Value))
            .Select(s => (double?)s.Value)
            .SingleOrDefault();

    private static void CheckHistogram(Family family)
    {
        foreach (var series in family.Samples.GroupBy(s => string.Join(",", s.Labels.Where(l => l.Key != "le").OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => l.Key + "=" + l.Value))))
        {
            var buckets = series.Where(s => s.Name.EndsWith("_bucket", StringComparison.Ordinal)).ToList();
            Assert.NotEmpty(buckets);
            Assert.Equal("+Inf", buckets[^1].Labels["le"]);
            var previousBound = double.NegativeInfinity;
            var previousCount = 0.0;
            foreach (var bucket in buckets)
            {
                var bound = bucket.Labels["le"] == "+Inf" ? double.PositiveInfinity : double.Parse(bucket.Labels["le"], CultureInfo.InvariantCulture);
                Assert.True(bound > previousBound, $"{family.Name}: bucket bounds not increasing");
                Assert.True(bucket.Value >= previousCount, $"{family.Name}: buckets not cumulative");
                previousBound = bound;
                previousCount = bucket.Value;
            }

            Assert.Equal(buckets[^1].Value, series.Single(s => s.Name.EndsWith("_count", StringComparison.Ordinal)).Value);
            Assert.Single(series, s => s.Name.EndsWith("_sum", StringComparison.Ordinal));
        }
    }

    private static Sample ParseSample(string line)
    {
        var i = 0;
        while (i < line.Length && (char.IsAsciiLetterOrDigit(line[i]) || line[i] is '_' or ':'))
        {
            i++;
        }

        var name = line[..i];
        Assert.True(name.Length > 0 && !char.IsAsciiDigit(name[0]), $"Bad metric name: {line}");
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (i < line.Length && line[i] == '{')
        {
            i++;
            while (line[i] != '}')
            {
                var start = i;
                while (char.IsAsciiLetterOrDigit(line[i]) || line[i] == '_')
                {
                    i++;
                }

                var key = line[start..i];
                Assert.True(key.Length > 0 && line[i] == '=' && line[i + 1] == '"', $"Bad label: {line}");
                i += 2;
                var value = new StringBuilder();
                while (line[i] != '"')
                {
                    if (line[i] == '\\')
                    {
                        i++;
                        value.Append(line[i] switch
                        {
                            '\\' => '\\',
                            '"' => '"',
                            'n' => '\n',
                            _ => throw new Xunit.Sdk.XunitException($"Bad escape \\{line[i]} in: {line}"),
                        });
                    }
                    else
                    {
                        value.Append(line[i]);
                    }

                    i++;
                }

                Assert.True(labels.TryAdd(key, value.ToString()), $"Label {key} twice: {line}");
                i++;
                if (line[i] == ',')
                {
                    i++;
                }
            }

            i++;
        }

        Assert.True(i < line.Length && line[i] == ' ', $"No value: {line}");
        var text = line[(i + 1)..];
        var number = text switch
        {
            "+Inf" => double.PositiveInfinity,
            "-Inf" => double.NegativeInfinity,
            "NaN" => double.NaN,
            _ => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture),
        };
        return new Sample(name, labels, number);
    }

    private static string UnescapeHelp(string help)
    {
        var text = new StringBuilder();
        for (var i = 0; i < help.Length; i++)
        {
            if (help[i] != '\\')
            {
                text.Append(help[i]);
                continue;
            }

            i++;
            text.Append(help[i] switch
            {
                '\\' => '\\',
                'n' => '\n',
                _ => throw new Xunit.Sdk.XunitException($"Bad escape in HELP: {help}"),
            });
        }

        return text.ToString();
    }
}
