namespace Coffer.Server.Problems;

/// <summary>
/// The stable problem types of Coffer's API (RFC 9457 §3.1.1): clients switch on <see cref="Uri"/>, never on titles.
/// </summary>
internal sealed partial record ProblemType(string Slug, int Status, string Title)
{
    public const string UriPrefix = "urn:coffer:problem:";

    public string Uri => UriPrefix + Slug;

    public static readonly ProblemType InvalidRequest = new("invalid-request", 400, "The request is malformed.");
    public static readonly ProblemType InvalidArgument = new("invalid-argument", 400, "A value in the request is out of range.");
    public static readonly ProblemType InvalidShare = new("invalid-share", 400, "The unseal share was not accepted.");
    public static readonly ProblemType UnsealFailed = new("unseal-failed", 400, "The shares do not open this vault.");
    public static readonly ProblemType TokenWiderThanParent = new("token-wider-than-parent", 400, "A child token cannot be wider than its parent.");
    public static readonly ProblemType IpNotAllowed = new("ip-not-allowed", 403, "This token may not be used from this address.");
    public static readonly ProblemType Unauthorized = new("unauthorized", 401, "Authentication is required.");
    public static readonly ProblemType Forbidden = new("forbidden", 403, "Not allowed.");
    public static readonly ProblemType NotFound = new("not-found", 404, "No such resource.");
    public static readonly ProblemType MethodNotAllowed = new("method-not-allowed", 405, "Method not allowed on this resource.");
    public static readonly ProblemType AlreadyInitialized = new("already-initialized", 409, "The vault is already initialized.");
    public static readonly ProblemType AlreadyUnsealed = new("already-unsealed", 409, "The vault is already unsealed.");
    public static readonly ProblemType PayloadTooLarge = new("payload-too-large", 413, "The request body is too large.");
    public static readonly ProblemType UnsupportedMediaType = new("unsupported-media-type", 415, "Send the body as application/json.");
    public static readonly ProblemType KeyVersionRetired = new("key-version-retired", 422, "The data is under a retired key version.");
    public static readonly ProblemType UnknownKeyVersion = new("unknown-key-version", 422, "The data names an unknown key version.");
    public static readonly ProblemType IntegrityFailure = new("integrity-failure", 422, "Stored data failed its integrity check.");
    public static readonly ProblemType SecretNotFound = new("secret-not-found", 404, "No such secret.");
    public static readonly ProblemType InvalidSecret = new("invalid-secret-for-mechanism", 422, "The secret does not fit the signing mechanism.");
    public static readonly ProblemType RateLimited = new("rate-limited", 429, "Too many requests.");
    public static readonly ProblemType InvalidCredentials = new("invalid-credentials", 401, "The username or password is wrong.");
    public static readonly ProblemType SecondFactorRequired = new("second-factor-required", 401, "A second factor is required.");
    public static readonly ProblemType InvalidSecondFactor = new("invalid-second-factor", 401, "The second factor was not accepted.");
    public static readonly ProblemType AccountLocked = new("account-locked", 429, "Too many failed attempts: the account is locked for a while.");
    public static readonly ProblemType AccountDisabled = new("account-disabled", 403, "The account is locked until an admin unlocks it.");
    public static readonly ProblemType AccountFrozen = new("account-frozen", 403, "The account is frozen.");
    public static readonly ProblemType SecondFactorNotEnrolled = new("second-factor-not-enrolled", 403, "This needs a second factor, and none is enrolled.");
    public static readonly ProblemType StepUpRequired = new("step-up-required", 403, "This action needs a fresh one-time code or passkey assertion (step-up).");
    public static readonly ProblemType StepUpFailed = new("step-up-failed", 403, "The step-up code or passkey assertion was not accepted.");
    public static readonly ProblemType InvitationInvalid = new("invitation-invalid", 400, "The invitation is unknown, used or expired.");
    public static readonly ProblemType SignUpClosed = new("sign-up-closed", 403, "Sign-up needs an invitation.");
    public static readonly ProblemType UsernameTaken = new("username-taken", 409, "The username is taken.");
    public static readonly ProblemType PasswordRejected = new("password-rejected", 400, "The password does not meet the policy.");
    public static readonly ProblemType CurrentPasswordRequired = new("current-password-required", 400, "Changing the password needs the current one.");
    public static readonly ProblemType TotpAlreadyEnabled = new("totp-already-enabled", 409, "TOTP is already enabled.");
    public static readonly ProblemType TotpNotPending = new("totp-not-pending", 409, "No TOTP enrolment is waiting for confirmation.");
    public static readonly ProblemType PasskeyInvalid = new("passkey-invalid", 400, "The passkey was not accepted.");
    public static readonly ProblemType PasskeyChallengeInvalid = new("passkey-challenge-invalid", 400, "The passkey challenge is unknown, used or expired.");
    public static readonly ProblemType PasskeyRejected = new("passkey-rejected", 401, "The passkey was not accepted.");
    public static readonly ProblemType PasskeyAlreadyRegistered = new("passkey-already-registered", 409, "This passkey is already registered.");
    public static readonly ProblemType PasskeyLimit = new("passkey-limit", 409, "No more passkeys can be added.");
    public static readonly ProblemType AntiforgeryFailed = new("antiforgery-failed", 403, "The request's antiforgery token is missing or not valid for this session.");
    public static readonly ProblemType NotASession = new("not-a-session", 400, "The calling token is not a sign-in session.");
    public static readonly ProblemType InternalError = new("internal-error", 500, "Something went wrong on the server.");
    public static readonly ProblemType AuditUnavailable = new("audit-unavailable", 503, "The audit log is unavailable; an action it cannot record is not done.");
    public static readonly ProblemType ProviderFailure = new("key-provider-failure", 503, "The key provider failed.");
    public static readonly ProblemType Sealed = new("sealed", 503, "The vault is sealed.");
    public static readonly ProblemType NotInitialized = new("not-initialized", 503, "The vault is not initialized.");

    private static readonly Lazy<IReadOnlyList<ProblemType>> Declared = new(() => [.. typeof(ProblemType)
        .GetFields(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static)
        .Where(f => f.FieldType == typeof(ProblemType))
        .Select(f => (ProblemType)f.GetValue(null)!)]);

    /// <summary>Every type declared here and in the features' parts of this record, for the API description.</summary>
    public static IReadOnlyList<ProblemType> All => Declared.Value;

    /// <summary>The type for a bare status code (a response written by the framework without a body).</summary>
    public static ProblemType ForStatus(int status) => status switch
    {
        400 => InvalidRequest,
        401 => Unauthorized,
        403 => Forbidden,
        404 => NotFound,
        405 => MethodNotAllowed,
        413 => PayloadTooLarge,
        415 => UnsupportedMediaType,
        429 => RateLimited,
        503 => Sealed,
        _ => new ProblemType("http-" + status, status, "HTTP " + status),
    };
}
