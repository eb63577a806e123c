namespace Coffer.Server.Problems;

/// <summary>The problem types of DPoP (RFC 9449) at Coffer's resource server.</summary>
internal sealed partial record ProblemType
{
    /// <summary>The token is DPoP-bound and the request's proof was missing or not accepted (RFC 9449 §7.1 <c>invalid_dpop_proof</c>).</summary>
    public static readonly ProblemType InvalidDpopProof = new("invalid-dpop-proof", 401, "The DPoP proof was not accepted.");
}
