namespace Coffer.Cli.Client;

/// <summary>Whether a request carries <c>COFFER_TOKEN</c>.</summary>
internal enum TokenUse
{
    None,

    /// <summary>Sent when set; the server shows more to an admin (e.g. key versions in status).</summary>
    IfPresent,

    /// <summary>The request is refused locally, before anything is sent, when no token is set.</summary>
    Required,
}
