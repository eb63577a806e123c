using System.CommandLine;
using Coffer.Cli.Client;
using Coffer.Cli.Output;

namespace Coffer.Cli;

/// <summary>What every command needs: the console, the environment, the HTTP transport and the shared options.</summary>
/// <param name="Handler">Replaces the HTTPS transport (and with it <c>COFFER_CACERT</c> handling); null in production.</param>
internal sealed record CliContext(
    IConsoleIO Io,
    Func<string, string?> Environment,
    HttpMessageHandler? Handler,
    FormatOption Format,
    ClientOptions Client);
