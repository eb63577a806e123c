using System.CommandLine;
using System.Text.Json.Nodes;
using Coffer.Cli.Client;
using Coffer.Cli.Output;

namespace Coffer.Cli.Apps;

/// <summary><c>coffer app list</c>: the caller's apps, or every user's with <c>--all</c> (admin); secrets are never shown.</summary>
internal static class ListCommand
{
    public static Command Create(CliContext context)
    {
        var all = new Option<bool>("--all") { Description = "Every user's apps (needs an admin token)." };
        var command = new Command("list", "List your OAuth apps (the user of COFFER_TOKEN); client secrets are never shown.") { all };
        command.SetAction((parseResult, cancellationToken) =>
        {
            var path = parseResult.GetValue(all) ? AppPaths.AllApps : AppPaths.Apps;
            return AppApi.RunAsync(
                context,
                parseResult,
                async (client, ct) =>
                {
                    var response = await client.GetAsync(path, TokenUse.Required, ct);
                    if (!response.IsSuccess)
                    {
                        return CallResult.Failed(response);
                    }

                    var apps = response.Body.Array("apps")
                        ?? throw new CliException("The server's answer has no apps list; is COFFER_ADDR a Coffer server of this version?");
                    return CallResult.Ok(apps.DeepClone());
                },
                apps => AppText.RenderList(context.Io.OutConsole, [.. apps.AsArray().OfType<JsonObject>()]),
                cancellationToken);
        });
        return command;
    }
}
