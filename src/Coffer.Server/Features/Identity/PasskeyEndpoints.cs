using System.Buffers.Text;
using System.Security.Claims;
using System.Text.Json;
using Coffer.Server.Data;
using Coffer.Server.Problems;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Coffer.Server.Features.Identity;

/// <summary>
/// <c>/api/v1/auth/passkeys</c>: WebAuthn passkeys (W3C WebAuthn Level 3) on .NET 10 Identity. A signed-in person
/// registers passkeys (begin, then finish with the authenticator's response), lists and deletes them; anyone signs in
/// with one (usernameless: a discoverable credential names its account); and a signed-in person steps up with one.
/// Every ceremony is begun on the server and finished once (see <see cref="PasskeyCeremonies"/>).
/// </summary>
internal static class PasskeyEndpoints
{
    /// <summary>Enough for every device a person uses, few enough that a stolen session cannot pile them up.</summary>
    public const int MaxPerUser = 20;

    public const int MaxNameLength = 64;

    public static RouteGroupBuilder MapPasskeyEndpoints(this RouteGroupBuilder auth)
    {
        var passkeys = auth.MapGroup("/passkeys");
        passkeys.MapGet("/", List).RequireAuthorization(IdentityEndpoints.PersonPolicy);
        passkeys.MapPost("/registration", BeginRegistration).RequireAuthorization(IdentityEndpoints.PersonPolicy).RequireRateLimiting(IdentityEndpoints.RateLimitPolicy);
        passkeys.MapPost("/registration/finish", FinishRegistration).RequireAuthorization(IdentityEndpoints.PersonPolicy).RequireRateLimiting(IdentityEndpoints.RateLimitPolicy);
        passkeys.MapDelete("/{id}", Delete).RequireAuthorization(IdentityEndpoints.PersonPolicy).RequireStepUp();
        passkeys.MapPost("/signin/begin", BeginSignIn).AllowAnonymous().RequireRateLimiting(IdentityEndpoints.RateLimitPolicy);
        passkeys.MapPost("/signin", SignIn).AllowAnonymous().RequireRateLimiting(IdentityEndpoints.RateLimitPolicy).WithMetadata(Web.IssuesSessionMetadata.Instance);
        passkeys.MapPost("/step-up", BeginStepUp).RequireAuthorization(IdentityEndpoints.PersonPolicy).RequireRateLimiting(IdentityEndpoints.RateLimitPolicy);
        return auth;
    }

    internal static async Task<Ok<PasskeyListResponse>> List(ClaimsPrincipal principal, IDbContextFactory<CofferDb> factory, CancellationToken cancellationToken)
    {
        var userId = IdentityEndpoints.UserId(principal);
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var rows = await db.Passkeys().AsNoTracking().Where(p => p.UserId == userId)
            .Select(p => new { p.CredentialId, p.Data, LastUsedAt = EF.Property<DateTimeOffset?>(p, PasskeySchema.LastUsedAt) })
            .ToListAsync(cancellationToken);
        var items = rows.OrderBy(r => r.Data.CreatedAt)
            .Select(r => new PasskeyView(Base64Url.EncodeToString(r.CredentialId), r.Data.Name, r.Data.CreatedAt, r.LastUsedAt))
            .ToList();
        return TypedResults.Ok(new PasskeyListResponse(items));
    }

    /// <summary>
    /// Creation options for a new passkey. Adding a way to sign in is itself sensitive: once the account has a second
    /// factor (an authenticator app or a passkey), a new passkey needs step-up, so a stolen session cannot add its own.
    /// </summary>
    internal static async Task<Results<Ok<PasskeyOptionsResponse>, ProblemHttpResult>> BeginRegistration(HttpContext context, IDbContextFactory<CofferDb> factory, PasskeyCeremonies ceremonies, StepUp stepUp, TimeProvider time, CancellationToken cancellationToken)
    {
        var userId = IdentityEndpoints.UserId(context.User);
        CofferUser? user;
        int count;
        await using (var db = await factory.CreateDbContextAsync(cancellationToken))
        {
            user = await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.Id == userId, cancellationToken);
            count = await db.Passkeys().CountAsync(p => p.UserId == userId, cancellationToken);
        }

        if (user is null)
        {
            return Problem.Result(ProblemType.Unauthorized, "The calling token's user no longer exists.");
        }

        if (count >= MaxPerUser)
        {
            return Problem.Result(ProblemType.PasskeyLimit, $"An account can have at most {MaxPerUser} passkeys. Delete one you no longer use first.");
        }

        if ((user.TwoFactorEnabled || count > 0) && await stepUp.VerifyAsync(context, cancellationToken) is { } refused)
        {
            return refused;
        }

