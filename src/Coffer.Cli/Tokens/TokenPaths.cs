namespace Coffer.Cli.Tokens;

/// <summary>The server's <c>/api/v1/tokens</c> endpoints, relative to the server address so a path prefix is kept.</summary>
internal static class TokenPaths
{
    public const string Tokens = "api/v1/tokens";
    public const string Self = "api/v1/tokens/self";
    public const string SelfRevoke = "api/v1/tokens/self/revoke";

    /// <summary>What users type for the calling token (the one in <c>COFFER_TOKEN</c>).</summary>
    public const string SelfName = "self";

    public static string Token(string accessor) => $"{Tokens}/{Escape(accessor)}";

    public static string Revoke(string accessor) => accessor == SelfName ? SelfRevoke : $"{Token(accessor)}/revoke";

    public static string Lookup(string accessor) => accessor == SelfName ? Self : Token(accessor);

    public static string Log(string accessor) => $"{Token(accessor)}/access-log";

    // Accessors are validated before they get here (TokenArguments.Accessor); escaping anyway keeps a path a path.
    private static string Escape(string accessor) => Uri.EscapeDataString(accessor);
}
