using System.CommandLine;
using System.Text.Json.Nodes;
using Coffer.Cli.Client;

namespace Coffer.Cli.Apps;

/// <summary>The shape of <c>coffer app</c> commands: <see cref="ApiCommand"/> with COFFER_TOKEN required.</summary>
internal static class AppApi
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
            "COFFER_TOKEN is not set. `coffer app` commands act as the token in COFFER_TOKEN: set it to a token with the tokens:read "
                + "(list) or tokens:write (create, disable) scope, without leaving it in shell history, e.g. `read -rs COFFER_TOKEN && export COFFER_TOKEN`.",
            call,
            renderTable,
            cancellationToken);

    public static async Task<CallResult> SingleAsync(Task<ApiResponse> request)
    {
        var response = await request;
        return response.IsSuccess ? CallResult.Ok(response.Body) : CallResult.Failed(response);
    }
}
