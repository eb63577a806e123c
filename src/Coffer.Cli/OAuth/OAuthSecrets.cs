using System.CommandLine;
using Coffer.Cli.Output;

namespace Coffer.Cli.OAuth;

/// <summary>
/// Client secrets and tokens for <c>coffer oauth</c>, read so that none lands in shell history or <c>ps</c>: an option
/// takes only <c>-</c> (read one line from stdin); left out, the value comes from an environment variable, else (when it
/// is needed) from a prompt that does not echo. A value typed as the option's argument is refused, never echoed.
/// </summary>
internal sealed class OAuthSecrets(IConsoleIO io, Func<string, string?> environment)
{
    public const string ClientSecretVariable = "COFFER_CLIENT_SECRET";

    // Far above any Coffer secret or token; a longer line is not one.
    private const int MaxLength = 4096;

    private bool _stdinUsed;

    public static Option<string?> Option(string name, string variable, string what) => new(name)
    {
        Description = $"- to read the {what} from stdin (default: ${variable}, else a prompt without echo when needed). Never the value itself: it would stay in shell history.",
        HelpName = "-",
        Validators =
        {
            result =>
            {
                var value = result.Tokens.Count == 1 ? result.Tokens[0].Value : string.Empty;
                if (value != "-")
                {
                    result.AddError($"{name} takes only - (read the {what} from stdin), or leave it out and set {variable}: a {what} given as an argument "
                        + "stays in your shell history and is visible in ps. If you typed it already, remove it from your shell history.");
                }
            },
        },
    };

    /// <summary>The value, or null when it is optional and not given anywhere.</summary>
    public async Task<string?> ReadAsync(string? option, string variable, string what, bool required, CancellationToken cancellationToken)
    {
        string? value;
        if (option == "-")
        {
            if (_stdinUsed)
            {
                throw new CliException($"stdin carries another value already, so the {what} cannot be read from it too: set {variable} instead.");
            }

            _stdinUsed = true;
            value = await io.In.ReadLineAsync(cancellationToken);
        }
        else if (environment(variable) is { Length: > 0 } fromEnvironment)
        {
            value = fromEnvironment;
        }
        else if (!required)
        {
            return null;
        }
        else if (!io.IsInputRedirected)
        {
            value = await io.ReadSecretAsync($"The {what} (input is hidden):", cancellationToken);
        }
        else
        {
            throw new CliException($"No {what} given: pipe it on stdin with - as the option's value, or set {variable}.");
        }

        value = value?.Trim();
        if (string.IsNullOrEmpty(value))
        {
            throw new CliException($"The {what} is empty.");
        }

        // Only visible ASCII can travel in a form or an Authorization header; say so rather than send something mangled.
        return value.Length > MaxLength || value.Any(c => c is < '!' or > '~')
            ? throw new CliException($"The {what} contains characters no Coffer {what} has; check how it was copied.")
            : value;
    }
}
