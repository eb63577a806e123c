using System.Diagnostics.Metrics;
using System.Globalization;

namespace Coffer.Server.Features.Metrics;

/// <summary>
/// Aggregates the measurements of one <see cref="Meter"/> (this server's: two servers in one process do not see each
/// other's) with a <see cref="MeterListener"/>: counters and up-down counters are summed per label set, histograms
/// bucketed by the bounds their instrument advises, observable gauges read at each <see cref="Collect"/>.
/// </summary>
internal sealed class MetricsCollector : IDisposable
{
    /// <summary>Seconds, for a histogram that advises none: Prometheus client defaults.</summary>
    private static readonly double[] DefaultBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private readonly MeterListener _listener;
    private readonly Lock _collectLock = new();
    private readonly List<InstrumentState> _instruments = [];

    public MetricsCollector(Meter meter)
    {
        _listener = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (!ReferenceEquals(instrument.Meter, meter))
                {
                    return;
                }

                var state = new InstrumentState(instrument);
                lock (_instruments)
                {
                    _instruments.Add(state);
                }

                listener.EnableMeasurementEvents(instrument, state);
            },
        };
        _listener.SetMeasurementEventCallback<long>((_, value, tags, state) => ((InstrumentState)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<int>((_, value, tags, state) => ((InstrumentState)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<double>((_, value, tags, state) => ((InstrumentState)state!).Record(value, tags));
        _listener.Start();
    }

    /// <summary>Every family, sorted by name, with its label sets sorted too, so the output is stable.</summary>
    public IReadOnlyList<MetricFamily> Collect()
    {
        lock (_collectLock)
        {
            List<InstrumentState> instruments;
            lock (_instruments)
            {
                instruments = [.. _instruments];
            }

            foreach (var gauge in instruments.Where(x => x.Observable))
            {
                gauge.Clear();
            }

            _listener.RecordObservableInstruments();
            return [.. instruments.Select(x => x.Snapshot()).OrderBy(x => x.Name, StringComparer.Ordinal)];
        }
    }

    public void Dispose() => _listener.Dispose();

    private sealed class InstrumentState
    {
        private readonly Instrument _instrument;
        private readonly MetricType _type;
        private readonly double[] _bounds;
        private readonly Dictionary<string, Cell> _cells = new(StringComparer.Ordinal);

        public InstrumentState(Instrument instrument)
        {
            _instrument = instrument;
            var definition = instrument.GetType().IsGenericType ? instrument.GetType().GetGenericTypeDefinition() : instrument.GetType();
            _type = definition == typeof(Counter<>) || definition == typeof(ObservableCounter<>) ? MetricType.Counter
                : definition == typeof(Histogram<>) ? MetricType.Histogram
                : MetricType.Gauge;
            Observable = instrument.IsObservable;
            _bounds = instrument is Histogram<double> { Advice.HistogramBucketBoundaries: { } advised } ? [.. advised] : DefaultBuckets;
        }

        public bool Observable { get; }

        public string Name => _instrument.Name;

        /// <summary>Observed values replace (gauges, observable counters: they report the total); others add up.</summary>
        public void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var labels = new KeyValuePair<string, string>[tags.Length];
            for (var i = 0; i < tags.Length; i++)
            {
                labels[i] = new(tags[i].Key, Convert.ToString(tags[i].Value, CultureInfo.InvariantCulture) ?? string.Empty);
            }

            Array.Sort(labels, (a, b) => string.CompareOrdinal(a.Key, b.Key));
            var key = string.Join('\u0001', labels.Select(x => x.Key + '\u0002' + x.Value));
            lock (_cells)
            {
                if (!_cells.TryGetValue(key, out var cell))
                {
                    cell = new Cell(labels, _type == MetricType.Histogram ? new long[_bounds.Length + 1] : null);
                    _cells[key] = cell;
                }

                if (Observable)
                {
                    cell.Value = value;
                }
                else if (cell.Buckets is { } buckets)
                {
                    // Bucket i counts observations in (bound[i-1], bound[i]]; the last one those above every bound.
                    var index = Array.BinarySearch(_bounds, value);
                    buckets[index >= 0 ? index : ~index]++;
                    cell.Value += value;
                    cell.Count++;
                }
                else
                {
                    cell.Value += value;
                }
            }
        }

        public void Clear()
        {
            lock (_cells)
            {
                _cells.Clear();
            }
        }

        public MetricFamily Snapshot()
        {
            lock (_cells)
            {
                var samples = _cells.OrderBy(x => x.Key, StringComparer.Ordinal).Select(x => new MetricSample(
                    x.Value.Labels,
                    x.Value.Value,
                    x.Value.Buckets is { } buckets ? [.. _bounds.Select((bound, i) => (bound, buckets[i])), (double.PositiveInfinity, buckets[^1])] : null,
                    x.Value.Count)).ToList();
                return new MetricFamily(_instrument.Name, _instrument.Description ?? _instrument.Name, _type, samples);
            }
        }
    }

    private sealed class Cell(KeyValuePair<string, string>[] labels, long[]? buckets)
    {
        public KeyValuePair<string, string>[] Labels => labels;

        public long[]? Buckets => buckets;

        public double Value { get; set; }

        public long Count { get; set; }
    }
}
