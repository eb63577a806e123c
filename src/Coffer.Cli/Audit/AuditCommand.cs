using System.CommandLine;

namespace Coffer.Cli.Audit;

/// <summary><c>coffer audit ...</c>: the hash-chained audit log of a running server (over HTTPS).</summary>
internal static class AuditCommand
{
    public static Command Create(CliContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var command = new Command("audit", "Verify and export the server's hash-chained audit log (needs a COFFER_TOKEN with audit:read).");
        context.Client.AddTo(command);
        command.Subcommands.Add(AuditVerifyCommand.Create(context));
        command.Subcommands.Add(AuditExportCommand.Create(context));
        return command;
    }
}

/// <summary>The server's <c>/api/v1/audit</c> endpoints, relative to the server address so a path prefix is kept.</summary>
internal static class AuditPaths
{
    public const string Verify = "api/v1/audit/verify";
    public const string Export = "api/v1/audit/export";
    public const string NdjsonMediaType = "application/x-ndjson";
}
