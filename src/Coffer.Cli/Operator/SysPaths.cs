namespace Coffer.Cli.Operator;

/// <summary>The server's <c>/api/v1/sys</c> endpoints, relative to the server address so a path prefix is kept.</summary>
internal static class SysPaths
{
    public const string Init = "api/v1/sys/init";
    public const string Unseal = "api/v1/sys/unseal";
    public const string Seal = "api/v1/sys/seal";
    public const string Status = "api/v1/sys/status";
    public const string Rotate = "api/v1/sys/rotate";
}
