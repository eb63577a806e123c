using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Coffer.Server.Features.Tokens;

/// <summary>
/// Authenticates <c>Authorization: Bearer cof_...</c> or <c>Authorization: DPoP cof_...</c> with a DPoP proof
/// (RFC 9449 §7), else the web app's session cookie (<see cref="Web.SessionCookie.Name"/>), which only ever
/// authenticates a token of kind <c>session</c>. A DPoP-bound token (<see cref="TokenInfo.DpopJkt"/>) authenticates
/// only under the DPoP scheme with a valid proof by its key: as a Bearer token it is refused, or stealing the token
/// alone would be enough after all (RFC 9449 §7.2). The principal carries the token's accessor (never its value), kind,
/// owner, scopes and how it came (<see cref="TransportClaim"/>).
/// </summary>
internal sealed class TokenAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    TokenStore tokens,
    Notifications.INotifier notifier,
    Audit.AuditLog audit,
    IpDeniedNotices notices,
    Metrics.CofferMetrics metrics,
    OAuth.Dpop.DpopProofValidator dpop)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "CofferToken";
    public const string ScopeClaim = "scope";
    public const string AccessorClaim = "accessor";
    public const string KindClaim = "token_kind";

    /// <summary><c>bearer</c> or <c>cookie</c>: a cookie-authenticated request is one a browser may send on its own, so it needs antiforgery.</summary>
    public const string TransportClaim = "token_transport";

    /// <summary>HttpContext.Items key holding the <see cref="TokenInfo"/> of a live token refused for its address.</summary>
    public const string IpDeniedItem = "coffer.token.ip_denied";

    /// <summary>HttpContext.Items key holding the <see cref="DpopRefusal"/> of a request refused under RFC 9449's rules.</summary>
    public const string DpopRefusedItem = "coffer.token.dpop_refused";

    private const string SessionPrefix = "cof_session_";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        // The OAuth endpoints authenticate clients, not tokens (HTTP Basic there is a client secret): nothing of theirs is
        // a Coffer token, so nothing there counts as a failed token authentication either.
        if (Request.Path.StartsWithSegments(OAuth.OAuthEndpoints.PathPrefix, StringComparison.Ordinal))
        {
            return AuthenticateResult.NoResult();
        }

        var header = Request.Headers.Authorization.ToString();
        string presented;
        var fromCookie = false;
        var viaDpop = false;
        if (!string.IsNullOrEmpty(header))
        {
            // Auth scheme names are case-insensitive (RFC 9110 §11.1).
            const string bearer = "Bearer ";
            const string dpopScheme = "DPoP ";
            if (header.StartsWith(bearer, StringComparison.OrdinalIgnoreCase))
            {
                presented = header[bearer.Length..].Trim();
            }
            else if (header.StartsWith(dpopScheme, StringComparison.OrdinalIgnoreCase))
            {
                presented = header[dpopScheme.Length..].Trim();
                viaDpop = true;
            }
            else
            {
                metrics.AuthFailure("not_bearer");
                return AuthenticateResult.Fail("Only Bearer and DPoP tokens are accepted.");
            }
        }
        else if (Request.Cookies.TryGetValue(Web.SessionCookie.Name, out var cookie) && !string.IsNullOrEmpty(cookie))
        {
            // Only a sign-in session belongs in the cookie: anything else there (an API or root token planted by some
            // other means) is refused before it is looked up, so it is not even counted as a use.
            if (!cookie.StartsWith(SessionPrefix, StringComparison.Ordinal))
            {
                metrics.AuthFailure("cookie_not_session");
                return AuthenticateResult.Fail("The session cookie holds no session token.");
            }

            presented = cookie;
            fromCookie = true;
        }
        else
        {
            return AuthenticateResult.NoResult();
        }

        var lookup = await tokens.AuthenticateAsync(presented, Context.Connection.RemoteIpAddress, Context.RequestAborted);
        if (lookup.IpDenied is { } denied)
        {
            metrics.AuthFailure("ip_denied");
            Context.Items[IpDeniedItem] = denied;
            if (!notices.ShouldRecord(denied.Accessor, Context.Connection.RemoteIpAddress?.ToString() ?? "unknown"))
            {
                return AuthenticateResult.Fail("The token may not be used from this address.");
            }

            try
            {
                await audit.AppendAsync(
                    new Audit.AuditEntry("token.ip_denied", Audit.AuditOutcome.Denied)
                    {
                        Actor = denied.Accessor,
                        UserId = denied.UserId,
                        Target = denied.Accessor,
                        ClientIp = Context.Connection.RemoteIpAddress?.ToString(),
                    }.With("route", Context.Request.Path.Value),
                    CancellationToken.None);
            }
            catch (Audit.AuditUnavailableException)
            {
                // The request is refused either way; the operator learns the record is missing from the log.
                TokenLog.IpDeniedNotAudited(Logger, denied.Accessor);
            }

            await notifier.NotifyAsync(
                denied.UserId,
                Notifications.NotificationKind.TokenIpDenied,
                "A Coffer token was used from an address it is not allowed from",
                $"Token {denied.Accessor} was presented from {Context.Connection.RemoteIpAddress}, outside its allowed ranges ({string.Join(", ", denied.IpAllowlist)}). The request was refused. If this was not you, the token has leaked: revoke it.",
                new Dictionary<string, string> { ["accessor"] = denied.Accessor, ["client_ip"] = Context.Connection.RemoteIpAddress?.ToString() ?? "unknown" },
                Context.RequestAborted);
            return AuthenticateResult.Fail("The token may not be used from this address.");
        }

        if (lookup.Info is not { } token)
        {
            metrics.AuthFailure("invalid");
            return AuthenticateResult.Fail("The token is malformed, unknown, revoked or expired.");
        }

        // A grant is the node an OAuth grant's access tokens hang from; its value is never issued, and should one ever
        // be presented it authenticates nothing. The same holds for kinds that never belong in the token table.
        if (token.Kind is not ("trader" or "session" or "api" or "credential" or "oauth" or "wrap"))
        {
            metrics.AuthFailure("invalid");
            return AuthenticateResult.Fail("The token is malformed, unknown, revoked or expired.");
        }

        if (fromCookie && token.Kind != "session")
        {
            metrics.AuthFailure("cookie_not_session");
            return AuthenticateResult.Fail("The session cookie holds no session token.");
        }

        if ((token.DpopJkt is not null || viaDpop) && await CheckDpopAsync(token, presented, viaDpop) is { } refusal)
        {
            metrics.AuthFailure("dpop");
            Context.Items[DpopRefusedItem] = refusal;
            return AuthenticateResult.Fail(refusal.Description);
        }

        metrics.TokenUse(token.Kind);
        var claims = new List<Claim>
        {
            new(ClaimTypes.NameIdentifier, token.UserId.ToString()),
            new(AccessorClaim, token.Accessor),
            new(KindClaim, token.Kind),
            new(TransportClaim, fromCookie ? Web.SessionCookie.CookieMode : "bearer"),
        };
        claims.AddRange(token.Scopes.Select(s => new Claim(ScopeClaim, s)));
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        if (Context.Items.TryGetValue(DpopRefusedItem, out var item) && item is DpopRefusal refusal)
        {
            // RFC 9449 §7.1: the DPoP challenge names the error and the algorithms a proof may use; the body is still a
            // Coffer problem, like every other error.
            Response.Headers.WWWAuthenticate = $"DPoP error=\"{refusal.Error}\", error_description=\"{QuotedText(refusal.Description)}\", algs=\"{OAuth.Dpop.DpopProofValidator.AlgorithmList}\"";
            return Problems.Problem.WriteAsync(
                Context,
                refusal.Error == OAuth.Dpop.DpopResult.InvalidDpopProof ? Problems.ProblemType.InvalidDpopProof : Problems.ProblemType.Unauthorized,
                refusal.Description);
        }

        if (Context.Items.ContainsKey(IpDeniedItem))
        {
            return Problems.Problem.WriteAsync(Context, Problems.ProblemType.IpNotAllowed, "This token is bound to other IP ranges. Use it from an allowed address, or create a token for this one.");
        }

        Response.Headers.WWWAuthenticate = "Bearer";
        return Problems.Problem.WriteAsync(Context, Problems.ProblemType.Unauthorized, Request.Cookies.ContainsKey(Web.SessionCookie.Name) && Request.Headers.Authorization.Count == 0
            ? "The session has ended (signed out, expired, revoked or frozen): sign in again."
            : "Send a valid Coffer token as 'Authorization: Bearer cof_...' (COFFER_TOKEN for the CLI).");
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        Problems.Problem.WriteAsync(Context, Problems.ProblemType.Forbidden, "This token's scopes do not allow this action.");

    /// <summary>
    /// Why a live token may not be used this way, or null if it may: a bound token needs the DPoP scheme and a valid
    /// proof by its key for this very request (method, URI, token hash); an unbound one may not pose as DPoP.
    /// </summary>
    private async Task<DpopRefusal?> CheckDpopAsync(TokenInfo token, string presented, bool viaDpop)
    {
        if (token.DpopJkt is null)
        {
            return new DpopRefusal("invalid_token", "This token is not DPoP-bound: send it as 'Authorization: Bearer cof_...'.");
        }

        if (!viaDpop)
        {
            return new DpopRefusal("invalid_token", "This token is DPoP-bound: send it as 'Authorization: DPoP cof_...' with a DPoP proof header, never as a Bearer token.");
        }

        var result = await dpop.ValidateAsync(
            Request.Headers["DPoP"], Request.Method, OAuth.Dpop.DpopProofValidator.RequestHtu(Request), presented, token.DpopJkt, Context.RequestAborted);
        return result.Succeeded ? null : new DpopRefusal(OAuth.Dpop.DpopResult.InvalidDpopProof, result.ErrorDescription!);
    }

    /// <summary>Text safe inside an RFC 9110 quoted-string: printable ASCII, without quotes or backslashes.</summary>
    private static string QuotedText(string text) =>
        string.Concat(text.Select(c => c is '"' or '\\' ? '\'' : c is >= ' ' and <= '~' ? c : '?'));

    /// <summary>A refusal under RFC 9449: the OAuth error code (<c>invalid_dpop_proof</c> or <c>invalid_token</c>) and what was wrong.</summary>
    private sealed record DpopRefusal(string Error, string Description);
}
