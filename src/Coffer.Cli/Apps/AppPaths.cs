namespace Coffer.Cli.Apps;

/// <summary>The server's <c>/api/v1/apps</c> endpoints, relative to the server address so a path prefix is kept.</summary>
internal static class AppPaths
{
    public const string Apps = "api/v1/apps";
    public const string AllApps = "api/v1/apps?all=true";

    // Client ids are validated before they get here (AppText.ClientId); escaping anyway keeps a path a path.
    public static string Disable(string clientId) => $"{Apps}/{Uri.EscapeDataString(clientId)}/disable";
}
