using Coffer.Cli.Output;
using Spectre.Console;

namespace Coffer.Cli.Tests.Infrastructure;

/// <summary>A console with captured output, an optional redirected stdin and a scripted hidden prompt.</summary>
internal sealed class TestConsole : IConsoleIO, IDisposable
{
    private readonly StringWriter _out = new();
    private readonly StringWriter _error = new();
    private readonly string? _secret;

    /// <param name="stdin">Text on a redirected stdin; null means stdin is a terminal.</param>
    /// <param name="secret">What the user types at a hidden prompt; null fails the test if a prompt is shown.</param>
    public TestConsole(string? stdin = null, string? secret = null)
    {
        IsInputRedirected = stdin is not null;
        In = new StringReader(stdin ?? string.Empty);
        _secret = secret;
        OutConsole = Create(_out);
        ErrorConsole = Create(_error);
    }

    public TextWriter Out => _out;

    public TextWriter Error => _error;

    public IAnsiConsole OutConsole { get; }

    public IAnsiConsole ErrorConsole { get; }

    public TextReader In { get; }

    public bool IsInputRedirected { get; }

    public int PromptCount { get; private set; }

    public string Stdout => _out.ToString();

    public string Stderr => _error.ToString();

    public Task<string> ReadSecretAsync(string prompt, CancellationToken cancellationToken)
    {
        PromptCount++;
        return Task.FromResult(_secret ?? throw new InvalidOperationException($"Unexpected prompt: {prompt}"));
    }

    public void Dispose()
    {
        _out.Dispose();
        _error.Dispose();
    }

    private static IAnsiConsole Create(TextWriter writer)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(writer),
        });

        // Wide enough that no message under test is wrapped.
        console.Profile.Width = 400;
        return console;
    }
}
