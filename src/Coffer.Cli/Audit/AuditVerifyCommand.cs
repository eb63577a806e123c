using System.CommandLine;
using System.Text.Json.Nodes;
using Coffer.Cli.Client;
using Coffer.Cli.Output;

namespace Coffer.Cli.Audit;

/// <summary>
/// <c>coffer audit verify</c>: has the server recompute every hash and link of the audit chain. Exits 0 when the chain
/// is intact and 1 when it is broken, naming the first broken record (its seq and whether it was edited, deleted or
/// reordered), so a cron job or CI step can alert on it.
/// </summary>
internal static class AuditVerifyCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("verify", "Check the audit log's hash chain; exit 1 and name the first broken record if any was edited, deleted or reordered.");
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            bool? intact = null;
            var exitCode = await ApiCommand.RunAsync(
                context,
                parseResult,
                async (client, ct) =>
                {
                    var response = await client.GetAsync(AuditPaths.Verify, TokenUse.Required, ct);
                    intact = response.IsSuccess ? response.Body.Bool("ok") : null;
                    return response;
                },
                result => Render(context, result),
                cancellationToken);

            // Anything but a clear "ok": true is a failure: a script must never read a garbled answer as "intact".
            return exitCode == ExitCodes.Ok && intact != true ? ExitCodes.Failure : exitCode;
        });
        return command;
    }

    private static void Render(CliContext context, JsonObject result)
    {
        var records = Invariant.Number(result.Integer("records"));
        switch (result.Bool("ok"))
        {
            case true:
                context.Io.Out.WriteLine(result.String("last_hash") is { } last
                    ? $"Audit log intact: {records} records, chain ends in {last}."
                    : "Audit log intact: it has no records yet.");
                break;
            case false:
                var broken = result.Object("first_broken");
                context.Io.Out.WriteLine($"Audit log BROKEN at record {Invariant.Number(broken?.Integer("seq"))} ({broken?.String("problem") ?? "?"}): {broken?.String("detail")}");
                context.Io.Out.WriteLine($"The {records} records before it are intact.");
                break;
            default:
                context.Io.Error.WriteLine("The server's answer does not say whether the audit log is intact.");
                break;
        }
    }
}
