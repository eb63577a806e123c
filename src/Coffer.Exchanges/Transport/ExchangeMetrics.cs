using System.Diagnostics.Metrics;

namespace Coffer.Exchanges.Transport;

/// <summary>
/// What <see cref="ExchangeTransport"/> counts of every call: by exchange and outcome, with its latency. The labels are
/// the exchange id and a fixed outcome word only: never an account, key, path or query.
/// </summary>
internal sealed class ExchangeMetrics
{
    /// <summary>Seconds; exchange calls take tens of milliseconds to the 15 s timeout.</summary>
    private static readonly double[] Buckets = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15];

    private readonly Counter<long> _calls;
    private readonly Histogram<double> _duration;

    public ExchangeMetrics(Meter meter)
    {
        _calls = meter.CreateCounter<long>("coffer_exchange_calls", description: "Calls to exchanges by exchange and outcome (ok, rate_limited, throttled, client_error, server_error, timeout, unreachable, cancelled).");
        _duration = meter.CreateHistogram<double>(
            "coffer_exchange_call_duration_seconds",
            unit: "s",
            description: "Latency of exchange calls in seconds, from sending the request to reading the whole answer, by exchange.",
            tags: null,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = Buckets });
    }

    public void Record(string exchange, string outcome, TimeSpan elapsed)
    {
        _calls.Add(1, new KeyValuePair<string, object?>("exchange", exchange), new KeyValuePair<string, object?>("outcome", outcome));
        _duration.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("exchange", exchange));
    }

    /// <summary>The outcome word of an answer the exchange gave.</summary>
    public static string OutcomeOf(int status, bool throttled) => status switch
    {
        429 or 418 => "rate_limited",
        >= 500 => "server_error",
        >= 400 => "client_error",
        _ => throttled ? "throttled" : "ok",
    };
}
