using System.CommandLine;
using System.Text.Json.Nodes;
using Coffer.Cli.Client;
using Coffer.Cli.Output;

namespace Coffer.Cli.Exchange;

/// <summary><c>coffer exchange remove</c>: deletes the secret from the vault and revokes the credential, after confirmation.</summary>
internal static class RemoveCommand
{
    public static Command Create(CliContext context)
    {
        var reference = ExchangeApi.Reference();
        var yes = new Option<bool>("--yes", "-y") { Description = "Do not ask for confirmation." };
        var command = new Command("remove", "Remove a connection: its secret is deleted from the vault and its credential token revoked.") { reference, yes };
        command.SetAction((parseResult, cancellationToken) =>
        {
            var format = context.Format.Get(parseResult);
            return ExchangeApi.RunOnConnectionAsync(
                context,
                parseResult,
                reference,
                async (client, connection, id, ct) =>
                {
                    var what = $"the {connection.String("exchange")} connection '{connection.String("label")}' ({connection.String("api_key")})";
                    if (!parseResult.GetValue(yes))
                    {
                        if (context.Io.IsInputRedirected)
                        {
                            throw new CliException($"Not removing {what} without confirmation: there is no terminal to ask on. Add --yes.");
                        }

                        if (!await context.Io.ConfirmAsync($"Remove {what}? Its secret is deleted from Coffer's vault.", ct))
                        {
                            throw new CliException("Nothing was removed.");
                        }
                    }

                    var response = await client.DeleteAsync(ExchangeApi.Connection(id), TokenUse.Required, ct);
                    return response.IsSuccess
                        ? CallResult.Ok(new JsonObject { ["id"] = id, ["label"] = connection.String("label"), ["exchange"] = connection.String("exchange"), ["removed"] = true })
                        : ExchangeApi.Outcome(response, format);
                },
                removed => context.Io.Out.WriteLine($"Removed the {removed.String("exchange")} connection '{removed.String("label")}': its secret is deleted from Coffer's vault. Delete the key on the exchange too if you no longer use it."),
                cancellationToken);
        });
        return command;
    }
}
