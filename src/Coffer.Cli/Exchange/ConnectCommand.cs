using System.CommandLine;
using System.Text.Json.Nodes;
using Coffer.Cli.Client;
using Coffer.Cli.Output;
using Coffer.Server.Features.Connections;

namespace Coffer.Cli.Exchange;

/// <summary>
/// <c>coffer exchange connect</c>: verifies an API key with the exchange (a key that can withdraw or transfer is refused)
/// and stores its secret in the vault. Needs step-up. The secret is never an argument.
/// </summary>
internal static class ConnectCommand
{
    public static Command Create(CliContext context)
    {
        var exchange = new Option<string>("--exchange") { Description = "The exchange: binance, kraken or coinbase.", HelpName = "EXCHANGE", Required = true };
        var label = new Option<string?>("--label") { Description = "A name for this account, unique among yours (default: the exchange's name).", HelpName = "LABEL" };
        var apiKey = new Option<string>("--api-key") { Description = "The API key (Coinbase: the key name organizations/.../apiKeys/...). Not secret; the secret is read separately.", HelpName = "KEY", Required = true };
        var baseUrl = new Option<string?>("--base-url") { Description = "Another API endpoint (a testnet, the sandbox, a proxy), where the server allows custom URLs.", HelpName = "URL" };
        var secretFile = KeyInput.SecretFile();
        var totp = KeyInput.Totp();
        var command = new Command("connect", "Connect an exchange account: the key is verified with the exchange, refused if it can withdraw or transfer, and its secret kept write-only in the vault.")
        {
            exchange, label, apiKey, baseUrl, secretFile, totp, KeyInput.RefusedSecret(),
        };
        command.Validators.Add(result =>
        {
            if (result.GetValue(label) is { } given && (given.Trim().Length is 0 or > ConnectionService.MaxLabel || given.Any(char.IsControl)))
            {
                result.AddError($"--label must be 1 to {ConnectionService.MaxLabel} printable characters.");
            }
        });
        command.SetAction((parseResult, cancellationToken) =>
        {
            var format = context.Format.Get(parseResult);
            var input = new KeyInput(context.Io);
            var exchangeId = parseResult.GetValue(exchange)!.Trim().ToLowerInvariant();
            return ExchangeApi.RunAsync(
                context,
                parseResult,
                async (client, ct) =>
                {
                    var body = new JsonObject
                    {
                        ["exchange"] = exchangeId,
                        ["label"] = parseResult.GetValue(label)?.Trim(),
                        ["api_key"] = parseResult.GetValue(apiKey)!.Trim(),
                        ["secret"] = await input.SecretAsync(parseResult.GetValue(secretFile), exchangeId, ct),
                        ["base_url"] = parseResult.GetValue(baseUrl),
                    };
                    var stepUp = await input.StepUpAsync(parseResult.GetValue(totp), ct);
                    return ExchangeApi.Outcome(await client.PostAsync(ExchangeApi.Connections, body, TokenUse.Required, ct, stepUp), format);
                },
                created => ConnectionText.RenderOne(context.Io.OutConsole, $"Connected {created.String("exchange")} as '{created.String("label")}'. The secret is in the vault and cannot be shown again.", created),
                cancellationToken);
        });
        return command;
    }
}
