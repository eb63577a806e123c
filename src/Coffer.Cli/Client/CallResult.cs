using System.Text.Json.Nodes;

namespace Coffer.Cli.Client;

/// <summary>What a command got from the server: the result to render, or the problem that stopped it.</summary>
internal sealed record CallResult(JsonNode? Result, JsonObject? Problem)
{
    public static CallResult Ok(JsonNode result) => new(result, null);

    public static CallResult Failed(ApiResponse response) => new(null, response.Body);
}
