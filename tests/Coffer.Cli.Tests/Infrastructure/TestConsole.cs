using Coffer.Cli.Output;
using Spectre.Console;

namespace Coffer.Cli.Tests.Infrastructure;

/// <summary>A console with captured output, an optional redirected stdin and a scripted hidden prompt.</summary>
internal sealed class TestConsole : IConsoleIO, IDisposable
{
    private readonly StringWriter _out = new();
    private readonly StringWriter _error = new();
    private readonly Queue<string> _secrets;
    private readonly bool? _confirm;

    /// <param name="stdin">Text on a redirected stdin; null means stdin is a terminal.</param>
    /// <param name="secret">What the user types at a hidden prompt; null fails the test if a prompt is shown.</param>
    /// <param name="confirm">The answer to a yes/no question; null fails the test if one is asked.</param>
    /// <param name="secrets">What the user types at further hidden prompts, in order, after <paramref name="secret"/>; the last is repeated.</param>
    public TestConsole(string? stdin = null, string? secret = null, bool? confirm = null, params string[] secrets)
    {
        IsInputRedirected = stdin is not null;
        In = new StringReader(stdin ?? string.Empty);
        _secrets = new Queue<string>(secret is null ? secrets : [secret, .. secrets]);
        _confirm = confirm;
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

    /// <summary>The prompts shown, in order.</summary>
    public List<string> Prompts { get; } = [];

    public string Stdout => _out.ToString();

    public string Stderr => _error.ToString();

    public Task<string> ReadSecretAsync(string prompt, CancellationToken cancellationToken)
    {
        PromptCount++;
        Prompts.Add(prompt);
        // The last answer stands for every prompt after it, as the single scripted secret always did.
        var typed = _secrets.Count > 1 ? _secrets.Dequeue() : _secrets.Count == 1 ? _secrets.Peek() : throw new InvalidOperationException($"Unexpected prompt: {prompt}");
        return Task.FromResult(typed);
    }

    public Task<bool> ConfirmAsync(string prompt, CancellationToken cancellationToken)
    {
        PromptCount++;
        Prompts.Add(prompt);
        return Task.FromResult(_confirm ?? throw new InvalidOperationException($"Unexpected question: {prompt}"));
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
