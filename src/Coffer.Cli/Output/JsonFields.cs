using System.Text.Json;
using System.Text.Json.Nodes;

namespace Coffer.Cli.Output;

/// <summary>Tolerant readers for server JSON: a missing or mistyped field reads as null rather than crashing the renderer.</summary>
internal static class JsonFields
{
    public static string? String(this JsonObject json, string name) =>
        json[name] is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;

    public static bool? Bool(this JsonObject json, string name) =>
        json[name]?.GetValueKind() switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => null,
        };

    public static long? Integer(this JsonObject json, string name) =>
        json[name] is JsonValue value && value.GetValueKind() == JsonValueKind.Number && value.TryGetValue<long>(out var number) ? number : null;

    public static JsonObject? Object(this JsonObject json, string name) => json[name] as JsonObject;

    public static JsonArray? Array(this JsonObject json, string name) => json[name] as JsonArray;

    /// <summary>The string elements of an array field, skipping anything else.</summary>
    public static IReadOnlyList<string> Strings(this JsonObject json, string name) =>
        json.Array(name)?
            .OfType<JsonValue>()
            .Where(value => value.GetValueKind() == JsonValueKind.String)
            .Select(value => value.GetValue<string>())
            .ToList() ?? [];
}
