using System.CommandLine;

namespace Coffer.Cli.OAuth;

/// <summary><c>coffer oauth ...</c>: helpers that play an OAuth client against the server, to try an app's flow by hand.</summary>
internal static class OAuthCommand
{
    public static Command Create(CliContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var command = new Command("oauth", "Try an OAuth app's flow as its client would: PKCE, loopback login, refresh, introspect, revoke.");
        context.Client.AddTo(command);
        command.Subcommands.Add(PkceCommand.Create(context));
        command.Subcommands.Add(LoginCommand.Create(context));
        command.Subcommands.Add(RefreshCommand.Create(context));
        command.Subcommands.Add(IntrospectCommand.Create(context));
        command.Subcommands.Add(RevokeCommand.Create(context));
        return command;
    }
}
