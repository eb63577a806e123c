using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Coffer.Cli.Client;
using Coffer.Cli.Output;

namespace Coffer.Cli.Tokens;

/// <summary><c>coffer token log</c>: the requests a token made, newest first.</summary>
internal static class LogCommand
{
    private const int DefaultLimit = 100;

    // The server's largest page of log entries.
    private const int MaxPage = 1000;

    public static Command Create(CliContext context)
    {
        var accessor = TokenArguments.Accessor("The token's accessor (acc_...), or self for the token in COFFER_TOKEN.");
        var limit = TokenArguments.PositiveInteger("--limit", $"Show at most the N most recent requests (default {DefaultLimit}).");
        var command = new Command(
            "log",
            "Show the requests a token made (time, client IP, user agent, route, status, latency), newest first.")
        {
            accessor, limit,
        };
        command.SetAction((parseResult, cancellationToken) =>
        {
            var target = parseResult.GetValue(accessor)!;
            var wanted = parseResult.GetValue(limit) ?? DefaultLimit;
            return TokenApi.RunAsync(
                context,
                parseResult,
                (client, ct) => LogAsync(client, target, wanted, ct),
                entries => TokenText.RenderLog(context.Io.OutConsole, [.. entries.AsArray().OfType<JsonObject>()]),
                cancellationToken);
        });
        return command;
    }

    private static async Task<CallResult> LogAsync(CofferApiClient client, string target, int wanted, CancellationToken cancellationToken)
    {
        var accessor = target;
        if (target == TokenPaths.SelfName)
        {
            // The log is addressed by accessor only; ask the server which token COFFER_TOKEN is.
            var self = await client.GetAsync(TokenPaths.Self, TokenUse.Required, cancellationToken);
            if (!self.IsSuccess)
            {
                return CallResult.Failed(self);
            }

            accessor = self.Body.String("accessor")
                ?? throw new CliException("The server's description of COFFER_TOKEN has no accessor; is COFFER_ADDR a Coffer server of this version?");
        }

        var entries = new JsonArray();
        long? before = null;
        while (entries.Count < wanted)
        {
            var path = string.Create(CultureInfo.InvariantCulture, $"{TokenPaths.Log(accessor)}?limit={Math.Min(wanted - entries.Count, MaxPage)}");
            if (before is { } id)
            {
                path += string.Create(CultureInfo.InvariantCulture, $"&before={id}");
            }

            var page = await client.GetAsync(path, TokenUse.Required, cancellationToken);
            if (!page.IsSuccess)
            {
                return CallResult.Failed(page);
            }

            foreach (var item in TokenApi.Items(page, "log"))
            {
                entries.Add(item?.DeepClone());
            }

            var next = page.Body.Integer("next");

            // Entries are paged by descending id; a cursor that does not go down would page forever.
            if (next is null || next >= before)
            {
                break;
            }

            before = next;
        }

        return CallResult.Ok(entries);
    }
}
