using Coffer.Server.Features.OAuth.Dpop;

namespace Coffer.Server.Features.OAuth;

/// <summary>
/// DPoP (RFC 9449) at the token endpoint: a request with a valid proof gets tokens bound to the proof's key (§5), an app
/// registered as DPoP-bound gets nothing without one, and a proof that fails any check of §4.3 is refused — never
/// silently downgraded to bearer tokens.
/// </summary>
internal sealed class OAuthDpop(DpopProofValidator validator)
{
    public static IReadOnlyList<string> Algorithms => DpopProofValidator.Algorithms;

    /// <summary>The thumbprint of the key the request proves, or null when it sends no proof and the app does not need one.</summary>
    public async Task<string?> AtTokenEndpointAsync(HttpContext http, OAuthAppRow app, CancellationToken cancellationToken)
    {
        var headers = http.Request.Headers["DPoP"];
        if (headers.Count == 0)
        {
            return app.DpopBound
                ? throw new OAuthException("invalid_dpop_proof", "This app's tokens must be DPoP-bound: send a DPoP proof (RFC 9449) with the token request.")
                : null;
        }

        var result = await validator.ValidateAsync(headers, http.Request.Method, DpopProofValidator.RequestHtu(http.Request), accessToken: null, expectedJkt: null, cancellationToken);
        return result.Jkt ?? throw new OAuthException("invalid_dpop_proof", result.ErrorDescription ?? "The DPoP proof was not accepted.");
    }
}
