using System.CommandLine;
using System.CommandLine.Invocation;
using System.CommandLine.Parsing;
using Coffer.Cli.Audit;
using Coffer.Cli.Auth;
using Coffer.Cli.Client;
using Coffer.Cli.Operator;
using Coffer.Cli.Output;
using Coffer.Cli.Server;

namespace Coffer.Cli;

/// <summary>The <c>coffer</c> command tree, built over an injectable console, environment and transport so tests run it in-process.</summary>
internal static class CofferCli
{
    public static RootCommand Build(IConsoleIO io, Func<string, string?> environment, HttpMessageHandler? handler = null)
    {
        ArgumentNullException.ThrowIfNull(io);
        ArgumentNullException.ThrowIfNull(environment);

        var format = new FormatOption();
        var context = new CliContext(io, environment, handler, format, new ClientOptions());
        var root = new RootCommand("Coffer: a self-hosted vault for crypto exchange API keys.")
        {
            format.Option,
            ServerCommand.Create(context),
            MigrateCommand.Create(context),
            OperatorCommand.Create(context),
            Tokens.TokenCommand.Create(context),
            Apps.AppCommand.Create(context),
            OAuth.OAuthCommand.Create(context),
            Exchange.ExchangeCommand.Create(context),
            Portfolio.PortfolioCommand.Create(context),
            Trading.OrderCommand.Create(context),
            Trading.TradesCommand.Create(context),
            AuditCommand.Create(context),
            LoginCommand.Create(context),
            Sandbox.SandboxCommand.Create(context),
            Demo.DemoCommand.Create(context),
        };
        return root;
    }

    /// <summary>Parses and runs <paramref name="args"/>; returns the process exit code (see <see cref="ExitCodes"/>).</summary>
    /// <param name="terminationTimeout">
    /// When set, Ctrl+C/SIGTERM cancel the command's token and the process is ended this long after; tests leave it null so no
    /// process-wide signal handlers are installed.
    /// </param>
    public static async Task<int> RunAsync(
        IReadOnlyList<string> args,
        IConsoleIO io,
        Func<string, string?> environment,
        HttpMessageHandler? handler = null,
        TimeSpan? terminationTimeout = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(io);
        var parseResult = Build(io, environment, handler).Parse(args);
        var configuration = new InvocationConfiguration
        {
            Output = io.Out,
            Error = io.Error,
            ProcessTerminationTimeout = terminationTimeout,
        };
        if (parseResult.Action is ParseErrorAction parseError)
        {
            // The errors alone, on stderr: a full help text on stdout would bury them and pollute output piped into jq.
            parseError.ShowHelp = false;
        }

        var exitCode = await parseResult.InvokeAsync(configuration, cancellationToken);
        if (parseResult.Errors.Count == 0)
        {
            return exitCode;
        }

        await io.Error.WriteLineAsync($"Run `{CommandPath(parseResult.CommandResult)} --help` for usage.");

        // System.CommandLine reports parse errors with 1, which scripts could not tell from "the server said no".
        return ExitCodes.Usage;
    }

    private static string CommandPath(SymbolResult? result)
    {
        var names = new Stack<string>();
        for (var current = result; current is not null; current = current.Parent)
        {
            if (current is CommandResult command)
            {
                names.Push(command.Command is RootCommand ? "coffer" : command.Command.Name);
            }
        }

        return string.Join(' ', names);
    }
}
