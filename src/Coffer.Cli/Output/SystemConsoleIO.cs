using Spectre.Console;

namespace Coffer.Cli.Output;

/// <summary>The real console.</summary>
internal sealed class SystemConsoleIO : IConsoleIO
{
    // Spectre wraps at 80 columns when it cannot ask a terminal; that would break long messages and paths in logs.
    private const int RedirectedWidth = 4096;

    public SystemConsoleIO()
    {
        OutConsole = Create(Console.Out, Console.IsOutputRedirected);
        ErrorConsole = Create(Console.Error, Console.IsErrorRedirected);
    }

    public TextWriter Out => Console.Out;

    public TextWriter Error => Console.Error;

    public IAnsiConsole OutConsole { get; }

    public IAnsiConsole ErrorConsole { get; }

    public TextReader In => Console.In;

    public bool IsInputRedirected => Console.IsInputRedirected;

    // The prompt goes to stderr so that stdout carries only the command's result (it may be piped into jq).
    public Task<string> ReadSecretAsync(string prompt, CancellationToken cancellationToken) =>
        ErrorConsole.PromptAsync(new TextPrompt<string>(prompt).Secret(), cancellationToken);

    public Task<bool> ConfirmAsync(string prompt, CancellationToken cancellationToken) =>
        ErrorConsole.PromptAsync(new ConfirmationPrompt(prompt) { DefaultValue = false }, cancellationToken);

    private static IAnsiConsole Create(TextWriter writer, bool redirected)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(writer) });
        if (redirected)
        {
            console.Profile.Width = RedirectedWidth;
        }

        return console;
    }
}
