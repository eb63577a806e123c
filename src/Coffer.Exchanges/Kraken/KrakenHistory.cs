using System.Globalization;
using System.Text.Json.Nodes;
using Coffer.Exchanges.Model;
using Coffer.Exchanges.Transport;

namespace Coffer.Exchanges.Kraken;

/// <summary>
/// Kraken's history lists (TradesHistory, ClosedOrders; docs.kraken.com/api/docs/rest-api/get-trade-history) answer
/// 50 items a page, newest first, with the total <c>count</c> and an <c>ofs</c> offset. Coffer's contract is the
/// oldest first from <c>since</c> (<see cref="IExchangeClient.FetchMyTradesAsync"/>): with more than one page, the pages
/// are read from the oldest end, the range pinned with <c>end</c> at the first answer's newest item so that items
/// arriving meanwhile do not shift the offsets under the reader.
/// </summary>
internal sealed partial class KrakenClient
{
    /// <summary>Items per page of Kraken's history lists.</summary>
    internal const int HistoryPage = 50;

    private async Task<List<T>> HistoryAsync<T>(
        string method,
        string list,
        RateCost cost,
        DateTimeOffset? since,
        int? limit,
        Func<string, JsonNode, T> parse,
        Func<T, bool> wanted,
        Func<T, DateTimeOffset> timeOf,
        Func<T, string> idOf,
        CancellationToken cancellationToken)
    {
        List<KeyValuePair<string, string>> bounds = since is { } from ? [new("start", KrakenParsing.Seconds(from))] : [];
        var (first, count) = await HistoryPageAsync(method, list, cost, bounds, parse, cancellationToken);
        var items = new Dictionary<string, T>(StringComparer.Ordinal);
        foreach (var item in first)
        {
            items.TryAdd(idOf(item), item);
        }

        if (first.Count > 0 && count > first.Count)
        {
            // Whole seconds on the wire (Kraken takes integer bounds; end is inclusive): the ceiling keeps the newest item in.
            var newest = first.Max(timeOf);
            List<KeyValuePair<string, string>> pinned = [.. bounds, new("end", Math.Ceiling(newest.ToUnixTimeMilliseconds() / 1000m).ToString(CultureInfo.InvariantCulture))];

            // The first answer was the newest page; the oldest are read now, and that page again only if they reach it.
            items.Clear();
            // An item landing inside the pinned range (the same second as the newest) shifts every offset: read again.
            for (var pass = 0; pass < 3; pass++)
            {
                var expected = count;
                var ofs = count;
                while (ofs > 0 && count == expected && (limit is not { } n || items.Values.Count(wanted) < n))
                {
                    ofs = Math.Max(0, ofs - HistoryPage);
                    var (page, total) = await HistoryPageAsync(method, list, cost, [.. pinned, new("ofs", ofs.ToString(CultureInfo.InvariantCulture))], parse, cancellationToken);
                    foreach (var item in page)
                    {
                        items.TryAdd(idOf(item), item);
                    }

                    count = total;
                }

                if (count == expected)
                {
                    break;
                }
            }
        }

        var oldestFirst = items.Values.Where(wanted).OrderBy(timeOf).ThenBy(idOf, StringComparer.Ordinal);
        return limit is { } max ? [.. oldestFirst.Take(max)] : [.. oldestFirst];
    }

    private async Task<(List<T> Items, int Count)> HistoryPageAsync<T>(string method, string list, RateCost cost, List<KeyValuePair<string, string>> fields, Func<string, JsonNode, T> parse, CancellationToken cancellationToken)
    {
        var result = Object(await PrivateAsync(method, fields, [cost], null, cancellationToken), method);
        var items = new List<T>();
        if (result[list] is JsonObject map)
        {
            foreach (var (id, node) in map)
            {
                if (node is not null)
                {
                    items.Add(parse(id, node));
                }
            }
        }

        var count = KrakenParsing.Number(result["count"]) is { } c ? (int)Math.Min(c, int.MaxValue) : items.Count;
        return (items, count);
    }
}
