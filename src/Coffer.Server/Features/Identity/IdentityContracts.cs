namespace Coffer.Server.Features.Identity;

/// <summary>POST /api/v1/auth/signin. A second factor is needed only when the account has one.</summary>
internal sealed record SignInRequest(string? Username, string? Password, string? TotpCode, string? RecoveryCode);

/// <summary>
/// A sign-in session: the token (shown once), its accessor, and when it expires. In cookie mode (the request's
/// <c>Coffer-Session: cookie</c>) the token is only in the HTTP-only cookie and absent here.
/// </summary>
internal sealed record SessionResponse(
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] string? Token,
    string Accessor,
    DateTimeOffset? ExpiresAt);

/// <summary>POST /api/v1/auth/signup: with an invitation, or without one where open sign-up is on.</summary>
internal sealed record SignUpRequest(string? Invitation, string? Username, string? Password);

/// <summary>The new user and their first session; in cookie mode without the token (it is in the cookie).</summary>
internal sealed record SignUpResponse(
    Guid UserId,
    string Username,
    IReadOnlyList<string> Roles,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] string? Token,
    string Accessor,
    DateTimeOffset? ExpiresAt);

/// <summary>POST /api/v1/auth/invitations (admins). Role defaults to trader, ttl to 7 days (at most 30).</summary>
internal sealed record InvitationRequest(string? Role, long? TtlSeconds);

/// <summary>The invitation code appears here once; it is stored only as a hash.</summary>
internal sealed record InvitationResponse(Guid Id, string Invitation, string Role, DateTimeOffset ExpiresAt);

/// <summary>A live sign-in session: when it began and ends, and the device (address, user agent) that last used it.</summary>
internal sealed record SessionView(
    string Accessor,
    string? DisplayName,
    DateTimeOffset CreatedAt,
    DateTimeOffset? ExpiresAt,
    bool Current,
    DateTimeOffset? LastUsedAt,
    string? ClientIp,
    string? UserAgent);

internal sealed record SessionListResponse(IReadOnlyList<SessionView> Items);

/// <summary>POST /api/v1/auth/password: sets the first password (no current one) or changes it (current one needed).</summary>
internal sealed record PasswordRequest(string? CurrentPassword, string? NewPassword);

internal sealed record PasswordResponse(string Username);

internal sealed record TotpEnrolmentResponse(string Secret, string OtpauthUri, string Algorithm, int Digits, int Period);

internal sealed record TotpConfirmRequest(string? Code);

internal sealed record RecoveryCodesResponse(IReadOnlyList<string> RecoveryCodes);

internal sealed record TwoFactorStatusResponse(bool TotpEnabled, bool TotpPending, int RecoveryCodesLeft);

internal sealed record UnlockResponse(string Username, bool WasFrozen);

/// <summary>WebAuthn options for the browser (<c>navigator.credentials.create</c> or <c>.get</c>), as Identity makes them.</summary>
internal sealed record PasskeyOptionsResponse(System.Text.Json.JsonElement Options, DateTimeOffset ExpiresAt);

/// <summary>POST /api/v1/auth/passkeys/registration/finish: the credential (its JSON, as PublicKeyCredential.toJSON() gives it) and a name for it.</summary>
internal sealed record PasskeyRegistrationRequest(System.Text.Json.JsonElement? Credential, string? Name);

/// <summary>POST /api/v1/auth/passkeys/signin: the assertion (PublicKeyCredential.toJSON()).</summary>
internal sealed record PasskeySignInRequest(System.Text.Json.JsonElement? Credential);

/// <summary>A passkey as listed: its credential id (base64url), name and dates; never its key or attestation.</summary>
internal sealed record PasskeyView(string Id, string? Name, DateTimeOffset CreatedAt, DateTimeOffset? LastUsedAt);

internal sealed record PasskeyListResponse(IReadOnlyList<PasskeyView> Items);
