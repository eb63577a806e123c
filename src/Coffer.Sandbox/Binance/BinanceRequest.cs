using System.Globalization;
using System.Text.RegularExpressions;
using Coffer.Sandbox.Engine;
using Coffer.Sandbox.Keys;
using Microsoft.Extensions.Primitives;

namespace Coffer.Sandbox.Binance;

/// <summary>One parsed Binance request: its parameters (query string wins over body, as Binance documents) and its key.</summary>
internal sealed partial class BinanceRequest(HttpContext context, SandboxState state, BinanceSymbols symbols, Dictionary<string, string> parameters)
{
    private const string DecimalRange = "^([0-9]{1,20})(\\.[0-9]{1,20})?$";
    private const string ClientIdRange = "^[\\.A-Z\\:/a-z0-9_-]{1,36}$";

    public HttpContext Context { get; } = context;

    public SandboxState State { get; } = state;

    public BinanceSymbols Symbols { get; } = symbols;

    public MatchingEngine Engine => State.Engine;

    /// <summary>Set by the wrapper on signed endpoints once the key, timestamp, signature, IP and permission are checked.</summary>
    public SandboxKey? Key { get; set; }

    public string Account => Key?.Account ?? throw new InvalidOperationException("Not a signed endpoint.");

    public bool Has(string name) => parameters.ContainsKey(name);

    public string? Optional(string name) => parameters.TryGetValue(name, out var value) && value.Length > 0 ? value : null;

    public string Required(string name) => Optional(name) ?? throw new BinanceRejection(BinanceError.Mandatory(name));

    public decimal? OptionalDecimal(string name)
    {
        if (Optional(name) is not { } text)
        {
            return null;
        }

        if (!DecimalPattern().IsMatch(text))
        {
            throw new BinanceRejection(BinanceError.Illegal(name, DecimalRange));
        }

        return decimal.Parse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);
    }

    public long? OptionalLong(string name)
    {
        if (Optional(name) is not { } text)
        {
            return null;
        }

        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new BinanceRejection(BinanceError.Mandatory(name));
    }

    public string? OptionalClientOrderId(string name)
    {
        var id = Optional(name);
        return id is null || ClientIdPattern().IsMatch(id) ? id : throw new BinanceRejection(BinanceError.Illegal(name, ClientIdRange));
    }

    /// <summary>The required <c>symbol</c> as a market; an unknown one is -1121.</summary>
    public Market RequiredMarket() => Symbols.Find(Required("symbol")) ?? throw new BinanceRejection(BinanceError.InvalidSymbol);

    /// <summary><c>symbol</c>, or <c>symbols=["A","B"]</c>, or neither (all); null = all markets.</summary>
    public IReadOnlyList<Market>? SymbolSelection()
    {
        if (Optional("symbol") is { } one)
        {
            return [Symbols.Find(one) ?? throw new BinanceRejection(BinanceError.InvalidSymbol)];
        }

        if (Optional("symbols") is not { } many)
        {
            return null;
        }

        string[]? names;
        try
        {
            names = System.Text.Json.JsonSerializer.Deserialize<string[]>(many);
        }
        catch (System.Text.Json.JsonException)
        {
            throw new BinanceRejection(BinanceError.Illegal("symbols", "^\\[(\"[A-Z0-9-_.]{1,20}\"(,\"[A-Z0-9-_.]{1,20}\"){0,}){0,1}\\]$"));
        }

        return [.. (names ?? []).Select(n => Symbols.Find(n) ?? throw new BinanceRejection(BinanceError.InvalidSymbol))];
    }

    public static Dictionary<string, string> Parse(string query, string body)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        // Query string first, so it wins over the body: "If a parameter sent in both … the query string parameter will be used."
        foreach (var source in new[] { query, body })
        {
            foreach (var (name, values) in Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(source))
            {
                result.TryAdd(name, StringValues.IsNullOrEmpty(values) ? "" : values[0]!);
            }
        }

        return result;
    }

    [GeneratedRegex(DecimalRange)]
    private static partial Regex DecimalPattern();

    [GeneratedRegex(ClientIdRange)]
    private static partial Regex ClientIdPattern();
}
