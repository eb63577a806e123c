using System.Text;
using System.Text.Json.Nodes;
using Coffer.Exchanges.Model;

namespace Coffer.Exchanges.Tests.Conformance;

/// <summary>One CCXT fixture case and how Coffer did on it.</summary>
internal sealed record FixtureOutcome(string Exchange, string Kind, string Method, string Description, string? Failure, string? NotApplicable = null)
{
    public bool Passed => Failure is null && NotApplicable is null;

    /// <summary>Counts towards the pass rate: not a case Coffer's unified API cannot even express.</summary>
    public bool Applicable => NotApplicable is null;

    /// <summary>How the case is named in the known-gaps list: "request createOrder: description".</summary>
    public string Key => $"{Kind} {Method}: {Description}";
}

/// <summary>
/// Runs the CCXT request and response fixtures of one exchange against a real connector (spot cases of the unified
/// methods Coffer implements; disabled cases skipped, as CCXT does), and reports per method.
/// </summary>
internal static class ConformanceSuite
{
    /// <summary>Creates the connector under test over an HTTP client, with the fixture markets already loaded.</summary>
    internal delegate IExchangeClient ClientFactory(HttpClient http, IReadOnlyList<Market> markets);

    public static async Task<List<FixtureOutcome>> RunAsync(string exchange, CcxtPrecisionMode mode, ClientFactory create)
    {
        var markets = CcxtMarkets.Load(exchange, mode);
        var outcomes = new List<FixtureOutcome>();
        outcomes.AddRange(await RunRequestsAsync(exchange, markets, create));
        outcomes.AddRange(await RunResponsesAsync(exchange, markets, create));
        return outcomes;
    }

    /// <summary>The table of pass counts per method, for the test output.</summary>
    public static string Table(IEnumerable<FixtureOutcome> outcomes)
    {
        var text = new StringBuilder();
        text.AppendLine("| exchange | kind | method | passed | total | n/a |").AppendLine("|---|---|---|---|---|---|");
        foreach (var group in outcomes.GroupBy(o => (o.Exchange, o.Kind, o.Method)).OrderBy(g => g.Key.Exchange).ThenBy(g => g.Key.Kind).ThenBy(g => g.Key.Method, StringComparer.Ordinal))
        {
            text.AppendLine(System.Globalization.CultureInfo.InvariantCulture, $"| {group.Key.Exchange} | {group.Key.Kind} | {group.Key.Method} | {group.Count(o => o.Passed)} | {group.Count(o => o.Applicable)} | {group.Count(o => !o.Applicable)} |");
        }

        var all = outcomes.ToList();
        text.AppendLine(System.Globalization.CultureInfo.InvariantCulture, $"| all | | | {all.Count(o => o.Passed)} | {all.Count(o => o.Applicable)} | {all.Count(o => !o.Applicable)} |");
        foreach (var failed in all.Where(o => o.Applicable && !o.Passed))
        {
            text.AppendLine(System.Globalization.CultureInfo.InvariantCulture, $"FAILED {failed.Key} — {failed.Failure}");
        }

        foreach (var skipped in all.Where(o => !o.Applicable))
        {
            text.AppendLine(System.Globalization.CultureInfo.InvariantCulture, $"N/A {skipped.Key} — {skipped.NotApplicable}");
        }

        return text.ToString();
    }

    /// <summary>The issue's bar: at least 90% of the applicable fixtures of each exchange pass.</summary>
    public const double RequiredRate = 0.9;

