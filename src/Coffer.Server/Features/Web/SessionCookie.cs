using Coffer.Server.Features.Tokens;

namespace Coffer.Server.Features.Web;

/// <summary>Marks the endpoints that start a session (sign-in, sign-up, passkey sign-in, unfreeze): they can set the cookie.</summary>
internal sealed class IssuesSessionMetadata
{
    public static readonly IssuesSessionMetadata Instance = new();
}

/// <summary>
/// The web app's session: the same <c>session</c> token as the API's, carried in an HTTP-only cookie instead of the
/// Authorization header, so script in the page (an XSS payload included) can never read it (issue 6 §2, DESIGN §7).
/// </summary>
internal static class SessionCookie
{
    /// <summary>
    /// The <c>__Host-</c> prefix (RFC 6265bis §4.1.3.2) makes the browser refuse the cookie unless it is Secure, has
    /// Path=/ and no Domain: no subdomain, and no plain-HTTP page, can set or shadow it.
    /// </summary>
    public const string Name = "__Host-coffer_session";

    /// <summary>A sign-in request with <c>Coffer-Session: cookie</c> gets the session as this cookie and not in the body.</summary>
    public const string ModeHeader = "Coffer-Session";

    public const string CookieMode = "cookie";

    public static bool Requested(HttpContext context) =>
        string.Equals(context.Request.Headers[ModeHeader].ToString().Trim(), CookieMode, StringComparison.OrdinalIgnoreCase)
        && context.GetEndpoint()?.Metadata.GetMetadata<IssuesSessionMetadata>() is not null;

    /// <summary>Sets the cookie when the request asked for it; returns the token for the body otherwise (null in cookie mode).</summary>
    public static string? Deliver(HttpContext context, IssuedToken session)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(session);
        if (!Requested(context))
        {
            return session.Token;
        }

        context.Response.Cookies.Append(Name, session.Token, Options(session.Info.ExpiresAt));
        return null;
    }

    /// <summary>Tells the browser to drop the cookie (sign-out, freeze): the token behind it is revoked anyway.</summary>
    public static void Expire(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Request.Cookies.ContainsKey(Name) || IsCookieAuthenticated(context.User))
        {
            context.Response.Cookies.Delete(Name, Options(null));
        }
    }

    public static bool IsCookieAuthenticated(System.Security.Claims.ClaimsPrincipal user) =>
        user.HasClaim(TokenAuthenticationHandler.TransportClaim, CookieMode);

    /// <summary>
    /// HttpOnly: out of reach of script. Secure and Path=/ without Domain: what <c>__Host-</c> demands. SameSite=Strict
    /// (RFC 6265bis §8.8): never sent on a request another site starts, so a cross-site form or link arrives signed out
    /// (OWASP CSRF cheat sheet: SameSite as defence in depth beside the antiforgery token). Expires with the session.
    /// </summary>
    private static CookieOptions Options(DateTimeOffset? expires) => new()
    {
        HttpOnly = true,
        Secure = true,
        SameSite = SameSiteMode.Strict,
        Path = "/",
        Domain = null,
        Expires = expires,
        IsEssential = true,
    };
}
