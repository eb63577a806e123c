using System.Globalization;
using System.Security.Claims;
using Coffer.Server.Problems;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Coffer.Server.Features.Identity;

/// <summary>
/// Step-up for sensitive actions (DESIGN §4, ASVS 7.5.3): besides the session or token, the request carries a fresh
/// proof from the token's owner in the <c>Coffer-Step-Up</c> header, accepted once: a TOTP code (<c>totp=123456</c>)
/// or a passkey assertion (<c>passkey=</c> and the base64url of the credential JSON, for a challenge from
/// <c>POST /api/v1/auth/passkeys/step-up</c>; the challenge is single-use and the sign counter must advance).
/// Endpoints opt in with <see cref="StepUpExtensions.RequireStepUp{TBuilder}"/>; an endpoint that needs it only
/// sometimes (creating a token that can trade) calls <see cref="VerifyAsync"/> itself.
/// </summary>
internal sealed class StepUp(Authenticator authenticator)
{
    public const string Header = "Coffer-Step-Up";

    private const string TotpPrefix = "totp=";
    private const string PasskeyPrefix = "passkey=";

    private const string HowTo = $"Send '{Header}: totp=123456' with a current code from your authenticator app, or '{Header}: passkey=<base64url of the credential JSON>' with a passkey assertion for a challenge from POST /api/v1/auth/passkeys/step-up.";

    /// <summary>Null when the request carries a valid, unused proof of its user; otherwise the problem to answer with.</summary>
    public async Task<ProblemHttpResult?> VerifyAsync(HttpContext context, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(context.User.FindFirstValue(ClaimTypes.NameIdentifier), out var userId))
        {
            return Problem.Result(ProblemType.Unauthorized, "Step-up needs a signed-in user.");
        }

        var header = context.Request.Headers[Header].ToString().Trim();
        if (header.StartsWith(PasskeyPrefix, StringComparison.OrdinalIgnoreCase))
        {
            var credentialJson = DecodeCredential(header[PasskeyPrefix.Length..].Trim());
            var ceremonies = context.RequestServices.GetRequiredService<PasskeyCeremonies>();
            var passkey = await authenticator.StepUpWithPasskeyAsync(
                userId,
                async ct => (await ceremonies.FinishAssertionAsync(credentialJson, PasskeyPurpose.StepUp, userId, context, ct)).Failure,
                cancellationToken);
            if (await CountFailureAsync(context, userId, passkey.Failure) is { } stopped)
            {
                return stopped;
            }

            return passkey.Failure switch
            {
                null => null,
                AuthFailure.ReplayedSecondFactor => Problem.Result(ProblemType.StepUpFailed, "That passkey challenge is unknown, already used or expired. Get a new one from POST /api/v1/auth/passkeys/step-up and try again."),
                AuthFailure.InvalidSecondFactor => Problem.Result(ProblemType.StepUpFailed, "The passkey assertion was not accepted (wrong origin, credential, signature or sign counter)."),
                AuthFailure.SecondFactorNotEnrolled => NotEnrolled(),
                _ => IdentityProblems.ForStepUp(context, passkey),
            };
        }

        var outcome = await authenticator.StepUpAsync(userId, ParseCode(header), cancellationToken);
        if (await CountFailureAsync(context, userId, outcome.Failure) is { } refused)
        {
            return refused;
        }

        return outcome.Failure switch
        {
            null => null,
            AuthFailure.SecondFactorRequired => Problem.Result(ProblemType.StepUpRequired, HowTo),
            AuthFailure.ReplayedSecondFactor => Problem.Result(ProblemType.StepUpFailed, "That code was already used. Wait for the next code (they change every 30 seconds) and try again."),
            AuthFailure.InvalidSecondFactor => Problem.Result(ProblemType.StepUpFailed, "The code is wrong. Check the authenticator app's clock and use the current code."),
            AuthFailure.TotpNotEnrolledUsePasskey => Problem.Result(ProblemType.StepUpFailed, $"This account has no authenticator app; step up with a passkey instead. {HowTo}"),
            AuthFailure.SecondFactorNotEnrolled => NotEnrolled(),
            _ => IdentityProblems.ForStepUp(context, outcome),
        };
    }

    /// <summary>
    /// A wrong or replayed second factor (or a guess at a locked account) feeds the anomaly detector's burst rule for
    /// this account and address. When its response froze the user or sealed the server, that is the answer.
    /// </summary>
    private static async Task<ProblemHttpResult?> CountFailureAsync(HttpContext context, Guid userId, AuthFailure? failure)
    {
        if (failure is not (AuthFailure.InvalidSecondFactor or AuthFailure.ReplayedSecondFactor or AuthFailure.Locked or AuthFailure.Disabled))
        {
            return null;
        }

        if (!await context.RequestServices.GetRequiredService<Anomalies.AnomalyDetector>().AuthenticationFailedAsync(context, userId, "step_up"))
        {
            return null;
        }

        return context.RequestServices.GetRequiredService<Coffer.Vault.CofferVault>().IsSealed
            ? Problem.Result(ProblemType.Sealed, "The anomaly detector sealed the server after repeated failed step-ups.")
            : Problem.Result(ProblemType.AccountFrozen, "Repeated failed step-ups made Coffer freeze this account: every token was revoked.");
    }

    private static ProblemHttpResult NotEnrolled() => Problem.Result(
        ProblemType.SecondFactorNotEnrolled,
        "Step-up needs a second factor: enrol an authenticator app (POST /api/v1/auth/2fa/totp, then /confirm) or a passkey (POST /api/v1/auth/passkeys/registration, then /registration/finish).");

    /// <summary>"totp=123456" → "123456"; anything else → null (treated as no code).</summary>
    private static string? ParseCode(string header) =>
        header.StartsWith(TotpPrefix, StringComparison.OrdinalIgnoreCase) ? header[TotpPrefix.Length..].Trim() : null;

    /// <summary>The credential JSON from its base64url; empty (which no ceremony accepts) when it is not that.</summary>
    private static string DecodeCredential(string encoded)
    {
        if (!System.Buffers.Text.Base64Url.IsValid(encoded))
        {
            return string.Empty;
        }

        try
        {
            return new System.Text.UTF8Encoding(false, true).GetString(System.Buffers.Text.Base64Url.DecodeFromChars(encoded));
        }
        catch (System.Text.DecoderFallbackException)
        {
            return string.Empty;
        }
    }
}

