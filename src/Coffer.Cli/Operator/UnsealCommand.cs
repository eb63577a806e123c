using System.CommandLine;
using System.Text.Json.Nodes;
using Coffer.Cli.Client;

namespace Coffer.Cli.Operator;

/// <summary><c>coffer operator unseal</c>: submits one unseal share per call (or resets the progress).</summary>
internal static class UnsealCommand
{
    public static Command Create(CliContext context)
    {
        var share = new Argument<string?>("share")
        {
            Description = "One unseal share. Better left out: it is then read from stdin, or prompted for without echo, and stays out of shell history.",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var reset = new Option<bool>("--reset") { Description = "Discard the shares submitted so far and start over." };
        var command = new Command("unseal", "Submit one unseal share; the vault unseals once the threshold is reached.") { share, reset };
        command.Validators.Add(result =>
        {
            if (result.GetValue(reset) && result.GetValue(share) is not null)
            {
                result.AddError("Pass either a share or --reset, not both.");
            }
        });
        command.SetAction((parseResult, cancellationToken) =>
        {
            var resetting = parseResult.GetValue(reset);
            var given = parseResult.GetValue(share);
            return ApiCommand.RunAsync(
                context,
                parseResult,
                async (client, ct) =>
                {
                    var body = resetting
                        ? new JsonObject { ["reset"] = true }
                        : new JsonObject { ["share"] = given ?? await ReadShareAsync(context, ct) };
                    return await client.PostAsync(SysPaths.Unseal, body, TokenUse.None, ct);
                },
                status => context.Io.Out.WriteLine(resetting ? $"progress reset: {StatusText.SealState(status)}" : StatusText.SealState(status)),
                cancellationToken);
        });
        return command;
    }

    private static async Task<string> ReadShareAsync(CliContext context, CancellationToken cancellationToken)
    {
        var io = context.Io;
        var share = io.IsInputRedirected
            ? await io.In.ReadLineAsync(cancellationToken)
            : await io.ReadSecretAsync("Unseal share (input is hidden):", cancellationToken);
        return string.IsNullOrWhiteSpace(share)
            ? throw new CliException("No unseal share given: pass one on stdin (e.g. `coffer operator unseal < share.txt`) or type it at the prompt.")
            : share.Trim();
    }
}
