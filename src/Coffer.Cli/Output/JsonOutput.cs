using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Coffer.Cli.Output;

internal static class JsonOutput
{
    // Relaxed escaping: the output goes to terminals and jq, never into HTML, and "+" or "/" in a value should read as itself.
    private static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static void Write(TextWriter writer, JsonNode node) => writer.WriteLine(node.ToJsonString(Options));
}
