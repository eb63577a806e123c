using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Coffer.Cli.Trading;

/// <summary>Amounts, prices and values from the server, read and written invariantly and with every digit they have.</summary>
internal static class Decimals
{
    // A decimal has at most 28 digits after the point: this shows all of them and no trailing zeros, never an exponent.
    private const string AllDigits = "0.############################";

    public static decimal? Decimal(this JsonObject json, string name) =>
        json[name] is JsonValue value && value.GetValueKind() == JsonValueKind.Number && value.TryGetValue<decimal>(out var number) ? number : null;

    public static string Format(decimal value) => value.ToString(AllDigits, CultureInfo.InvariantCulture);

    /// <summary>A number field as text: <paramref name="absent"/> when missing or null; a number too large for a decimal as the server wrote it.</summary>
    public static string Text(JsonObject json, string name, string absent = "-") => json[name] switch
    {
        JsonValue value when value.GetValueKind() == JsonValueKind.Number =>
            value.TryGetValue<decimal>(out var number) ? Format(number) : value.ToJsonString(),
        JsonValue value when value.GetValueKind() == JsonValueKind.String => value.GetValue<string>(),
        _ => absent,
    };

    /// <summary>"+1.5" or "-2": a change reads with its sign.</summary>
    public static string Signed(decimal value) => value > 0 ? "+" + Format(value) : Format(value);

    /// <summary>An option's value for a request body: as typed (already parsed invariantly), or null.</summary>
    public static JsonNode? Node(decimal? value) => value is { } number ? JsonValue.Create(number) : null;

    /// <summary>A bar of <paramref name="width"/> cells for a share of 0 to 100 percent.</summary>
    public static string Bar(decimal percent, int width = 20)
    {
        var clamped = Math.Clamp(percent, 0m, 100m);
        var eighths = (int)Math.Round(clamped / 100m * width * 8m, MidpointRounding.AwayFromZero);
        const string partial = " ▏▎▍▌▋▊▉";
        var bar = new string('█', eighths / 8);
        return eighths % 8 == 0 ? bar : bar + partial[eighths % 8];
    }
}
