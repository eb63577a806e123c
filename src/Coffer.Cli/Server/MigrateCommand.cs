using System.CommandLine;
using System.Text.Json.Nodes;
using Coffer.Cli.Output;
using Coffer.Server.Data;
using Coffer.Server.Hosting;

namespace Coffer.Cli.Server;

/// <summary><c>coffer migrate</c>: applies pending schema migrations offline, on the database directly (no server needed).</summary>
internal static class MigrateCommand
{
    public static Command Create(CliContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var data = ServerOptions.Data();
        var command = new Command("migrate", "Apply pending database migrations (offline: works on the data directory or COFFER_POSTGRES directly).") { data };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            ServerSettings settings;
            try
            {
                settings = SettingsResolver.Resolve(parseResult.GetValue(data), listen: null, dev: false, context.Environment);
            }
            catch (SettingsException ex)
            {
                return ErrorOutput.Failure(context.Io, ex.Message, ExitCodes.Usage);
            }

            try
            {
                var applied = await Migrator.MigrateAsync(settings, cancellationToken);
                Render(context.Io, context.Format.Get(parseResult), applied);
                return ExitCodes.Ok;
            }
            catch (Exception ex) when (StartupFailure.Describe(ex, settings) is { } message)
            {
                return ErrorOutput.Failure(context.Io, message);
            }
        });
        return command;
    }

    private static void Render(IConsoleIO io, OutputFormat format, IReadOnlyList<string> applied)
    {
        if (format == OutputFormat.Json)
        {
            JsonOutput.Write(io.Out, new JsonObject { ["applied"] = new JsonArray([.. applied.Select(name => JsonValue.Create(name))]) });
            return;
        }

        if (applied.Count == 0)
        {
            io.Out.WriteLine("Database is up to date.");
            return;
        }

        io.Out.WriteLine($"Applied {applied.Count} migration(s):");
        foreach (var name in applied)
        {
            io.Out.WriteLine($"  {name}");
        }
    }
}
