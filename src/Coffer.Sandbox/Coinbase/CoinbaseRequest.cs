using System.Globalization;
using System.Text.Json;
using Coffer.Sandbox.Engine;
using Coffer.Sandbox.Keys;

namespace Coffer.Sandbox.Coinbase;

/// <summary>One Advanced Trade request: its query (repeatable parameters), its JSON body, and the key its JWT proved.</summary>
internal sealed class CoinbaseRequest(HttpContext context, SandboxState state, CoinbaseIds ids, JsonElement? body)
{
    public HttpContext Context { get; } = context;

    public SandboxState State { get; } = state;

    public CoinbaseIds Ids { get; } = ids;

    public MatchingEngine Engine => State.Engine;

    /// <summary>The JSON body of a POST; null if it was empty or not JSON.</summary>
    public JsonElement? Body { get; } = body;

    /// <summary>Set by the wrapper on private endpoints once the JWT and the permission are checked.</summary>
    public SandboxKey? Key { get; set; }

    public string Account => Key?.Account ?? throw new InvalidOperationException("Not a private endpoint.");

    public string? Route(string name) => Context.Request.RouteValues.TryGetValue(name, out var value) ? value as string : null;

    public string? Query(string name) => Context.Request.Query.TryGetValue(name, out var values) && values.Count > 0 && values[0] is { Length: > 0 } v ? v : null;

    /// <summary>A repeatable parameter (<c>order_status=OPEN&amp;order_status=FILLED</c>); comma lists are accepted too.</summary>
    public IReadOnlyList<string> QueryAll(string name) =>
        Context.Request.Query.TryGetValue(name, out var values)
            ? [.. values.SelectMany(v => (v ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))]
            : [];

    /// <summary>An RFC 3339 time parameter (<c>start_date</c>, <c>start_sequence_timestamp</c>, …): false when it is not one.</summary>
    public bool TryTime(string name, out DateTimeOffset? time)
    {
        time = null;
        if (Query(name) is not { } text)
        {
            return true;
        }

        if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed))
        {
            return false;
        }

        time = parsed;
        return true;
    }

    /// <summary>An integer parameter in [1, <paramref name="max"/>]; absent = <paramref name="fallback"/>; bad = null.</summary>
    public int? Limit(int fallback, int max)
    {
        if (Query("limit") is not { } text)
        {
            return fallback;
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var limit) && limit >= 0
            ? Math.Clamp(limit == 0 ? fallback : limit, 1, max)
            : null;
    }
}
