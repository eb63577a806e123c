using System.CommandLine;
using System.Text.Json.Nodes;
using Coffer.Cli.Client;
using Coffer.Cli.Output;

namespace Coffer.Cli.Tokens;

/// <summary>The shape of <c>coffer token</c> commands: <see cref="ApiCommand"/> with COFFER_TOKEN required, and the helpers they share.</summary>
internal static class TokenApi
{
    public static Task<int> RunAsync(
        CliContext context,
        ParseResult parseResult,
        Func<CofferApiClient, CancellationToken, Task<CallResult>> call,
        Action<JsonNode> renderTable,
        CancellationToken cancellationToken) =>
        ApiCommand.RunAsync(
            context,
            parseResult,
            "COFFER_TOKEN is not set. `coffer token` commands act as the token in COFFER_TOKEN (`token create` makes a child of it), "
                + "so set it to a token with the tokens:read or tokens:write scope, without leaving it in shell history, "
                + "e.g. `read -rs COFFER_TOKEN && export COFFER_TOKEN`.",
            call,
            renderTable,
            cancellationToken);

    /// <summary>One request whose answer is shown as it is.</summary>
    public static async Task<CallResult> SingleAsync(Task<ApiResponse> request)
    {
        var response = await request;
        return response.IsSuccess ? CallResult.Ok(response.Body) : CallResult.Failed(response);
    }

    /// <summary>The <c>items</c> array of a page; an answer without one is not from a Coffer server this CLI understands.</summary>
    public static JsonArray Items(ApiResponse page, string what) =>
        page.Body.Array("items") ?? throw new CliException($"The server's answer to the {what} request has no items list; is COFFER_ADDR a Coffer server of this version?");
}