    /// <summary>
    /// Every failure is a documented gap (listed with its reason in the test project's README) — a new failure, or a
    /// gap that started passing, fails the test so the list stays true — and the pass rate is at least
    /// <paramref name="minimumRate"/>: <see cref="RequiredRate"/> unless an exchange's test states why it is lower.
    /// </summary>
    public static void AssertConformance(IReadOnlyList<FixtureOutcome> outcomes, IReadOnlyDictionary<string, string> knownGaps, double minimumRate = RequiredRate)
    {
        Assert.NotEmpty(outcomes);
        var failed = outcomes.Where(o => o.Applicable && !o.Passed).Select(o => o.Key).ToHashSet(StringComparer.Ordinal);
        var notApplicable = outcomes.Where(o => !o.Applicable).Select(o => o.Key).ToHashSet(StringComparer.Ordinal);
        var unexpected = failed.Where(k => !knownGaps.ContainsKey(k)).ToList();
        var fixedGaps = knownGaps.Keys.Where(k => !failed.Contains(k) && !notApplicable.Contains(k)).ToList();
        Assert.True(unexpected.Count == 0, "Failing fixtures that are not documented gaps:\n" + string.Join("\n", outcomes.Where(o => unexpected.Contains(o.Key)).Select(o => $"{o.Key} — {o.Failure}")));
        Assert.True(fixedGaps.Count == 0, "Documented gaps that now pass (remove them from the list and the README):\n" + string.Join("\n", fixedGaps));
        var applicable = outcomes.Count(o => o.Applicable);
        Assert.True(applicable > 0, "No fixture case is applicable.");
        var rate = outcomes.Count(o => o.Passed) / (double)applicable;
        Assert.True(rate >= minimumRate, $"Only {rate:P0} of the applicable fixtures pass; at least {minimumRate:P0} must.");
    }

    private static async Task<List<FixtureOutcome>> RunRequestsAsync(string exchange, IReadOnlyList<Market> markets, ClientFactory create)
    {
        var file = ConformanceData.Load("ccxt", "request", exchange + ".json");
        var skipKeys = Keys(file["skipKeys"]);
        var outputType = file["outputType"]?.GetValue<string>() ?? "json";
        var outcomes = new List<FixtureOutcome>();
        foreach (var (method, cases) in Cases(file))
        {
            foreach (var fixture in cases)
            {
                var description = fixture["description"]?.GetValue<string>() ?? "(no description)";
                if (NotApplicable(fixture, markets) is { } reason)
                {
                    outcomes.Add(new FixtureOutcome(exchange, "request", method, description, null, reason));
                    continue;
                }

                var handler = ScriptedHandler.Answering("{}");
                using var http = new HttpClient(handler);
                string? failure;
                try
                {
                    try
                    {
                        await CcxtCall.InvokeAsync(create(http, markets), method, fixture["input"]?.AsArray() ?? [], default);
                    }
                    catch (ExchangeException) when (handler.Requests.Count > 0)
                    {
                        // The fixture's reply is a stand-in: only the request that went out is compared.
                    }
                    catch (Exception ex) when (handler.Requests.Count > 0 && ex is FormatException or InvalidOperationException or KeyNotFoundException or NullReferenceException or System.Text.Json.JsonException)
                    {
                        // The same: parsing the stand-in reply may fail; the request was sent.
                    }

                    failure = handler.Requests.Count == 0
                        ? "no request was sent"
                        : CcxtRequestComparer.Compare(handler.Requests[0], fixture["url"]!.GetValue<string>(), fixture["output"], outputType, skipKeys);
                }
                catch (Exception ex) when (ex is NotSupportedException or ExchangeException or ArgumentException or InvalidOperationException)
                {
                    failure = $"{ex.GetType().Name}: {ex.Message}";
                }

                outcomes.Add(new FixtureOutcome(exchange, "request", method, description, failure));
            }
        }

        return outcomes;
    }

    private static async Task<List<FixtureOutcome>> RunResponsesAsync(string exchange, IReadOnlyList<Market> markets, ClientFactory create)
    {
        var file = ConformanceData.Load("ccxt", "response", exchange + ".json");
        var skipKeys = Keys(file["skipKeys"]);
        var outcomes = new List<FixtureOutcome>();
        foreach (var (method, cases) in Cases(file))
        {
            foreach (var fixture in cases)
            {
                var description = fixture["description"]?.GetValue<string>() ?? "(no description)";
                if (NotApplicable(fixture, markets) is { } reason)
                {
                    outcomes.Add(new FixtureOutcome(exchange, "response", method, description, null, reason));
                    continue;
                }

                var body = fixture["httpResponse"]?.ToJsonString() ?? "null";
                using var http = new HttpClient(ScriptedHandler.Answering(body));
                string? failure;
                try
                {
                    var result = await CcxtCall.InvokeAsync(create(http, markets), method, fixture["input"]?.AsArray() ?? [], default);
                    failure = CcxtShape.Compare(fixture["parsedResponse"], CcxtShape.Of(result), skipKeys);
                }
                catch (Exception ex) when (ex is NotSupportedException or ExchangeException or FormatException or InvalidOperationException or KeyNotFoundException or ArgumentException or NullReferenceException or System.Text.Json.JsonException)
                {
                    failure = $"{ex.GetType().Name}: {ex.Message}";
                }

                outcomes.Add(new FixtureOutcome(exchange, "response", method, description, failure));
            }
        }

        return outcomes;
    }

