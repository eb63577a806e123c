using System.CommandLine;
using Coffer.Cli.Output;
using Coffer.Server.Hosting;

namespace Coffer.Cli.Server;

/// <summary><c>coffer server</c>: runs the server in the foreground until Ctrl+C.</summary>
internal static class ServerCommand
{
    public static Command Create(CliContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var data = ServerOptions.Data();
        var listen = new Option<string?>("--listen")
        {
            Description = $"IP:PORT to serve HTTPS on (overrides COFFER_LISTEN; default {ServerSettings.DefaultListen}).",
            HelpName = "HOST:PORT",
        };
        var dev = new Option<bool>("--dev")
        {
            Description = "Development mode: file key provider (the unseal key beside the data), auto-init, verbose errors. Never in production.",
        };
        var command = new Command("server", "Run the Coffer server.") { data, listen, dev };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            ServerSettings settings;
            try
            {
                settings = SettingsResolver.Resolve(parseResult.GetValue(data), parseResult.GetValue(listen), parseResult.GetValue(dev), context.Environment);
            }
            catch (SettingsException ex)
            {
                return ErrorOutput.Failure(context.Io, ex.Message, ExitCodes.Usage);
            }

            try
            {
                await ServerHost.RunAsync(settings, context.Io.Out, cancellationToken);
                return ExitCodes.Ok;
            }
            catch (Exception ex) when (StartupFailure.Describe(ex, settings) is { } message)
            {
                return ErrorOutput.Failure(context.Io, message);
            }
        });
        return command;
    }
}
