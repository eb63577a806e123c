using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Primitives;

namespace Coffer.Server.Features.Audit;

/// <summary>
/// The query string of <c>GET /api/v1/audit</c> and <c>/export</c>: <c>after_seq</c>, <c>limit</c> (list only, 1–1000,
/// default 100), <c>action</c> (exact, or a prefix as <c>sys.*</c>), <c>actor</c>, <c>since</c> (inclusive) and
/// <c>until</c> (exclusive) as ISO 8601 times. Anything else, or a parameter given twice, is refused: a misspelt
/// filter silently ignored would return the wrong records.
/// </summary>
internal sealed partial record AuditQuery(long AfterSeq, int Limit, string? Action, bool ActionIsPrefix, string? Actor, DateTimeOffset? Since, DateTimeOffset? Until)
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;
    private const int MaxFilterLength = 200;

    public static bool TryParse(IQueryCollection query, bool paged, [NotNullWhen(true)] out AuditQuery? result, [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(query);
        result = null;
        string[] known = paged ? ["after_seq", "limit", "action", "actor", "since", "until"] : ["after_seq", "action", "actor", "since", "until"];
        foreach (var (key, values) in query)
        {
            if (!known.Contains(key, StringComparer.Ordinal))
            {
                error = $"Unknown query parameter '{Shorten(key)}'; this endpoint takes {string.Join(", ", known)}.";
                return false;
            }

            if (values.Count != 1)
            {
                error = $"Give '{key}' once.";
                return false;
            }
        }

        long afterSeq = 0;
        if (Value(query, "after_seq") is { } after && (!long.TryParse(after, NumberStyles.None, CultureInfo.InvariantCulture, out afterSeq)))
        {
            error = "after_seq must be a whole number of 0 or more (the seq of the last record already seen).";
            return false;
        }

        var limit = DefaultLimit;
        if (Value(query, "limit") is { } text && (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > MaxLimit))
        {
            error = $"limit must be a whole number from 1 to {MaxLimit}.";
            return false;
        }

        var action = Value(query, "action");
        var prefix = false;
        if (action is not null)
        {
            if (!ActionFilter().IsMatch(action))
            {
                error = "action must be an action name such as sys.seal, or a prefix such as sys.*.";
                return false;
            }

            if (action.EndsWith(".*", StringComparison.Ordinal))
            {
                prefix = true;
                action = action[..^1]; // keep the dot: sys.* matches sys.seal, not sysfoo
            }
        }

        var actor = Value(query, "actor");
        if (actor is { Length: 0 or > MaxFilterLength })
        {
            error = $"actor must be a token accessor, 'system' or 'anonymous' (1 to {MaxFilterLength} characters).";
            return false;
        }

        if (!TryTime(query, "since", out var since, out error) || !TryTime(query, "until", out var until, out error))
        {
            return false;
        }

        if (since is not null && until is not null && since > until)
        {
            error = "since must not be later than until.";
            return false;
        }

        result = new AuditQuery(afterSeq, limit, action, prefix, actor, since, until);
        error = null;
        return true;
    }

    /// <summary>The matching records, in seq order (the limit is the caller's to apply).</summary>
    public IQueryable<AuditRecordRow> Apply(IQueryable<AuditRecordRow> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (AfterSeq > 0)
        {
            rows = rows.Where(r => r.Seq > AfterSeq);
        }

        if (Action is { } action)
        {
            rows = ActionIsPrefix ? rows.Where(r => r.Action.StartsWith(action)) : rows.Where(r => r.Action == action);
        }

        if (Actor is { } actor)
        {
            rows = rows.Where(r => r.Actor == actor);
        }

        if (Since is { } since)
        {
            rows = rows.Where(r => r.OccurredAt >= since);
        }

        if (Until is { } until)
        {
            rows = rows.Where(r => r.OccurredAt < until);
        }

        return rows.OrderBy(r => r.Seq);
    }

    private static string? Value(IQueryCollection query, string key) => query.TryGetValue(key, out StringValues values) ? values[0] : null;

    private static bool TryTime(IQueryCollection query, string key, out DateTimeOffset? time, [NotNullWhen(false)] out string? error)
    {
        time = null;
        error = null;
        if (Value(query, key) is not { } text)
        {
            return true;
        }

        // ISO 8601 / RFC 3339, e.g. 2025-06-01T12:00:00Z; a time without an offset is taken as UTC.
        if (text.Length > 64 || !DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed)
            || !text.Contains('-', StringComparison.Ordinal))
        {
            error = $"{key} must be an ISO 8601 time such as 2025-06-01T12:00:00Z.";
            return false;
        }

        time = parsed.ToUniversalTime();
        return true;
    }

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";

    [GeneratedRegex("^[a-z0-9_]+(\\.[a-z0-9_]+)*(\\.\\*)?$", RegexOptions.CultureInvariant)]
    private static partial Regex ActionFilter();
}
