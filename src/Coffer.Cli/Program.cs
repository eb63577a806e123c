using Coffer.Cli.Output;

namespace Coffer.Cli;

internal static class Program
{
    // Long enough for `coffer server` to finish in-flight requests and shut down cleanly on Ctrl+C before the process is ended.
    private static readonly TimeSpan TerminationTimeout = TimeSpan.FromSeconds(30);

    public static Task<int> Main(string[] args) =>
        CofferCli.RunAsync(args, new SystemConsoleIO(), Environment.GetEnvironmentVariable, terminationTimeout: TerminationTimeout);
}
