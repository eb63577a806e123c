namespace Coffer.Cli.Tests.Infrastructure;

/// <summary>Runs <c>coffer</c> in-process with a fake environment: nothing is read from the real one.</summary>
internal static class CliRunner
{
    public static async Task<CliResult> RunAsync(IReadOnlyDictionary<string, string?> environment, params string[] args)
    {
        using var console = new TestConsole();
        return await RunAsync(environment, console, args);
    }

    public static async Task<CliResult> RunAsync(IReadOnlyDictionary<string, string?> environment, TestConsole console, params string[] args)
    {
        var exitCode = await CofferCli.RunAsync(args, console, name => environment.GetValueOrDefault(name));
        return new CliResult(exitCode, console.Stdout, console.Stderr, console.PromptCount);
    }
}
