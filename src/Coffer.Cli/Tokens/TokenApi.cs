using System.CommandLine;
using System.Text.Json.Nodes;
using Coffer.Cli.Client;
using Coffer.Cli.Output;

namespace Coffer.Cli.Tokens;

/// <summary>What a token command got from the server: the result to render, or the problem that stopped it.</summary>
internal sealed record TokenCallResult(JsonNode? Result, JsonObject? Problem)
{
    public static TokenCallResult Ok(JsonNode result) => new(result, null);

    public static TokenCallResult Failed(ApiResponse response) => new(null, response.Body);
}

/// <summary>
/// Like <see cref="ApiCommand"/>, for commands that may make several requests (pages) and print a JSON array: resolve the
/// settings, insist on <c>COFFER_TOKEN</c> before anything is sent, call, render the result or the problem.
/// </summary>
internal static class TokenApi
{
    public static async Task<int> RunAsync(
        CliContext context,
        ParseResult parseResult,
        Func<CofferApiClient, CancellationToken, Task<TokenCallResult>> call,
        Action<JsonNode> renderTable,
        CancellationToken cancellationToken)
    {
        var format = context.Format.Get(parseResult);
        try
        {
            var settings = ClientSettings.Resolve(
                parseResult.GetValue(context.Client.Address),
                parseResult.GetValue(context.Client.CaCertificate),
                context.Environment);
            if (settings.Token is null)
            {
                throw new CliException(
                    "COFFER_TOKEN is not set. `coffer token` commands act as the token in COFFER_TOKEN (`token create` makes a child of it), "
                    + "so set it to a token with the tokens:read or tokens:write scope, without leaving it in shell history, "
                    + "e.g. `read -rs COFFER_TOKEN && export COFFER_TOKEN`.");
            }

            using var client = CofferApiClient.Create(settings, context.Handler);
            var outcome = await call(client, cancellationToken);
            if (outcome.Problem is { } problem)
            {
                return ErrorOutput.Problem(context.Io, format, problem);
            }

            var result = outcome.Result ?? new JsonObject();
            if (format == OutputFormat.Json)
            {
                JsonOutput.Write(context.Io.Out, result);
            }
            else
            {
                renderTable(result);
            }

            return ExitCodes.Ok;
        }
        catch (CliException ex)
        {
            return ErrorOutput.Failure(context.Io, ex.Message);
        }
    }

    /// <summary>One request whose answer is shown as it is.</summary>
    public static async Task<TokenCallResult> SingleAsync(Task<ApiResponse> request)
    {
        var response = await request;
        return response.IsSuccess ? TokenCallResult.Ok(response.Body) : TokenCallResult.Failed(response);
    }

    /// <summary>The <c>items</c> array of a page; an answer without one is not from a Coffer server this CLI understands.</summary>
    public static JsonArray Items(ApiResponse page, string what) =>
        page.Body.Array("items") ?? throw new CliException($"The server's answer to the {what} request has no items list; is COFFER_ADDR a Coffer server of this version?");
}
