using System.Text.Json.Nodes;
using Coffer.Exchanges.Model;

namespace Coffer.Exchanges.Kraken;

/// <summary>
/// GetApiKeyInfo (https://docs.kraken.com/api/docs/rest-api/get-api-key-info): <c>permissions[]</c> and
/// <c>ipAllowlist[]</c>. The docs give no example answer and the schema's nesting is ambiguous (UNCONFIRMED), so the
/// fields are looked for at the top of the result or one object level down, as a list of names or a name → bool map.
/// What cannot be read fails closed: Coffer never assumes a key cannot withdraw.
/// </summary>
internal static class KrakenPermissions
{
    /// <summary>
    /// Rights that move funds without withdrawing them. add-/update-withdraw-address let a key register where funds go
    /// (a thief's first step, and with any withdrawal right the whole of it); earn-funds moves funds between the spot
    /// and earn wallets (Kraken's internal transfer, bonded staking can lock funds for days).
    /// </summary>
    private static readonly string[] TransferRights = ["add-withdraw-address", "update-withdraw-address", "earn-funds"];

    public static KeyPermissions Parse(JsonNode result)
    {
        var permissions = Names(Find(result, "permissions"))
            ?? throw new ExchangeException("kraken", ExchangeErrorKind.BadRequest, "Kraken's GetApiKeyInfo did not say what the key may do; Coffer cannot check that it cannot withdraw.", transient: false);
        var allowlistNode = Find(result, "ipAllowlist") ?? Find(result, "ip_allowlist");
        var allowlist = Names(allowlistNode) ?? [];
        bool Has(string name) => permissions.Contains(name, StringComparer.OrdinalIgnoreCase);

        return new KeyPermissions
        {
            CanRead = Has("query-funds") || Has("query-open-trades") || Has("query-closed-trades"),
            CanTrade = Has("modify-trades"),

            // Unknown names that sound like moving money count too: a new right must not slip past the check.
            CanWithdraw = Has("withdraw-funds") || permissions.Any(p => p.Contains("withdraw", StringComparison.OrdinalIgnoreCase) && !TransferRights.Contains(p, StringComparer.OrdinalIgnoreCase)),
            CanTransfer = TransferRights.Any(Has) || permissions.Any(p => p.Contains("transfer", StringComparison.OrdinalIgnoreCase)),
            IpRestricted = allowlistNode is null ? null : allowlist.Count > 0,
            IpAllowlist = allowlist,
            Reported = permissions,
        };
    }

    private static JsonNode? Find(JsonNode node, string name)
    {
        if (node is not JsonObject obj)
        {
            return null;
        }

        if (obj[name] is { } direct)
        {
            return direct;
        }

        foreach (var (_, child) in obj)
        {
            if (child is JsonObject inner && inner[name] is { } nested)
            {
                return nested;
            }
        }

        return null;
    }

    /// <summary>["a", "b"], [{"name": "a"}], {"a": true, "b": false} or "a,b" as a list of names; null when none of these.</summary>
    private static List<string>? Names(JsonNode? node) => node switch
    {
        JsonArray array => array
            .Select(x => x is JsonObject o ? KrakenParsing.Text(o["name"] ?? o["ip"] ?? o["value"]) : KrakenParsing.Text(x))
            .Where(x => !string.IsNullOrWhiteSpace(x))
            .Select(x => x!.Trim())
            .ToList(),
        JsonObject obj => obj.Where(p => p.Value is JsonValue v && v.TryGetValue<bool>(out var on) && on).Select(p => p.Key).ToList(),
        JsonValue value when KrakenParsing.Text(value) is { } text => text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList(),
        _ => null,
    };
}
