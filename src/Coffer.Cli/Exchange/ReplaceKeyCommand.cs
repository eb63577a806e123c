using System.CommandLine;
using System.Text.Json.Nodes;
using Coffer.Cli.Client;
using Coffer.Cli.Output;

namespace Coffer.Cli.Exchange;

/// <summary>
/// <c>coffer exchange replace-key</c>: a new key of the same account for a connection, verified as on connect, with
/// step-up. The fix for a connection whose key must be re-entered (after a freeze) or that is locked.
/// </summary>
internal static class ReplaceKeyCommand
{
    public static Command Create(CliContext context)
    {
        var reference = ExchangeApi.Reference();
        var apiKey = new Option<string>("--api-key") { Description = "The new API key, of the same exchange account. The secret is read separately.", HelpName = "KEY", Required = true };
        var secretFile = KeyInput.SecretFile();
        var totp = KeyInput.Totp();
        var command = new Command("replace-key", "Replace a connection's key with a new one of the same account: verified first; the old secret is deleted and its credential revoked.")
        {
            reference, apiKey, secretFile, totp, KeyInput.RefusedSecret(),
        };
        command.SetAction((parseResult, cancellationToken) =>
        {
            var format = context.Format.Get(parseResult);
            var input = new KeyInput(context.Io);
            return ExchangeApi.RunOnConnectionAsync(
                context,
                parseResult,
                reference,
                // Found first, so that nobody types a secret for a connection that is not there.
                async (client, connection, id, ct) =>
                {
                    var body = new JsonObject
                    {
                        ["api_key"] = parseResult.GetValue(apiKey)!.Trim(),
                        ["secret"] = await input.SecretAsync(parseResult.GetValue(secretFile), connection.String("exchange"), ct),
                    };
                    var stepUp = await input.StepUpAsync(parseResult.GetValue(totp), ct);
                    return ExchangeApi.Outcome(await client.PutAsync(ExchangeApi.Connection(id) + "/key", body, TokenUse.Required, ct, stepUp), format);
                },
                replaced => ConnectionText.RenderOne(context.Io.OutConsole, $"Replaced the key of '{replaced.String("label")}'. The old secret was deleted from the vault; delete the old key on {replaced.String("exchange")} too.", replaced),
                cancellationToken);
        });
        return command;
    }
}
