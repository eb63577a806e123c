using System.Text.Json;
using System.Text.Json.Serialization;

namespace Coffer.Server.Features.Portfolio;

/// <summary>One part of a connection's sync: what was asked for (balances, open orders, the history of one symbol), and whether it came.</summary>
/// <param name="Part">balances, open_orders, closed_orders, trades, markets.</param>
/// <param name="Symbol">The market, for history fetched per symbol; null for the whole account.</param>
/// <param name="Ok">Whether it was fetched completely.</param>
/// <param name="Items">How many items it brought.</param>
/// <param name="Reason">Why it was not fetched (or not completely), in words the user can act on.</param>
internal sealed record CoveragePart(string Part, string? Symbol, bool Ok, int Items, string? Reason = null)
{
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static string ToJson(IReadOnlyList<CoveragePart> parts) => JsonSerializer.Serialize(parts, Json);

    public static IReadOnlyList<CoveragePart> FromJson(string json) => JsonSerializer.Deserialize<List<CoveragePart>>(json, Json) ?? [];
}

/// <summary>What one sync of one connection did.</summary>
internal sealed record SyncResult(Guid ConnectionId, string Exchange, string Label, string Status, IReadOnlyList<CoveragePart> Parts, DateTimeOffset FinishedAt);
