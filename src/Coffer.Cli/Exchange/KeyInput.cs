using System.CommandLine;
using System.Text;
using Coffer.Cli.Output;

namespace Coffer.Cli.Exchange;

/// <summary>
/// The secret of an API key and the step-up code, read so that neither lands in shell history or <c>ps</c>: the secret
/// from <c>--secret-file</c> (<c>-</c> for stdin), from a redirected stdin, or from a prompt that does not echo; the code
/// from <c>--totp</c> (one-time, valid for seconds), a prompt, or the next line of stdin.
/// </summary>
internal sealed class KeyInput(IConsoleIO io)
{
    /// <summary>The vault's limit on a secret (the server has the final word); a larger file is not an API secret.</summary>
    private const int MaxSecretBytes = 8192;

    private bool _stdinUsed;

    public static Option<string?> SecretFile() => new("--secret-file")
    {
        Description = "Read the API secret (Coinbase: the EC private key PEM) from this file, or from stdin with -. Default: stdin when piped, else a prompt without echo.",
        HelpName = "FILE",
    };

    public static Option<string?> Totp() => new("--totp")
    {
        Description = "The current code of your authenticator app, for step-up (default: asked for without echo).",
        HelpName = "CODE",
    };

    /// <summary>
    /// Accepted only to be refused: a secret given as an argument is in shell history and in <c>ps</c> already. Declared so
    /// that the parser does not echo the value back as an unknown argument; the error names no value.
    /// </summary>
    public static Option<string?> RefusedSecret()
    {
        var option = new Option<string?>("--secret", "--api-secret", "--private-key") { Hidden = true };
        option.Validators.Add(result => result.AddError(
            "Never give the secret as an argument: it would stay in your shell history and be visible in ps. "
            + "Use --secret-file FILE, pipe it on stdin (e.g. `pass show binance | coffer exchange connect ...`), or leave both out to be asked for it without echo. "
            + "If you typed it already, remove it from your shell history."));
        return option;
    }

    public async Task<string> SecretAsync(string? file, string? exchange, CancellationToken cancellationToken)
    {
        string? secret;
        if (file == "-" || (file is null && io.IsInputRedirected))
        {
            _stdinUsed = true;
            secret = await io.In.ReadToEndAsync(cancellationToken);
        }
        else if (file is not null)
        {
            secret = await ReadFileAsync(file, cancellationToken);
        }
        else if (string.Equals(exchange, "coinbase", StringComparison.OrdinalIgnoreCase))
        {
            throw new CliException("A Coinbase key's secret is a multi-line EC private key (PEM), which a prompt cannot take: give it with --secret-file FILE, or pipe it on stdin.");
        }
        else
        {
            secret = await io.ReadSecretAsync("API secret (input is hidden):", cancellationToken);
        }

        secret = secret?.Trim();
        if (string.IsNullOrEmpty(secret))
        {
            throw new CliException("The API secret is empty. Copy the secret shown when the key was created on the exchange.");
        }

        return Encoding.UTF8.GetByteCount(secret) > MaxSecretBytes
            ? throw new CliException($"That is longer than any API secret ({MaxSecretBytes} bytes at most); check what --secret-file points to.")
            : secret;
    }

    /// <summary>The <c>Coffer-Step-Up</c> proof: <c>totp=</c> and the code.</summary>
    public async Task<string> StepUpAsync(string? code, CancellationToken cancellationToken)
    {
        if (code is null)
        {
            if (!io.IsInputRedirected)
            {
                code = await io.ReadSecretAsync("Authenticator code (step-up; input is hidden):", cancellationToken);
            }
            else if (_stdinUsed)
            {
                throw new CliException("stdin carries the secret, so the authenticator code cannot be read from it: pass --totp CODE.");
            }
            else
            {
                code = await io.In.ReadLineAsync(cancellationToken);
            }
        }

        code = code?.Trim().Replace(" ", string.Empty, StringComparison.Ordinal);
        return code is { Length: >= 6 and <= 8 } && code.All(char.IsAsciiDigit)
            ? "totp=" + code
            : throw new CliException("The authenticator code must be the 6 digits your authenticator app shows for Coffer.");
    }

    private static async Task<string> ReadFileAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            var info = new FileInfo(path);
            if (info.Exists && info.Length > MaxSecretBytes * 2)
            {
                throw new CliException($"--secret-file {path} is larger than any API secret; check the path.");
            }

            return await File.ReadAllTextAsync(path, cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new CliException($"Cannot read --secret-file {path}: {ex.Message}");
        }
    }
}
