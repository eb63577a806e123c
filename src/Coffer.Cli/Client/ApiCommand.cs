using System.CommandLine;
using System.Text.Json.Nodes;
using Coffer.Cli.Output;

namespace Coffer.Cli.Client;

/// <summary>The shape shared by every command that calls the server: resolve, call, render the answer or the problem.</summary>
internal static class ApiCommand
{
    public static Task<int> RunAsync(
        CliContext context,
        ParseResult parseResult,
        Func<CofferApiClient, CancellationToken, Task<ApiResponse>> call,
        Action<JsonObject> renderTable,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        ArgumentNullException.ThrowIfNull(renderTable);
        return RunAsync(
            context,
            parseResult,
            missingToken: null,
            async (client, ct) =>
            {
                var response = await call(client, ct);
                return response.IsSuccess ? CallResult.Ok(response.Body) : CallResult.Failed(response);
            },
            result => renderTable(result.AsObject()),
            cancellationToken);
    }

    /// <summary>
    /// For commands that may make several requests (pages, a lookup before the call) or ask questions in between:
    /// insist on <c>COFFER_TOKEN</c> (unless <paramref name="missingToken"/>, what to say then, is null) before anything is sent, call, then render
    /// the result — in JSON mode as it is — or the problem that stopped it.
    /// </summary>
    public static async Task<int> RunAsync(
        CliContext context,
        ParseResult parseResult,
        string? missingToken,
        Func<CofferApiClient, CancellationToken, Task<CallResult>> call,
        Action<JsonNode> renderTable,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(parseResult);
        ArgumentNullException.ThrowIfNull(call);
        ArgumentNullException.ThrowIfNull(renderTable);
        var format = context.Format.Get(parseResult);
        try
        {
            var settings = ClientSettings.Resolve(
                parseResult.GetValue(context.Client.Address),
                parseResult.GetValue(context.Client.CaCertificate),
                context.Environment);
            if (settings.Token is null && missingToken is not null)
            {
                throw new CliException(missingToken);
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
}
