using System.Text.Json.Nodes;

namespace Coffer.Cli.Client;

/// <summary>A server answer: the JSON object on success, or an RFC 9457 problem object otherwise.</summary>
internal sealed record ApiResponse(int Status, JsonObject Body)
{
    public bool IsSuccess => Status is >= 200 and < 300;
}
