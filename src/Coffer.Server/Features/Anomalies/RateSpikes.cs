using System.Collections.Concurrent;
using System.Globalization;
using Coffer.Server.Hosting;

namespace Coffer.Server.Features.Anomalies;

/// <summary>
/// The endpoint-rate-spike rule: per token and route template (as the metrics label routes), requests are counted in
/// fixed windows of <see cref="AnomalySettings.RateWindow"/>, and each finished window (idle ones count as zero) moves
/// an exponential moving average. The rule fires when the current window's count exceeds both
/// <see cref="AnomalySettings.RateFactor"/> times that average and <see cref="AnomalySettings.RateFloor"/>, once the
/// token's baseline is established. Kept in memory on each node: behind a load balancer each node sees its share of a
/// token's traffic and judges that share against its own average, so the floor is per node too.
/// </summary>
internal sealed class RateSpikes(ServerSettings settings)
{
    /// <summary>Weight of the newest window in the average: about the last ten windows matter.</summary>
    private const double Alpha = 0.2;
    private const int MaxSeries = 200_000;
    private readonly ConcurrentDictionary<(string Accessor, string Route), Series> _series = new();

    private AnomalySettings Rules => settings.Anomalies;

    public AnomalyFinding? Observe(string accessor, Guid userId, string route, string? clientIp, bool established, DateTimeOffset now)
    {
        if (Rules.RateSpike == AnomalyResponse.Off)
        {
            return null;
        }

        if (_series.Count >= MaxSeries)
        {
            _series.Clear();
        }

        var window = now.ToUnixTimeMilliseconds() / (long)Rules.RateWindow.TotalMilliseconds;
        var series = _series.GetOrAdd((accessor, route), _ => new Series(window));
        int count;
        double average;
        lock (series)
        {
            if (window > series.Window)
            {
                series.Average = series.Finished == 0 ? series.Count : (series.Average * (1 - Alpha)) + (series.Count * Alpha);
                var idle = window - series.Window - 1;
                series.Average *= Math.Pow(1 - Alpha, Math.Min(idle, 1000));
                series.Finished += 1 + idle;
                series.Window = window;
                series.Count = 0;
            }

            series.Count++;
            count = series.Count;
            average = series.Average;
        }

        // Only a series with a finished window has an average; a route's first window is its baseline.
        var finished = series.Finished > 0;
        if (!established || !finished || count <= Rules.RateFloor || count <= Rules.RateFactor * average)
        {
            return null;
        }

        var seconds = Rules.RateWindow.TotalSeconds.ToString(CultureInfo.InvariantCulture);
        var averageText = average.ToString("0.##", CultureInfo.InvariantCulture);
        return new AnomalyFinding(
            AnomalyRules.RateSpike,
            $"{accessor}|{route}",
            userId,
            accessor,
            clientIp,
            $"Token {accessor} made {count} requests to {route} within {seconds} seconds; its average is {averageText} per {seconds} seconds.",
            [
                new("route", route),
                new("count", count.ToString(CultureInfo.InvariantCulture)),
                new("average", averageText),
                new("window_seconds", seconds),
                new("factor", Rules.RateFactor.ToString(CultureInfo.InvariantCulture)),
                new("floor", Rules.RateFloor.ToString(CultureInfo.InvariantCulture)),
            ]);
    }

    private sealed class Series(long window)
    {
        public long Window { get; set; } = window;

        public int Count { get; set; }

        public double Average { get; set; }

        public long Finished { get; set; }
    }
}
