using System.CommandLine;
using Coffer.Cli.Client;
using Coffer.Cli.Output;

namespace Coffer.Cli.Exchange;

/// <summary><c>coffer exchange verify</c>: asks the exchange again what the key may do; a key whose rights grew is locked.</summary>
internal static class VerifyCommand
{
    public static Command Create(CliContext context)
    {
        var reference = ExchangeApi.Reference();
        var command = new Command("verify", "Ask the exchange again what a connection's key may do; Coffer locks it if it can now withdraw, transfer or newly trade.") { reference };
        command.SetAction((parseResult, cancellationToken) =>
        {
            var format = context.Format.Get(parseResult);
            return ExchangeApi.RunOnConnectionAsync(
                context,
                parseResult,
                reference,
                async (client, _, id, ct) => ExchangeApi.Outcome(await client.PostAsync(ExchangeApi.Connection(id) + "/verify", body: null, TokenUse.Required, ct), format),
                verified => ConnectionText.RenderOne(
                    context.Io.OutConsole,
                    verified.String("status") == "active" ? $"Verified '{verified.String("label")}' with {verified.String("exchange")}." : $"Verified '{verified.String("label")}': it is {verified.String("status")}.",
                    verified),
                cancellationToken);
        });
        return command;
    }
}
