using Spectre.Console;

namespace Coffer.Cli.Output;

/// <summary>The process's standard streams, abstracted so commands can be run in-process by tests.</summary>
internal interface IConsoleIO
{
    /// <summary>Standard output, for JSON and anything that must be copied verbatim (shares, tokens).</summary>
    TextWriter Out { get; }

    /// <summary>Standard error, for diagnostics.</summary>
    TextWriter Error { get; }

    /// <summary>Renders tables and colour onto <see cref="Out"/>.</summary>
    IAnsiConsole OutConsole { get; }

    /// <summary>Renders colour onto <see cref="Error"/>.</summary>
    IAnsiConsole ErrorConsole { get; }

    TextReader In { get; }

    /// <summary>True when standard input is a pipe or file, so a secret can be read from it instead of prompted for.</summary>
    bool IsInputRedirected { get; }

    /// <summary>Asks for a secret on the terminal without echoing it.</summary>
    Task<string> ReadSecretAsync(string prompt, CancellationToken cancellationToken);

    /// <summary>Asks a yes/no question on the terminal; no unless the answer is yes.</summary>
    Task<bool> ConfirmAsync(string prompt, CancellationToken cancellationToken);
}
