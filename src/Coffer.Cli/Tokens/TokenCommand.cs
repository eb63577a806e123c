using System.CommandLine;

namespace Coffer.Cli.Tokens;

/// <summary><c>coffer token ...</c>: the calling token's tree (DESIGN §4), over the running server's HTTPS API.</summary>
internal static class TokenCommand
{
    public static Command Create(CliContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var command = new Command("token", "Create, list, look up, revoke and audit tokens (acting as COFFER_TOKEN, over HTTPS).");
        context.Client.AddTo(command);
        command.Subcommands.Add(CreateCommand.Create(context));
        command.Subcommands.Add(ListCommand.Create(context));
        command.Subcommands.Add(LookupCommand.Create(context));
        command.Subcommands.Add(RevokeCommand.Create(context));
        command.Subcommands.Add(LogCommand.Create(context));
        return command;
    }
}
