using System.CommandLine;

namespace Coffer.Cli.Trading;

/// <summary><c>coffer order ...</c>: place, cancel and list orders (DESIGN §6), over the running server's HTTPS API.</summary>
internal static class OrderCommand
{
    public static Command Create(CliContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var command = new Command("order", "Place orders exactly once (checked against the market's rules and your token's limits), cancel them, list them.");
        context.Client.AddTo(command);
        command.Subcommands.Add(PlaceCommand.Create(context));
        command.Subcommands.Add(CancelCommand.Create(context));
        command.Subcommands.Add(CancelCommand.CreateAll(context));
        command.Subcommands.Add(ListCommand.Create(context));
        return command;
    }
}
