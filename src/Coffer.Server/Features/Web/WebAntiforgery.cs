using Coffer.Server.Problems;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Coffer.Server.Features.Web;

internal sealed record AntiforgeryResponse(string Token, string HeaderName);

/// <summary>
/// CSRF defence for the cookie session with ASP.NET Core's antiforgery (OWASP CSRF cheat sheet: synchronizer token in a
/// custom header, on top of SameSite=Strict). Every state-changing request authenticated by the session cookie, and
/// every sign-in that asks for the cookie (against login CSRF: a forged sign-in into the attacker's account), must
/// carry a token from <c>GET /api/v1/auth/antiforgery</c> in <see cref="HeaderName"/>. Bearer-token clients are not
/// affected: a browser never attaches an Authorization header on its own, so they cannot be forged.
/// </summary>
internal static class WebAntiforgery
{
    public const string HeaderName = "X-Coffer-Antiforgery";

    /// <summary>The cookie half of the double token, <c>__Host-</c> prefixed like the session's (RFC 6265bis §4.1.3.2).</summary>
    public const string CookieName = "__Host-coffer_af";

    public const string TokenPath = "/api/v1/auth/antiforgery";

    public static IServiceCollection AddWebApp(this IServiceCollection services)
    {
        services.AddDataProtection().SetApplicationName("coffer");
        services.AddSingleton<IConfigureOptions<KeyManagementOptions>, DataProtectionKeyStore>();
        services.AddAntiforgery(o =>
        {
            o.HeaderName = HeaderName;
            o.Cookie.Name = CookieName;
            o.Cookie.HttpOnly = true;
            o.Cookie.SecurePolicy = CookieSecurePolicy.Always;
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.Path = "/";
            o.Cookie.Domain = null;

            // SecurityHeaders already sends X-Frame-Options: DENY; antiforgery's SAMEORIGIN would be weaker.
            o.SuppressXFrameOptionsHeader = true;
        });
        return services;
    }

    public static IEndpointRouteBuilder MapWebEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet(TokenPath, Token).AllowAnonymous().WithTags("auth");
        return app;
    }

    /// <summary>
    /// A request token for the caller as they are now (anonymous, or the cookie's user: tokens are bound to the user id,
    /// the NameIdentifier claim), and the cookie it pairs with. The app fetches a new one after signing in or out.
    /// </summary>
    internal static Ok<AntiforgeryResponse> Token(HttpContext context, IAntiforgery antiforgery)
    {
        // Antiforgery sets its own no-cache headers, and logs a warning when it finds others (the API's no-store) already
        // there: clear them first, then put back the one this answer needs.
        context.Response.Headers.Remove("Cache-Control");
        var tokens = antiforgery.GetAndStoreTokens(context);
        context.Response.Headers.CacheControl = "no-store";
        context.Response.Headers.Remove("Pragma");
        return TypedResults.Ok(new AntiforgeryResponse(tokens.RequestToken!, HeaderName));
    }

    /// <summary>After authentication: refuses what needs a valid antiforgery token and lacks one, before any handler runs.</summary>
    public static IApplicationBuilder UseWebAntiforgery(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (NeedsToken(context) && !await context.RequestServices.GetRequiredService<IAntiforgery>().IsRequestValidAsync(context))
        {
            await Problem.WriteAsync(context, ProblemType.AntiforgeryFailed, $"Reload the page and try again: the request lacked a valid {HeaderName} header for this session (fetch one from GET {TokenPath}).");
            return;
        }

        await next(context);
    });

    private static bool NeedsToken(HttpContext context)
    {
        var method = context.Request.Method;
        var unsafeMethod = !(HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method) || HttpMethods.IsTrace(method));
        return (unsafeMethod && SessionCookie.IsCookieAuthenticated(context.User)) || SessionCookie.Requested(context);
    }
}
