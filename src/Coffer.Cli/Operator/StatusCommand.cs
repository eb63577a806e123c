using System.CommandLine;
using Coffer.Cli.Client;

namespace Coffer.Cli.Operator;

/// <summary><c>coffer operator status</c>: initialization, seal state and key versions.</summary>
internal static class StatusCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("status", "Show whether the vault is initialized and sealed, and its key versions (with an admin COFFER_TOKEN).");

        // The token is optional: anyone may see the seal state, only an admin sees the key versions.
        command.SetAction((parseResult, cancellationToken) => ApiCommand.RunAsync(
            context,
            parseResult,
            (client, ct) => client.GetAsync(SysPaths.Status, TokenUse.IfPresent, ct),
            status => StatusText.RenderTable(context.Io.OutConsole, status),
            cancellationToken));
        return command;
    }
}
