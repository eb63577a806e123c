using System.Globalization;
using System.Text.Json.Nodes;
using Coffer.Exchanges.Model;

namespace Coffer.Exchanges.Tests.Conformance;

/// <summary>How a CCXT markets file writes precision: as digit counts (Binance's fixtures) or as tick sizes.</summary>
internal enum CcxtPrecisionMode
{
    DecimalPlaces,
    TickSize,
}

/// <summary>Reads CCXT's market definitions (<c>ccxt/markets/&lt;exchange&gt;.json</c>) into Coffer's markets, spot only.</summary>
internal static class CcxtMarkets
{
    public static IReadOnlyList<Market> Load(string exchange, CcxtPrecisionMode mode)
    {
        var markets = new List<Market>();
        foreach (var (symbol, node) in ConformanceData.Load("ccxt", "markets", exchange + ".json").AsObject())
        {
            if (node is null || node["spot"]?.GetValue<bool>() != true)
            {
                continue;
            }

            var precision = node["precision"];
            var limits = node["limits"];
            var extra = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var key in new[] { "altname", "wsId", "lowercaseId" })
            {
                if (node[key] is JsonValue value && value.TryGetValue<string>(out var text))
                {
                    extra[key] = text;
                }
            }

            markets.Add(new Market
            {
                Symbol = symbol,
                Id = Text(node["id"])!,
                Base = Text(node["base"])!,
                Quote = Text(node["quote"])!,
                BaseId = Text(node["baseId"])!,
                QuoteId = Text(node["quoteId"])!,
                Active = node["active"]?.GetValue<bool?>() ?? true,
                AmountStep = Step(precision?["amount"], mode),
                PriceTick = Step(precision?["price"], mode),
                MinAmount = Number(limits?["amount"]?["min"]),
                MaxAmount = Number(limits?["amount"]?["max"]),
                MinPrice = Number(limits?["price"]?["min"]),
                MaxPrice = Number(limits?["price"]?["max"]),
                MinCost = Number(limits?["cost"]?["min"]),
                MaxCost = Number(limits?["cost"]?["max"]),
                Maker = Number(node["maker"]),
                Taker = Number(node["taker"]),
                Extra = extra,
            });
        }

        return markets;
    }

    // A JsonValue built from a long (CcxtShape writes timestamps as longs) converts to decimal or double only when it
    // was parsed from JSON text; read longs and ints as such, or every timestamp compares as null.
    public static decimal? Number(JsonNode? node) => node is JsonValue value
        ? value.TryGetValue<decimal>(out var number) ? number
        : value.TryGetValue<long>(out var whole) ? whole
        : value.TryGetValue<int>(out var small) ? small
        : value.TryGetValue<double>(out var d) ? (decimal)d
        : value.TryGetValue<string>(out var text) && decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) ? parsed
        : null
        : null;

    private static string? Text(JsonNode? node) => node?.GetValue<string>();

    private static decimal Step(JsonNode? node, CcxtPrecisionMode mode)
    {
        var value = Number(node) ?? 0;
        return mode == CcxtPrecisionMode.DecimalPlaces ? Precision.StepOfDecimals((int)value) : value;
    }
}
