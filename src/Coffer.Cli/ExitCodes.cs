namespace Coffer.Cli;

/// <summary>Process exit codes; scripts branch on them, so they are part of the CLI's contract.</summary>
internal static class ExitCodes
{
    public const int Ok = 0;

    /// <summary>The operation failed: the server refused it, or it could not be reached.</summary>
    public const int Failure = 1;

    /// <summary>The invocation is wrong (bad arguments or settings); retrying unchanged cannot help.</summary>
    public const int Usage = 2;
}
