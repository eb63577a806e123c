using System.CommandLine;
using System.Text.Json.Nodes;
using Coffer.Cli.Client;
using Coffer.Cli.Output;

namespace Coffer.Cli.Exchange;

/// <summary><c>coffer exchange list</c>: the caller's connections; JSON output is the array of them.</summary>
internal static class ListCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("list", "List your exchange connections: status, what each key may do, its IP restriction and the address to allow-list.");
        command.SetAction((parseResult, cancellationToken) =>
        {
            var format = context.Format.Get(parseResult);
            return ApiCommand.RunAsync(
                context,
                parseResult,
                ExchangeApi.MissingToken,
                async (client, ct) =>
                {
                    var response = await client.GetAsync(ExchangeApi.Connections, TokenUse.Required, ct);
                    return response.IsSuccess
                        ? CallResult.Ok(response.Body.Array("items")?.DeepClone() ?? throw new CliException("The server's list of connections has no items; is COFFER_ADDR a Coffer server of this version?"))
                        : ExchangeApi.Outcome(response, format);
                },
                items => ConnectionText.RenderList(context.Io.OutConsole, [.. items.AsArray().OfType<JsonObject>()]),
                cancellationToken);
        });
        return command;
    }
}
