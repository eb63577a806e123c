using System.CommandLine;
using Coffer.Cli.Output;
using Coffer.Server.Hosting;

namespace Coffer.Cli.Demo;

/// <summary><c>coffer demo</c>: the whole product in one command, with weeks of sandbox trading behind it.</summary>
internal static class DemoCommand
{
    public static Command Create(CliContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var listen = new Option<string>("--listen")
        {
            Description = "IP:PORT to serve the demo's HTTPS on (port 0: a free one).",
            HelpName = "HOST:PORT",
            DefaultValueFactory = _ => ServerSettings.DefaultListen,
        };
        var days = new Option<int>("--days") { Description = $"Days of trading history to replay (7 to {DemoOptions.MaxDays}).", DefaultValueFactory = _ => 28 };
        var seed = new Option<int>("--seed") { Description = "Seed of the market and the trader's script; the same seed replays the same history.", DefaultValueFactory = _ => 7 };
        var command = new Command("demo", "Run a demo: the sandbox exchanges, a development server and a demo trader with weeks of history.") { listen, days, seed };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var dayCount = parseResult.GetValue(days);
            if (dayCount is < 7 or > DemoOptions.MaxDays)
            {
                return ErrorOutput.Failure(context.Io, $"--days must be between 7 and {DemoOptions.MaxDays}.", ExitCodes.Usage);
            }

            var options = new DemoOptions(parseResult.GetValue(listen)!, dayCount, parseResult.GetValue(seed));
            try
            {
                return await DemoRunner.RunAsync(options, context.Io.Out, cancellationToken);
            }
            catch (SettingsException ex)
            {
                return ErrorOutput.Failure(context.Io, ex.Message, ExitCodes.Usage);
            }
            catch (CliException ex)
            {
                return ErrorOutput.Failure(context.Io, ex.Message);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // Ctrl+C while the history was being replayed.
                return ExitCodes.Ok;
            }
            catch (Exception ex) when (StartupFailure.Describe(ex, SettingsResolver.Resolve(null, options.Listen, dev: true, _ => null)) is { } message)
            {
                return ErrorOutput.Failure(context.Io, message);
            }
        });
        return command;
    }
}
