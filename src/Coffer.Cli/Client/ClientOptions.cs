using System.CommandLine;

namespace Coffer.Cli.Client;

/// <summary>
/// Options of commands that talk to a running server. There is deliberately no <c>--token</c>: a token on a command line
/// lands in shell history and in <c>ps</c>, so it is only read from <c>COFFER_TOKEN</c>.
/// </summary>
internal sealed class ClientOptions
{
    public Option<string?> Address { get; } = new("--addr")
    {
        Description = $"Server URL (overrides COFFER_ADDR; default {ClientSettings.DefaultAddress}).",
        HelpName = "URL",
        Recursive = true,
    };

    public Option<string?> CaCertificate { get; } = new("--cacert")
    {
        Description = "PEM certificate(s) to trust for the server, e.g. <data>/tls/coffer.crt (overrides COFFER_CACERT).",
        HelpName = "FILE",
        Recursive = true,
    };

    /// <summary>Adds the options to a command group; being recursive, they apply to all its subcommands.</summary>
    public void AddTo(System.CommandLine.Command command)
    {
        command.Options.Add(Address);
        command.Options.Add(CaCertificate);
    }
}