        var options = await ceremonies.BeginRegistrationAsync(user, context, cancellationToken);
        return TypedResults.Ok(new PasskeyOptionsResponse(options, time.GetUtcNow() + PasskeyCeremonies.Lifetime));
    }

    internal static async Task<Results<Created<PasskeyView>, ProblemHttpResult>> FinishRegistration(PasskeyRegistrationRequest request, HttpContext context, IDbContextFactory<CofferDb> factory, PasskeyCeremonies ceremonies, SecurityEvents events, CancellationToken cancellationToken)
    {
        var name = request.Name?.Trim();
        if (name is not { Length: > 0 and <= MaxNameLength } || name.Any(char.IsControl))
        {
            return Problem.Result(ProblemType.InvalidArgument, $"name must be 1 to {MaxNameLength} printable characters, such as 'laptop' or 'phone'.");
        }

        if (CredentialJson(request.Credential) is not { } credentialJson)
        {
            return Problem.Result(ProblemType.InvalidArgument, "credential must be the JSON of the new PublicKeyCredential (credential.toJSON() in the browser).");
        }

        var userId = IdentityEndpoints.UserId(context.User);
        CofferUser? user;
        await using (var db = await factory.CreateDbContextAsync(cancellationToken))
        {
            user = await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.Id == userId, cancellationToken);
            if (user is not null && await db.Passkeys().CountAsync(p => p.UserId == userId, cancellationToken) >= MaxPerUser)
            {
                return Problem.Result(ProblemType.PasskeyLimit, $"An account can have at most {MaxPerUser} passkeys. Delete one you no longer use first.");
            }
        }

        if (user is null)
        {
            return Problem.Result(ProblemType.Unauthorized, "The calling token's user no longer exists.");
        }

        var attestation = await ceremonies.FinishRegistrationAsync(user, credentialJson, context, cancellationToken);
        switch (attestation.Failure)
        {
            case PasskeyFailure.Malformed:
                return Problem.Result(ProblemType.InvalidArgument, "credential is not a WebAuthn registration response: it needs response.clientDataJSON naming the challenge.");
            case PasskeyFailure.UnknownChallenge:
                return Problem.Result(ProblemType.PasskeyChallengeInvalid, "The challenge of this response is unknown, already used or expired. Start again with POST /api/v1/auth/passkeys/registration.");
            case PasskeyFailure.Rejected:
                return Problem.Result(ProblemType.PasskeyInvalid, "The authenticator's response did not verify (origin, relying party, user verification, algorithm or credential). Start again with POST /api/v1/auth/passkeys/registration.");
        }

        var passkey = attestation.Passkey!;
        var id = Base64Url.EncodeToString(passkey.CredentialId);

        // Recorded first: a passkey whose addition cannot be audited is not added.
        await events.PasskeyAddedAsync(context, user, id, name, cancellationToken);
        if (!await ceremonies.AddAsync(user.Id, passkey, name, cancellationToken))
        {
            return Problem.Result(ProblemType.PasskeyAlreadyRegistered, "This passkey is already registered.");
        }

        await using var read = await factory.CreateDbContextAsync(cancellationToken);
        var stored = await read.Passkeys().AsNoTracking().Where(p => p.CredentialId == passkey.CredentialId).Select(p => p.Data).SingleAsync(cancellationToken);
        return TypedResults.Created($"/api/v1/auth/passkeys/{id}", new PasskeyView(id, stored.Name, stored.CreatedAt, null));
    }

    internal static async Task<Results<NoContent, ProblemHttpResult>> Delete(string id, HttpContext context, IDbContextFactory<CofferDb> factory, SecurityEvents events, CancellationToken cancellationToken)
    {
        if (CredentialId(id) is not { } credentialId)
        {
            return Problem.Result(ProblemType.InvalidArgument, "id must be a passkey's id as listed by GET /api/v1/auth/passkeys (base64url).");
        }

        var userId = IdentityEndpoints.UserId(context.User);
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var data = await db.Passkeys().AsNoTracking().Where(p => p.CredentialId == credentialId && p.UserId == userId).Select(p => p.Data).SingleOrDefaultAsync(cancellationToken);
        if (data is null)
        {
            return Problem.Result(ProblemType.NotFound, "You have no passkey with this id.");
        }

        await events.PasskeyRemovedAsync(context, userId, id, data.Name, cancellationToken);
        await db.Passkeys().Where(p => p.CredentialId == credentialId && p.UserId == userId).ExecuteDeleteAsync(cancellationToken);
        return TypedResults.NoContent();
    }

    /// <summary>Request options for a passkey sign-in: no username, no allowed credentials, the same for every caller.</summary>
    internal static async Task<Ok<PasskeyOptionsResponse>> BeginSignIn(HttpContext context, PasskeyCeremonies ceremonies, TimeProvider time, CancellationToken cancellationToken)
    {
        var options = await ceremonies.BeginAssertionAsync(null, PasskeyPurpose.SignIn, context, cancellationToken);
        return TypedResults.Ok(new PasskeyOptionsResponse(options, time.GetUtcNow() + PasskeyCeremonies.Lifetime));
    }

    internal static async Task<Results<Ok<SessionResponse>, ProblemHttpResult, JsonHttpResult<Microsoft.AspNetCore.Mvc.ProblemDetails>>> SignIn(
        PasskeySignInRequest request,
        HttpContext context,
        PasskeyCeremonies ceremonies,
        Authenticator authenticator,
        SessionIssuer sessions,
        SecurityEvents events,
        CancellationToken cancellationToken)
    {
        if (CredentialJson(request.Credential) is not { } credentialJson)
        {
            return Problem.Result(ProblemType.InvalidArgument, "credential must be the JSON of the PublicKeyCredential from navigator.credentials.get (credential.toJSON()).");
        }

        var assertion = await ceremonies.FinishAssertionAsync(credentialJson, PasskeyPurpose.SignIn, null, context, cancellationToken);
        if (assertion.User is not { } verified)
        {
            await events.SignInRefusedAsync(context, null, AuthFailure.InvalidCredentials, cancellationToken, "passkey");
            return Problem.Result(
                ProblemType.PasskeyRejected,
                assertion.Failure == PasskeyFailure.UnknownChallenge
                    ? "The challenge of this response is unknown, already used or expired. Start again with POST /api/v1/auth/passkeys/signin/begin."
                    : "The passkey was not accepted. Start again with POST /api/v1/auth/passkeys/signin/begin.");
        }

        var outcome = await authenticator.AdmitPasskeyUserAsync(verified.Id, cancellationToken);
        if (outcome.User is not { } user)
        {
            await events.SignInRefusedAsync(context, verified.UserName, outcome.Failure, cancellationToken, "passkey");
            return IdentityProblems.For(context, outcome);
        }

        await events.SignedInAsync(context, user, "passkey", cancellationToken);
        var session = await sessions.IssueAsync(user, SessionIssuer.Describe(context), cancellationToken);
        return TypedResults.Ok(new SessionResponse(Web.SessionCookie.Deliver(context, session), session.Accessor, session.Info.ExpiresAt));
    }

    /// <summary>Request options for a step-up by passkey: only the caller's own passkeys, good for one step-up.</summary>
    internal static async Task<Results<Ok<PasskeyOptionsResponse>, ProblemHttpResult>> BeginStepUp(HttpContext context, IDbContextFactory<CofferDb> factory, PasskeyCeremonies ceremonies, TimeProvider time, CancellationToken cancellationToken)
    {
        var userId = IdentityEndpoints.UserId(context.User);
        CofferUser? user;
        bool any;
        await using (var db = await factory.CreateDbContextAsync(cancellationToken))
        {
            user = await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.Id == userId, cancellationToken);
            any = await db.Passkeys().AnyAsync(p => p.UserId == userId, cancellationToken);
        }

        if (user is null)
        {
            return Problem.Result(ProblemType.Unauthorized, "The calling token's user no longer exists.");
        }

        if (!any)
        {
            return Problem.Result(ProblemType.SecondFactorNotEnrolled, "You have no passkey: register one first (POST /api/v1/auth/passkeys/registration), or step up with a code from your authenticator app.");
        }

        var options = await ceremonies.BeginAssertionAsync(user, PasskeyPurpose.StepUp, context, cancellationToken);
        return TypedResults.Ok(new PasskeyOptionsResponse(options, time.GetUtcNow() + PasskeyCeremonies.Lifetime));
    }

    /// <summary>The credential as JSON text for Identity; null when it is not a JSON object.</summary>
    private static string? CredentialJson(JsonElement? credential) =>
        credential is { ValueKind: JsonValueKind.Object } value ? value.GetRawText() : null;

    /// <summary>A credential id from its base64url (W3C WebAuthn §5.1.2: 1 to 1023 bytes); null if it is not one.</summary>
    private static byte[]? CredentialId(string id)
    {
        if (id.Length is 0 or > 1400 || !Base64Url.IsValid(id))
        {
            return null;
        }

        var bytes = Base64Url.DecodeFromChars(id);
        return bytes.Length is > 0 and <= 1023 ? bytes : null;
    }
}
