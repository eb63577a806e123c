using System.Globalization;
using System.Text.Json;
using Coffer.Sandbox.Engine;
using Coffer.Sandbox.Keys;
using Microsoft.Extensions.Primitives;

namespace Coffer.Sandbox.Kraken;

/// <summary>One parsed Kraken request: its parameters (form-encoded or JSON body; query string for public GETs) and its key.</summary>
internal sealed class KrakenRequest(HttpContext context, SandboxState state, KrakenFront front, Dictionary<string, string> parameters)
{
    public HttpContext Context { get; } = context;

    public SandboxState State { get; } = state;

    public KrakenFront Front { get; } = front;

    public KrakenPairs Pairs => Front.Pairs;

    public MatchingEngine Engine => State.Engine;

    /// <summary>Set by the wrapper on private endpoints once key, signature, nonce, limits and permission are checked.</summary>
    public SandboxKey? Key { get; set; }

    public string Account => Key?.Account ?? throw new InvalidOperationException("Not a private endpoint.");

    public bool Has(string name) => parameters.ContainsKey(name);

    public string? Optional(string name) => parameters.TryGetValue(name, out var value) && value.Length > 0 ? value : null;

    public string Required(string name) => Optional(name) ?? throw new KrakenRejection(KrakenError.InvalidArguments(name));

    public decimal? OptionalDecimal(string name)
    {
        if (Optional(name) is not { } text)
        {
            return null;
        }

        // Plain decimals only: Kraken's relative prices (+, -, #, %) are not modelled and are refused as invalid.
        return decimal.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new KrakenRejection(KrakenError.InvalidArguments(name));
    }

    public long? OptionalLong(string name)
    {
        if (Optional(name) is not { } text)
        {
            return null;
        }

        return long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new KrakenRejection(KrakenError.InvalidArguments(name));
    }

    public bool Flag(string name) => Optional(name) switch
    {
        null or "false" or "0" => false,
        "true" or "1" => true,
        _ => throw new KrakenRejection(KrakenError.InvalidArguments(name)),
    };

    public KrakenPair RequiredPair() => Pairs.Find(Required("pair")) ?? throw new KrakenRejection(KrakenError.UnknownPair);

    /// <summary><c>pair</c> as a comma list, or all pairs when absent.</summary>
    public IReadOnlyList<KrakenPair> PairSelection() =>
        Optional("pair") is { } list
            ? [.. list.Split(',', StringSplitOptions.TrimEntries).Select(n => Pairs.Find(n) ?? throw new KrakenRejection(KrakenError.UnknownPair))]
            : [.. Pairs.All];

    public static Dictionary<string, string> ParseForm(string text)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, values) in Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(text))
        {
            result.TryAdd(name, StringValues.IsNullOrEmpty(values) ? "" : values[0]!);
        }

        return result;
    }

    /// <summary>A JSON object body; numbers keep their text, arrays become comma lists (as Kraken's list parameters).</summary>
    public static Dictionary<string, string>? ParseJson(ReadOnlySpan<byte> body)
    {
        try
        {
            using var document = JsonDocument.Parse(body.ToArray());
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            var result = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var property in document.RootElement.EnumerateObject())
            {
                result.TryAdd(property.Name, Text(property.Value));
            }

            return result;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string Text(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString()!,
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        JsonValueKind.Null => "",
        JsonValueKind.Array => string.Join(',', value.EnumerateArray().Select(Text)),
        _ => value.GetRawText(),
    };
}
