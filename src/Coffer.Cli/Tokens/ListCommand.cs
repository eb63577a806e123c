using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Coffer.Cli.Client;
using Coffer.Cli.Output;

namespace Coffer.Cli.Tokens;

/// <summary><c>coffer token list</c>: the caller's user's tokens, every page of them.</summary>
internal static class ListCommand
{
    // The server's largest page: fewest round trips.
    private const int PageSize = 200;

    private const string IncludeRevoked = "include_revoked=true";

    public static Command Create(CliContext context)
    {
        var all = new Option<bool>("--all") { Description = "Include revoked tokens." };
        var command = new Command("list", "List your tokens (the user of COFFER_TOKEN), by accessor; token values are never shown.") { all };
        command.SetAction((parseResult, cancellationToken) =>
        {
            var includeRevoked = parseResult.GetValue(all);
            return TokenApi.RunAsync(
                context,
                parseResult,
                (client, ct) => ListAsync(client, includeRevoked, ct),
                tokens => TokenText.RenderList(context.Io.OutConsole, [.. tokens.AsArray().OfType<JsonObject>()]),
                cancellationToken);
        });
        return command;
    }

    private static async Task<CallResult> ListAsync(CofferApiClient client, bool includeRevoked, CancellationToken cancellationToken)
    {
        var tokens = new JsonArray();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        string? after = null;
        while (true)
        {
            var path = string.Create(CultureInfo.InvariantCulture, $"{TokenPaths.Tokens}?{(includeRevoked ? IncludeRevoked + "&" : string.Empty)}limit={PageSize}");
            if (after is not null)
            {
                path += "&after=" + Uri.EscapeDataString(after);
            }

            var page = await client.GetAsync(path, TokenUse.Required, cancellationToken);
            if (!page.IsSuccess)
            {
                return CallResult.Failed(page);
            }

            foreach (var item in TokenApi.Items(page, "list"))
            {
                tokens.Add(item?.DeepClone());
            }

            after = page.Body.String("next");
            if (after is null)
            {
                return CallResult.Ok(tokens);
            }

            // A cursor handed out twice would page forever; the server's cursors only move forward.
            if (!seen.Add(after))
            {
                throw new CliException("The server returned the same page of tokens twice; stopping rather than listing forever.");
            }
        }
    }
}
