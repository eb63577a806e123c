using System.CommandLine;
using Coffer.Cli.Client;
using Coffer.Cli.Output;

namespace Coffer.Cli.Operator;

/// <summary><c>coffer operator seal</c>: the break-glass switch; the server drops all key material until a quorum unseals it.</summary>
internal static class SealCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("seal", "Seal the vault now: key material is wiped from memory until a quorum unseals it (needs COFFER_TOKEN).");
        command.SetAction((parseResult, cancellationToken) => ApiCommand.RunAsync(
            context,
            parseResult,
            (client, ct) => client.PostAsync(SysPaths.Seal, body: null, TokenUse.Required, ct),
            status => context.Io.Out.WriteLine(status.Bool("sealed") == false ? "unsealed" : "sealed"),
            cancellationToken));
        return command;
    }
}
