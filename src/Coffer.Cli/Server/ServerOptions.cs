using System.CommandLine;

namespace Coffer.Cli.Server;

/// <summary>Options of the commands that run the server or work on its data directory directly.</summary>
internal static class ServerOptions
{
    public static Option<string?> Data() => new("--data")
    {
        Description = "Data directory (overrides COFFER_DATA; default $XDG_DATA_HOME/coffer, or ./.coffer with --dev).",
        HelpName = "DIR",
    };
}
