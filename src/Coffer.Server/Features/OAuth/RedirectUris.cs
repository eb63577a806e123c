using System.Net;

namespace Coffer.Server.Features.OAuth;

/// <summary>
/// Redirect URIs: registered as absolute URIs and compared by exact string (RFC 9700 §2.1), with the one exception RFC
/// 8252 §7.3 makes for native apps: an <c>http</c> redirect to a loopback IP literal may use any port, since the app
/// picks a free one at run time. Nothing else is loosened: no wildcards, no prefix matches, no fragments.
/// </summary>
internal static class RedirectUris
{
    public const int MaxLength = 2000;
    public const int MaxCount = 10;

    /// <summary>Null when <paramref name="uri"/> may be registered; otherwise why not.</summary>
    public static string? Problem(string? uri)
    {
        if (string.IsNullOrWhiteSpace(uri) || uri.Length > MaxLength || uri.Any(c => char.IsControl(c) || char.IsWhiteSpace(c)))
        {
            return "a redirect URI is an absolute URI of at most 2000 characters without spaces";
        }

        if (!Uri.TryCreate(uri, UriKind.Absolute, out var parsed) || parsed.OriginalString != uri)
        {
            return $"'{Shorten(uri)}' is not an absolute URI";
        }

        if (uri.Contains('#', StringComparison.Ordinal))
        {
            return $"'{Shorten(uri)}' has a fragment, which RFC 6749 §3.1.2 forbids";
        }

        if (parsed.UserInfo.Length > 0)
        {
            return $"'{Shorten(uri)}' carries user information";
        }

        if (parsed.Scheme == Uri.UriSchemeHttps)
        {
            return null;
        }

        if (parsed.Scheme == Uri.UriSchemeHttp)
        {
            return IsLoopbackLiteral(parsed)
                ? null
                : $"'{Shorten(uri)}' uses http: only loopback addresses (http://127.0.0.1/… or http://[::1]/…) may, for apps on the user's own machine";
        }

        return $"'{Shorten(uri)}' must use https (or http to a loopback address)";
    }

    /// <summary>Whether the redirect URI a client sent is one of the registered ones.</summary>
    public static bool Matches(IEnumerable<string> registered, string presented)
    {
        foreach (var candidate in registered)
        {
            if (string.Equals(candidate, presented, StringComparison.Ordinal))
            {
                return true;
            }

            // RFC 8252 §7.3: for loopback redirects only the port may differ.
            if (candidate.StartsWith("http://", StringComparison.Ordinal) && presented.StartsWith("http://", StringComparison.Ordinal)
                && Uri.TryCreate(candidate, UriKind.Absolute, out var want) && Uri.TryCreate(presented, UriKind.Absolute, out var got)
                && IsLoopbackLiteral(want) && IsLoopbackLiteral(got) && Problem(presented) is null
                && string.Equals(WithoutPort(want), WithoutPort(got), StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Appends the response parameters to a redirect URI, keeping any query it already has (RFC 6749 §4.1.2).</summary>
    public static string With(string redirectUri, IEnumerable<KeyValuePair<string, string?>> parameters)
    {
        var query = string.Join('&', parameters.Where(p => p.Value is not null).Select(p => Uri.EscapeDataString(p.Key) + "=" + Uri.EscapeDataString(p.Value!)));
        return redirectUri + (redirectUri.Contains('?', StringComparison.Ordinal) ? "&" : "?") + query;
    }

    private static bool IsLoopbackLiteral(Uri uri) =>
        uri.HostNameType is UriHostNameType.IPv4 or UriHostNameType.IPv6 && IPAddress.TryParse(uri.IdnHost, out var address) && IPAddress.IsLoopback(address);

    private static string WithoutPort(Uri uri) => $"{uri.Scheme}://{uri.Host}{uri.PathAndQuery}";

    private static string Shorten(string uri) => uri.Length > 80 ? uri[..80] + "…" : uri;
}