    /// <summary>
    /// Why a spot case is not Coffer's to pass, or null: its symbol is not a spot market of CCXT's markets file (Binance's
    /// tokenized stocks, AAPL/USDC on /sapi/v1/equity), or it passes exchange-specific parameters that Coffer's unified
    /// calls do not carry (CcxtCall cannot express the call). Such cases are listed as n/a, not counted as passed.
    /// </summary>
    private static string? NotApplicable(JsonNode fixture, IReadOnlyList<Market> markets)
    {
        var input = fixture["input"]?.AsArray() ?? [];
        var unknown = Symbols(input).Where(s => !markets.Any(m => m.Symbol == s)).ToList();
        if (unknown.Count > 0)
        {
            return $"not a spot market of the CCXT markets file: {string.Join(", ", unknown)}";
        }

        var foreign = input.Count > 0 && input[^1] is JsonObject p ? CcxtCall.ForeignParams(p) : [];
        return foreign.Count > 0 ? $"exchange-specific parameters Coffer's unified API does not carry: {string.Join(", ", foreign)}" : null;
    }

    private static IEnumerable<string> Symbols(JsonArray input) => input.SelectMany(a => a switch
    {
        JsonValue v when v.TryGetValue<string>(out var s) && s.Contains('/', StringComparison.Ordinal) => [s],
        JsonArray list => Symbols(list),
        _ => [],
    });

    /// <summary>The spot, enabled cases of the methods Coffer implements.</summary>
    private static IEnumerable<(string Method, List<JsonNode> Cases)> Cases(JsonNode file)
    {
        foreach (var (method, list) in file["methods"]!.AsObject())
        {
            if (!CcxtCall.Implemented.Contains(method) || list is not JsonArray array)
            {
                continue;
            }

            var cases = array.Where(c => c is not null && c["disabled"]?.GetValue<bool>() != true && !IsDerivatives(c["input"]) && !SelectsOtherProduct(c["input"])).Select(c => c!).ToList();
            if (cases.Count > 0)
            {
                yield return (method, cases);
            }
        }
    }

    /// <summary>Derivatives symbols look like BTC/USDT:USDT, also inside a symbol list (fetchTickers); Coffer trades spot.</summary>
    private static bool IsDerivatives(JsonNode? input) =>
        input is JsonArray args && args.Any(a => a switch
        {
            JsonValue v => v.TryGetValue<string>(out var s) && s.Contains('/', StringComparison.Ordinal) && s.Contains(':', StringComparison.Ordinal),
            JsonArray list => IsDerivatives(list),
            _ => false,
        });

    /// <summary>
    /// CCXT's params that route a spot-symbol call to another product: margin (marginMode, leverage, reduceOnly), portfolio margin
    /// (portfolioMargin), or a non-spot account type (type: swap, margin, funding, …; subType). Those are not spot cases.
    /// </summary>
    private static bool SelectsOtherProduct(JsonNode? input) =>
        input is JsonArray args && args.Count > 0 && args[^1] is JsonObject p
        && (p.ContainsKey("marginMode") || p.ContainsKey("portfolioMargin") || p.ContainsKey("subType") || p.ContainsKey("leverage") || p.ContainsKey("reduceOnly")
            || (p["type"] is JsonValue t && t.TryGetValue<string>(out var type) && type != "spot"));

    private static HashSet<string> Keys(JsonNode? node) =>
        node is JsonArray array ? array.Select(x => x!.GetValue<string>()).ToHashSet(StringComparer.Ordinal) : [];
}