/// <summary>Marks the endpoints that always need step-up (<see cref="StepUpExtensions.RequireStepUp"/>).</summary>
internal sealed class StepUpMetadata
{
    public static readonly StepUpMetadata Instance = new();
}

internal static class StepUpExtensions
{
    /// <summary>The endpoint runs only with a valid step-up code (see <see cref="StepUp"/>); the metadata tells the API description.</summary>
    public static TBuilder RequireStepUp<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder => builder.AddEndpointFilter(async (context, next) =>
        {
            var stepUp = context.HttpContext.RequestServices.GetRequiredService<StepUp>();
            return await stepUp.VerifyAsync(context.HttpContext, context.HttpContext.RequestAborted) is { } refused ? refused : await next(context);
        }).WithMetadata(StepUpMetadata.Instance);
}

/// <summary>The problem responses of failed credential checks, in one place so every endpoint words them alike.</summary>
internal static class IdentityProblems
{
    /// <summary>The one answer for an unknown user and a wrong password: same status, same body.</summary>
    public const string InvalidCredentialsDetail = "Check the username and the password. Repeated failures lock the account for a while.";

    /// <summary>
    /// The answer to a failed sign-in, written as plain JSON rather than through the problem-details service, which
    /// adds a per-request trace id: an unknown user and a wrong password must get the very same bytes (ASVS 6.3.8),
    /// and so must a locked real account and a locked unknown name.
    /// </summary>
    public static JsonHttpResult<ProblemDetails> For(HttpContext context, AuthOutcome outcome)
    {
        var details = Details(context, outcome);
        details.Instance = context.Request.Path;
        return TypedResults.Json(details, (System.Text.Json.JsonSerializerOptions?)null, Problem.ContentType, details.Status);
    }

    /// <summary>The same, as a problem result, for step-up (where the user is already known).</summary>
    public static ProblemHttpResult ForStepUp(HttpContext context, AuthOutcome outcome) => TypedResults.Problem(Details(context, outcome));

    private static ProblemDetails Details(HttpContext context, AuthOutcome outcome)
    {
        switch (outcome.Failure)
        {
            case AuthFailure.Locked:
                var seconds = outcome.RetryAt is { } until ? Math.Max(1, (long)Math.Ceiling((until - context.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow()).TotalSeconds)) : 60;
                context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                return Problem.Details(ProblemType.AccountLocked, $"Too many failed attempts. Try again in {seconds} seconds; each further lockout lasts twice as long.");
            case AuthFailure.Disabled:
                return Problem.Details(ProblemType.AccountDisabled, $"After {LockoutPolicy.MaxConsecutiveFailures} failed attempts the account stays locked until an admin unlocks it (POST /api/v1/auth/users/{{username}}/unlock).");
            case AuthFailure.SecondFactorRequired:
                return Problem.Details(ProblemType.SecondFactorRequired, "The password is right; now send totp_code (the authenticator app's current code) or a recovery_code.");
            case AuthFailure.PasskeyRequired:
                return Problem.Details(ProblemType.SecondFactorRequired, "The password is right, and this account's second factor is a passkey: sign in with the passkey instead (POST /api/v1/auth/passkeys/signin/begin, then /signin), or to unfreeze send passkey, an assertion for the options from POST /api/v1/account/unfreeze/begin.");
            case AuthFailure.InvalidSecondFactor:
                return Problem.Details(ProblemType.InvalidSecondFactor, "The code is wrong. Check the authenticator app's clock, or use a recovery code.");
            case AuthFailure.ReplayedSecondFactor:
                return Problem.Details(ProblemType.InvalidSecondFactor, "That code was already used. Wait for the next code (they change every 30 seconds).");
            case AuthFailure.Frozen:
                return Problem.Details(ProblemType.AccountFrozen, "The account is frozen: every token was revoked. Unfreeze it with your password and a second factor (totp_code, recovery_code, or passkey) at POST /api/v1/account/unfreeze.");
            case AuthFailure.SecondFactorNotEnrolled:
                return Problem.Details(ProblemType.SecondFactorNotEnrolled, "Enrol a second factor first: an authenticator app (POST /api/v1/auth/2fa/totp, then /confirm) or a passkey (POST /api/v1/auth/passkeys/registration); without one an admin must unlock the account.");
            default:
                return Problem.Details(ProblemType.InvalidCredentials, InvalidCredentialsDetail);
        }
    }
}
