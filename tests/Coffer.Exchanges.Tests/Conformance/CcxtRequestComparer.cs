using System.Text.Json.Nodes;
using System.Web;

namespace Coffer.Exchanges.Tests.Conformance;

/// <summary>
/// Compares a request with a CCXT request fixture as CCXT's own tests do: the URL path (host ignored); with no body
/// the query as an unordered map; the body parsed per the fixture's output type; values of skipKeys ignored.
/// </summary>
internal static class CcxtRequestComparer
{
    /// <summary>Null when the request matches; otherwise what differs.</summary>
    public static string? Compare(CapturedRequest actual, string expectedUrl, JsonNode? expectedOutput, string outputType, IReadOnlySet<string> skipKeys)
    {
        var expected = new Uri(expectedUrl);
        if (!string.Equals(Unescape(expected.AbsolutePath), Unescape(actual.Uri.AbsolutePath), StringComparison.Ordinal))
        {
            return $"path: expected {expected.AbsolutePath}, got {actual.Uri.AbsolutePath}";
        }

        var queryDiff = CompareMaps(Query(expected.Query), Query(actual.Uri.Query), skipKeys, "query");
        if (queryDiff is not null)
        {
            return queryDiff;
        }

        var expectedBody = expectedOutput switch
        {
            null => null,
            JsonValue value when value.TryGetValue<string>(out var text) => text,
            var node => node.ToJsonString(),
        };
        if (string.IsNullOrEmpty(expectedBody))
        {
            return string.IsNullOrEmpty(actual.Body) || actual.Body is "{}" ? null : $"body: expected none, got {actual.Body}";
        }

        if (string.IsNullOrEmpty(actual.Body))
        {
            return $"body: expected {expectedBody}, got none";
        }

        if (outputType == "json")
        {
            var diff = CompareJson(JsonNode.Parse(expectedBody), JsonNode.Parse(actual.Body), skipKeys, "body");
            return diff;
        }

        return CompareMaps(Query(expectedBody), Query(actual.Body), skipKeys, "body");
    }

    private static string Unescape(string path) => Uri.UnescapeDataString(path);

    private static Dictionary<string, string> Query(string query)
    {
        var parsed = HttpUtility.ParseQueryString(query.TrimStart('?'));
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var key in parsed.AllKeys)
        {
            if (key is not null)
            {
                map[key] = parsed[key] ?? string.Empty;
            }
        }

        return map;
    }

    private static string? CompareMaps(Dictionary<string, string> expected, Dictionary<string, string> actual, IReadOnlySet<string> skipKeys, string where)
    {
        foreach (var (key, value) in expected)
        {
            if (!actual.TryGetValue(key, out var got))
            {
                return $"{where}: missing {key}={value}";
            }

            if (!skipKeys.Contains(key) && !string.Equals(value, got, StringComparison.Ordinal))
            {
                return $"{where}: {key} expected {value}, got {got}";
            }
        }

        var extra = actual.Keys.Where(k => !expected.ContainsKey(k) && !skipKeys.Contains(k)).ToList();
        return extra.Count == 0 ? null : $"{where}: unexpected {string.Join(", ", extra.Select(k => $"{k}={actual[k]}"))}";
    }

    private static string? CompareJson(JsonNode? expected, JsonNode? actual, IReadOnlySet<string> skipKeys, string where)
    {
        switch (expected)
        {
            case null:
                return actual is null ? null : $"{where}: expected null, got {actual.ToJsonString()}";
            case JsonObject obj:
                if (actual is not JsonObject other)
                {
                    return $"{where}: expected an object, got {actual?.ToJsonString()}";
                }

                foreach (var (key, value) in obj)
                {
                    if (!other.ContainsKey(key))
                    {
                        return $"{where}.{key}: missing";
                    }

                    if (!skipKeys.Contains(key) && CompareJson(value, other[key], skipKeys, $"{where}.{key}") is { } diff)
                    {
                        return diff;
                    }
                }

                var extra = other.Select(p => p.Key).Where(k => !obj.ContainsKey(k) && !skipKeys.Contains(k)).ToList();
                return extra.Count == 0 ? null : $"{where}: unexpected {string.Join(", ", extra)}";
            case JsonArray array:
                if (actual is not JsonArray list || list.Count != array.Count)
                {
                    return $"{where}: expected {array.ToJsonString()}, got {actual?.ToJsonString()}";
                }

                for (var i = 0; i < array.Count; i++)
                {
                    if (CompareJson(array[i], list[i], skipKeys, $"{where}[{i}]") is { } diff)
                    {
                        return diff;
                    }
                }

                return null;
            default:
                return actual is JsonValue && SameJsonValue((JsonValue)expected, (JsonValue)actual) ? null : $"{where}: expected {expected.ToJsonString()}, got {actual?.ToJsonString()}";
        }
    }

    /// <summary>Strings exactly; numbers by value (1 = 1.0); booleans exactly.</summary>
    private static bool SameJsonValue(JsonValue expected, JsonValue actual) =>
        expected.GetValueKind() == actual.GetValueKind()
        && (expected.GetValueKind() == System.Text.Json.JsonValueKind.Number
            ? SameScalar(expected.ToJsonString(), actual.ToJsonString())
            : string.Equals(expected.ToJsonString(), actual.ToJsonString(), StringComparison.Ordinal));

    /// <summary>Strings equal, or both numbers of the same value ("0.10" = "0.1"), as CCXT compares.</summary>
    internal static bool SameScalar(string expected, string actual) =>
        string.Equals(expected, actual, StringComparison.Ordinal)
        || (decimal.TryParse(expected, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var a)
            && decimal.TryParse(actual, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var b)
            && a == b);
}
