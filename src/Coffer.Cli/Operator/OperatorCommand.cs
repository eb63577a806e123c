using System.CommandLine;

namespace Coffer.Cli.Operator;

/// <summary><c>coffer operator ...</c>: the vault's life cycle, driven over the running server's HTTPS API.</summary>
internal static class OperatorCommand
{
    public static Command Create(CliContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var command = new Command("operator", "Initialize, unseal, seal, rotate and inspect a running server (over HTTPS).");
        context.Client.AddTo(command);
        command.Subcommands.Add(InitCommand.Create(context));
        command.Subcommands.Add(UnsealCommand.Create(context));
        command.Subcommands.Add(SealCommand.Create(context));
        command.Subcommands.Add(StatusCommand.Create(context));
        command.Subcommands.Add(RotateCommand.Create(context));
        return command;
    }
}
