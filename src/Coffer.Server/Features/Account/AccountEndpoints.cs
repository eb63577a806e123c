using System.Security.Claims;
using System.Text.Json;
using Coffer.Server.Data;
using Coffer.Server.Features.Identity;
using Coffer.Server.Features.Tokens;
using Coffer.Server.Problems;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Coffer.Server.Features.Account;

internal sealed record FreezeResponse(DateTimeOffset FrozenAt, int Revoked);

/// <summary>
/// POST /api/v1/account/unfreeze: the password and a second factor, since every token of the user is revoked — a TOTP
/// code, a recovery code, or a passkey (the assertion, <c>credential.toJSON()</c>, for the options of
/// POST /api/v1/account/unfreeze/begin).
/// </summary>
internal sealed record UnfreezeRequest(string? Username, string? Password, string? TotpCode, string? RecoveryCode, JsonElement? Passkey = null);

/// <summary>
/// <c>/api/v1/account</c>: a user's own break-glass (DESIGN §4). Freeze takes any live token or session of the user —
/// one tap from a phone — and revokes every token of theirs at once on every node; while frozen nobody can sign in as
/// them. Unfreezing needs the password and a second factor, and starts a new token tree.
/// </summary>
internal static class AccountEndpoints
{
    public static IEndpointRouteBuilder MapAccountEndpoints(this IEndpointRouteBuilder app)
    {
        var account = app.MapGroup("/api/v1/account").WithTags("account");
        account.MapPost("/freeze", Freeze).RequireAuthorization(TokenEndpoints.AuthenticatedPolicy);
        account.MapPost("/unfreeze/begin", BeginUnfreeze).AllowAnonymous().RequireRateLimiting(IdentityEndpoints.RateLimitPolicy);
        account.MapPost("/unfreeze", Unfreeze).AllowAnonymous().RequireRateLimiting(IdentityEndpoints.RateLimitPolicy).WithMetadata(Web.IssuesSessionMetadata.Instance);
        return app;
    }

    internal static async Task<Results<Ok<FreezeResponse>, ProblemHttpResult>> Freeze(HttpContext http, AccountFreezer freezer, CancellationToken cancellationToken)
    {
        var frozen = await freezer.FreezeAsync(http, IdentityEndpoints.UserId(http.User), reason: null, cancellationToken);
        Web.SessionCookie.Expire(http);
        return TypedResults.Ok(frozen);
    }

    /// <summary>
    /// Request options for unfreezing with a passkey: usernameless and the same for every caller, like a sign-in's, so
    /// they reveal nothing about who is frozen; the assertion counts only together with that user's password.
    /// </summary>
    internal static async Task<Ok<PasskeyOptionsResponse>> BeginUnfreeze(HttpContext context, PasskeyCeremonies ceremonies, TimeProvider time, CancellationToken cancellationToken)
    {
        var options = await ceremonies.BeginAssertionAsync(null, PasskeyPurpose.Unfreeze, context, cancellationToken);
        return TypedResults.Ok(new PasskeyOptionsResponse(options, time.GetUtcNow() + PasskeyCeremonies.Lifetime));
    }

    internal static async Task<Results<Ok<SessionResponse>, ProblemHttpResult, JsonHttpResult<Microsoft.AspNetCore.Mvc.ProblemDetails>>> Unfreeze(
        UnfreezeRequest request,
        HttpContext context,
        Authenticator authenticator,
        PasskeyCeremonies ceremonies,
        SessionIssuer sessions,
        IDbContextFactory<CofferDb> factory,
        SecurityEvents events,
        CancellationToken cancellationToken)
    {
        Func<Guid, CancellationToken, Task<PasskeyFailure?>>? passkey = null;
        if (request.Passkey is { } credential)
        {
            if (credential.ValueKind != JsonValueKind.Object)
            {
                return Problem.Result(ProblemType.InvalidArgument, "passkey must be the JSON of the PublicKeyCredential from navigator.credentials.get (credential.toJSON()) for the options of POST /api/v1/account/unfreeze/begin.");
            }

            var json = credential.GetRawText();
            passkey = async (userId, ct) => (await ceremonies.FinishAssertionAsync(json, PasskeyPurpose.Unfreeze, userId, context, ct)).Failure;
        }

        var outcome = await authenticator.AuthenticateAsync(new Credentials(request.Username, request.Password, request.TotpCode, request.RecoveryCode, passkey), unfreezing: true, cancellationToken);
        if (outcome.User is not { } user)
        {
            return outcome.Failure == AuthFailure.SecondFactorRequired
                ? Problem.Result(ProblemType.SecondFactorRequired, "Unfreezing needs the password and a second factor: send totp_code (or a recovery_code), or passkey.")
                : IdentityProblems.For(context, outcome);
        }

        // Unfreezing is sensitive (DESIGN §4): recorded first, and without its record it does not happen.
        await events.UnfrozenAsync(context, user, cancellationToken);
        await using (var db = await factory.CreateDbContextAsync(cancellationToken))
        {
            await db.Users.Where(u => u.Id == user.Id).ExecuteUpdateAsync(s => s.SetProperty(u => u.FrozenAt, (DateTimeOffset?)null), cancellationToken);
        }

        // Every old token stays revoked; the user starts a new tree (a new root, then this session below it).
        var root = await sessions.CreateRootAsync(user.Id, cancellationToken);
        user.RootAccessor = root.Accessor;
        var session = await sessions.IssueAsync(user, SessionIssuer.Describe(context), cancellationToken);
        return TypedResults.Ok(new SessionResponse(Web.SessionCookie.Deliver(context, session), session.Accessor, session.Info.ExpiresAt));
    }
}
