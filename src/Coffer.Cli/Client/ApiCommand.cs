using System.CommandLine;
using System.Text.Json.Nodes;
using Coffer.Cli.Output;

namespace Coffer.Cli.Client;

/// <summary>The shape shared by every command that calls the server: resolve, call, render the answer or the problem.</summary>
internal static class ApiCommand
{
    public static async Task<int> RunAsync(
        CliContext context,
        ParseResult parseResult,
        Func<CofferApiClient, CancellationToken, Task<ApiResponse>> call,
        Action<JsonObject> renderTable,
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
            using var client = CofferApiClient.Create(settings, context.Handler);
            var response = await call(client, cancellationToken);
            if (!response.IsSuccess)
            {
                return ErrorOutput.Problem(context.Io, format, response.Body);
            }

            if (format == OutputFormat.Json)
            {
                JsonOutput.Write(context.Io.Out, response.Body);
            }
            else
            {
                renderTable(response.Body);
            }

            return ExitCodes.Ok;
        }
        catch (CliException ex)
        {
            return ErrorOutput.Failure(context.Io, ex.Message);
        }
    }
}
