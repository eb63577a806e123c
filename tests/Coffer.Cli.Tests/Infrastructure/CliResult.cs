namespace Coffer.Cli.Tests.Infrastructure;

internal sealed record CliResult(int ExitCode, string Stdout, string Stderr, int PromptCount)
{
    public string Output => Stdout + Stderr;
}
