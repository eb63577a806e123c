using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace Coffer.Server.Features.Trading;

/// <summary>
/// Filters and keyset paging shared by order and trade history: newest first; <c>cursor</c> is the opaque position after
/// the last item of the previous page (its time, and how many items of that same time were already given), so pages
/// stay stable while newer items arrive.
/// </summary>
internal sealed record HistoryQuery(Guid? ConnectionId, string? Exchange, string? Symbol, string? Side, string? State, DateTimeOffset? Since, DateTimeOffset? Until, int Limit, (DateTimeOffset Time, int Skip)? After)
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;

    /// <summary>Reads the query string; null and an error message when a value is malformed.</summary>
    public static (HistoryQuery? Query, string? Error) From(HttpRequest request)
    {
        var q = request.Query;
        Guid? connection = null;
        if (q.TryGetValue("connection_id", out var c) && !string.IsNullOrEmpty(c))
        {
            if (!Guid.TryParse(c, out var id))
            {
                return (null, "connection_id must be a connection's id.");
            }

            connection = id;
        }

        var side = Text(q["side"]);
        if (side is not (null or "buy" or "sell"))
        {
            return (null, "side must be buy or sell.");
        }

        if (!Time(q["since"], out var since) || !Time(q["until"], out var until))
        {
            return (null, "since and until must be ISO 8601 times, e.g. 2026-01-31T00:00:00Z.");
        }

        var limit = DefaultLimit;
        if (Text(q["limit"]) is { } l && (!int.TryParse(l, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > MaxLimit))
        {
            return (null, $"limit must be 1 to {MaxLimit}.");
        }

        (DateTimeOffset, int)? after = null;
        if (Text(q["cursor"]) is { } cursor)
        {
            if (Decode(cursor) is not { } position)
            {
                return (null, "cursor is not one this server gave out; start again without it.");
            }

            after = position;
        }

        return (new HistoryQuery(connection, Text(q["exchange"]), Text(q["symbol"])?.ToUpperInvariant(), side, Text(q["state"] is { Count: > 0 } s ? s : q["status"]), since, until, limit, after), null);
    }

    public static string Encode(DateTimeOffset time, int skip) =>
        Base64Url.EncodeToString(Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{time.UtcTicks}.{skip}")));

    /// <summary>
    /// One page of <paramref name="rows"/> (already filtered), newest first, and the cursor of the next. Ties in time are
    /// ordered by id, which the database orders the same way every time.
    /// </summary>
    public async Task<(List<T> Items, string? Next)> PageAsync<T>(IQueryable<T> rows, System.Linq.Expressions.Expression<Func<T, DateTimeOffset>> timeOf, Func<T, DateTimeOffset> time, System.Linq.Expressions.Expression<Func<T, Guid>> idOf, CancellationToken cancellationToken)
    {
        if (After is { } after)
        {
            var parameter = timeOf.Parameters[0];
            var before = System.Linq.Expressions.Expression.Lambda<Func<T, bool>>(
                System.Linq.Expressions.Expression.LessThanOrEqual(timeOf.Body, System.Linq.Expressions.Expression.Constant(after.Time)), parameter);
            rows = rows.Where(before);
        }

        var ordered = rows.OrderByDescending(timeOf).ThenByDescending(idOf);
        var skip = After?.Skip ?? 0;
        var items = await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.ToListAsync(ordered.Skip(skip).Take(Limit + 1), cancellationToken);
        if (items.Count <= Limit)
        {
            return (items, null);
        }

        items.RemoveAt(items.Count - 1);
        var last = time(items[^1]);
        // Items of the last item's time already given: on this page, plus those skipped before it when the page began at that time.
        var sameTime = items.Count(i => time(i) == last) + (After is { } a && a.Time == last ? a.Skip : 0);
        return (items, Encode(last, sameTime));
    }

    private static (DateTimeOffset, int)? Decode(string cursor)
    {
        try
        {
            var parts = Encoding.ASCII.GetString(Base64Url.DecodeFromChars(cursor)).Split('.');
            return parts.Length == 2 && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks) && ticks is > 0 and < 3155378975999999999
                && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var skip) && skip is >= 0 and <= 1_000_000
                ? (new DateTimeOffset(ticks, TimeSpan.Zero), skip)
                : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static string? Text(Microsoft.Extensions.Primitives.StringValues value) =>
        value.Count == 1 && !string.IsNullOrWhiteSpace(value[0]) ? value[0]!.Trim() : null;

    private static bool Time(Microsoft.Extensions.Primitives.StringValues value, out DateTimeOffset? time)
    {
        time = null;
        if (Text(value) is not { } text)
        {
            return true;
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
        {
            time = parsed.ToUniversalTime();
            return true;
        }

        return false;
    }
}
