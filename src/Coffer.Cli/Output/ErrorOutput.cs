using System.Text.Json.Nodes;
using Spectre.Console;

namespace Coffer.Cli.Output;

internal static class ErrorOutput
{
    /// <summary>Renders an RFC 9457 problem from the server; in JSON mode scripts get the problem object itself on stdout.</summary>
    public static int Problem(IConsoleIO io, OutputFormat format, JsonObject problem)
    {
        if (format == OutputFormat.Json)
        {
            JsonOutput.Write(io.Out, problem);
            return ExitCodes.Failure;
        }

        var title = problem.String("title") ?? $"HTTP {problem.Integer("status")}";
        var detail = problem.String("detail");
        return Failure(io, detail is { Length: > 0 } ? $"{title} — {detail}" : title);
    }

    /// <summary>A local failure (unreachable server, missing token, bad settings): always text on stderr.</summary>
    public static int Failure(IConsoleIO io, string message, int exitCode = ExitCodes.Failure)
    {
        io.ErrorConsole.MarkupLine($"[red]Error: {Markup.Escape(message)}[/]");
        return exitCode;
    }
}
