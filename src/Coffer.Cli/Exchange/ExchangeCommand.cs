using System.CommandLine;

namespace Coffer.Cli.Exchange;

/// <summary><c>coffer exchange ...</c>: the caller's exchange connections (DESIGN §5), over the running server's HTTPS API.</summary>
internal static class ExchangeCommand
{
    public static Command Create(CliContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var command = new Command("exchange", "Connect exchange accounts with API keys that can read and trade (never withdraw), list, verify, replace keys, remove.");
        context.Client.AddTo(command);
        command.Subcommands.Add(ConnectCommand.Create(context));
        command.Subcommands.Add(ListCommand.Create(context));
        command.Subcommands.Add(VerifyCommand.Create(context));
        command.Subcommands.Add(ReplaceKeyCommand.Create(context));
        command.Subcommands.Add(RemoveCommand.Create(context));
        return command;
    }
}
