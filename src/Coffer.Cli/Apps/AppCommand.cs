using System.CommandLine;

namespace Coffer.Cli.Apps;

/// <summary><c>coffer app ...</c>: the OAuth clients (apps) the user of COFFER_TOKEN registered, over the HTTPS API.</summary>
internal static class AppCommand
{
    public static Command Create(CliContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var command = new Command("app", "Register, list and disable OAuth apps (clients) that may ask users for access (acting as COFFER_TOKEN).");
        context.Client.AddTo(command);
        command.Subcommands.Add(CreateCommand.Create(context));
        command.Subcommands.Add(ListCommand.Create(context));
        command.Subcommands.Add(DisableCommand.Create(context));
        return command;
    }
}
