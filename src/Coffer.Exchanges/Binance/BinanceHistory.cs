using System.Globalization;
using System.Text.Json;
using Coffer.Exchanges.Model;

namespace Coffer.Exchanges.Binance;

/// <summary>
/// Binance's history lists (allOrders, myTrades) given <c>startTime</c> alone answer the oldest items from it, up to
/// <c>limit</c> (≤ 1000); a full page means there may be more, asked for from the last item's time (startTime is
/// inclusive, so repeats are dropped by id). This gives Coffer's contract: the oldest first from <c>since</c>, at most
/// <c>limit</c>, fewer only when nothing is left.
/// </summary>
internal sealed partial class BinanceClient
{
    private const int HistoryPage = 1000;

    private async Task<List<T>> ForwardAsync<T>(
        string path,
        string symbolId,
        DateTimeOffset since,
        int? limit,
        Func<JsonElement, T> parse,
        Func<T, bool> wanted,
        Func<T, DateTimeOffset> timeOf,
        Func<T, string> idOf,
        CancellationToken cancellationToken)
    {
        var items = new Dictionary<string, T>(StringComparer.Ordinal);
        var from = since;
        while (true)
        {
            List<KeyValuePair<string, string>> parameters =
            [
                new("symbol", symbolId),
                new("startTime", from.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture)),
                new("limit", HistoryPage.ToString(CultureInfo.InvariantCulture)),
            ];
            using var doc = await SignedAsync(HttpMethod.Get, path, parameters, BinanceRateLimits.Weight(20), cancellationToken);
            var page = doc.RootElement.ValueKind == JsonValueKind.Array ? doc.RootElement.EnumerateArray().Select(parse).ToList() : [];
            foreach (var item in page)
            {
                items.TryAdd(idOf(item), item);
            }

            var last = page.Count == 0 ? from : page.Max(timeOf);
            if (page.Count < HistoryPage || last <= from || (limit is { } n && items.Values.Count(wanted) >= n))
            {
                break;
            }

            from = last;
        }

        var oldestFirst = items.Values.Where(wanted).OrderBy(timeOf).ThenBy(idOf, StringComparer.Ordinal);
        return limit is { } max ? [.. oldestFirst.Take(max)] : [.. oldestFirst];
    }
}
