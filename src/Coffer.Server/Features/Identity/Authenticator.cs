using System.Security.Cryptography;
using Coffer.Server.Data;
using Coffer.Server.Features.Tokens;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Coffer.Server.Features.Identity;

/// <summary>Why a credential check failed. The first three are what a guesser can see without knowing the password.</summary>
internal enum AuthFailure
{
    /// <summary>Unknown user or wrong password: one answer for both (ASVS 6.3.8).</summary>
    InvalidCredentials,

    /// <summary>Locked by the back-off for a while (known and unknown usernames alike).</summary>
    Locked,

    /// <summary>Locked after <see cref="LockoutPolicy.MaxConsecutiveFailures"/> failures until an admin unlocks it.</summary>
    Disabled,

    SecondFactorRequired,
    InvalidSecondFactor,
    ReplayedSecondFactor,
    Frozen,
    SecondFactorNotEnrolled,

    /// <summary>Step-up with a TOTP code on an account whose only second factor is a passkey.</summary>
    TotpNotEnrolledUsePasskey,

    /// <summary>The password is right, and the account's only second factor is a passkey: it must be presented.</summary>
    PasskeyRequired,
}

/// <summary>The outcome of a credential check: the user, or why not (and until when, for a lockout).</summary>
internal sealed record AuthOutcome(CofferUser? User, AuthFailure? Failure, DateTimeOffset? RetryAt = null)
{
    public static AuthOutcome Fail(AuthFailure failure, DateTimeOffset? retryAt = null) => new(null, failure, retryAt);
}

/// <summary>
/// What the caller presented: a password and, when the account has one, a second factor — a TOTP code, a recovery
/// code, or a passkey assertion, which <see cref="Passkey"/> verifies for the user the password named (null when the
/// endpoint takes no passkey).
/// </summary>
internal sealed record Credentials(string? Username, string? Password, string? TotpCode, string? RecoveryCode, Func<Guid, CancellationToken, Task<PasskeyFailure?>>? Passkey = null);

/// <summary>
/// Checks passwords and second factors under the per-account lockout (security.md §12.1). Unknown usernames cost the
/// same as known ones: a dummy hash is verified, and they lock like real accounts (<see cref="PhantomLockouts"/>).
/// Attempts on a locked account are refused before any hash is computed. Every failure — wrong password, wrong or
/// replayed code, failed step-up — counts towards the same lockout, since all of them are guesses.
/// </summary>
internal sealed class Authenticator(
    IDbContextFactory<CofferDb> factory,
    IPasswordHasher<CofferUser> hasher,
    ILookupNormalizer normalizer,
    PhantomLockouts phantoms,
    AttemptLocks locks,
    TotpService totp,
    RecoveryCodes recovery,
    TimeProvider time)
{
    public const int MaxUsernameLength = 64;

    private static readonly CofferUser DummyUser = new() { Id = Guid.Empty, UserName = "dummy" };
    private readonly Lazy<string> _dummyHash = new(() => hasher.HashPassword(DummyUser, Convert.ToBase64String(RandomNumberGenerator.GetBytes(24))));

    /// <summary>Hashes the dummy password now, so that the first unknown-user sign-in is not slower than the rest.</summary>
    public void Warm() => _ = _dummyHash.Value;

    /// <summary>
    /// Checks the credentials. With <paramref name="unfreezing"/> a frozen account is let through (that is the point),
    /// but only with a second factor: an account without one cannot unfreeze itself.
    /// </summary>
    public async Task<AuthOutcome> AuthenticateAsync(Credentials credentials, bool unfreezing, CancellationToken cancellationToken)
    {
        var username = credentials.Username?.Trim() ?? string.Empty;
        var password = credentials.Password ?? string.Empty;
        var normalized = normalizer.NormalizeName(username.Length > MaxUsernameLength ? username[..MaxUsernameLength] : username) ?? string.Empty;
        using var attempt = await locks.AcquireAsync(normalized, cancellationToken);
        var now = time.GetUtcNow();
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var user = normalized.Length == 0 ? null : await db.Users.SingleOrDefaultAsync(u => u.NormalizedUserName == normalized, cancellationToken);
        var state = user is null ? phantoms.Get(normalized) : StateOf(user);
        if (state.Disabled)
        {
            return AuthOutcome.Fail(AuthFailure.Disabled);
        }

        if (state.IsLockedAt(now))
        {
            return AuthOutcome.Fail(AuthFailure.Locked, state.LockedUntil);
        }

        // The same work whether or not the user exists or has a password yet: one PBKDF2 verification.
        var verdict = hasher.VerifyHashedPassword(user ?? DummyUser, user?.PasswordHash ?? _dummyHash.Value, password);
        if (user?.PasswordHash is null || verdict == PasswordVerificationResult.Failed || password.Length > PasswordPolicy.MaxLength * 4)
        {
            return await FailAsync(db, user, normalized, state, now, AuthFailure.InvalidCredentials, cancellationToken);
        }

        // A passkey is a second factor as much as TOTP is: an account with either never signs in on a password alone.
        var passkeys = await db.Passkeys().AnyAsync(p => p.UserId == user.Id, cancellationToken);
        if (unfreezing && !user.TwoFactorEnabled && !passkeys)
        {
            return AuthOutcome.Fail(AuthFailure.SecondFactorNotEnrolled);
        }

        if (!unfreezing && user.FrozenAt is not null)
        {
            return AuthOutcome.Fail(AuthFailure.Frozen);
        }

        if (user.TwoFactorEnabled || passkeys)
        {
            var second = await CheckSecondFactorAsync(user, passkeys, credentials, cancellationToken);
            if (second is { } failure)
            {
                return failure is AuthFailure.SecondFactorRequired or AuthFailure.PasskeyRequired
                    ? AuthOutcome.Fail(failure)
                    : await FailAsync(db, user, normalized, state, now, failure, cancellationToken);
            }
        }

        await SaveStateAsync(db, user.Id, LockoutPolicy.AfterSuccess(), cancellationToken);
        if (verdict == PasswordVerificationResult.SuccessRehashNeeded)
        {
            var rehashed = hasher.HashPassword(user, password);
            await db.Users.Where(u => u.Id == user.Id).ExecuteUpdateAsync(s => s.SetProperty(u => u.PasswordHash, rehashed), cancellationToken);
        }

        return new AuthOutcome(user, null);
    }

    /// <summary>
    /// Step-up (DESIGN §4): a fresh TOTP code from a signed-in user, accepted once. Failures count towards the account's
    /// lockout, and a locked account cannot step up, so a stolen session cannot guess codes.
    /// </summary>
    public async Task<AuthOutcome> StepUpAsync(Guid userId, string? code, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var user = await db.Users.SingleOrDefaultAsync(u => u.Id == userId, cancellationToken);
        if (user is null)
        {
            return AuthOutcome.Fail(AuthFailure.InvalidCredentials);
        }

        if (!user.TwoFactorEnabled || user.TotpSecretId is null)
        {
            var passkeys = await db.Passkeys().AnyAsync(p => p.UserId == userId, cancellationToken);
            return AuthOutcome.Fail(!passkeys ? AuthFailure.SecondFactorNotEnrolled : code is null ? AuthFailure.SecondFactorRequired : AuthFailure.TotpNotEnrolledUsePasskey);
        }

        if (code is null)
        {
            return AuthOutcome.Fail(AuthFailure.SecondFactorRequired);
        }

        using var attempt = await locks.AcquireAsync(user.NormalizedUserName ?? string.Empty, cancellationToken);
        await db.Entry(user).ReloadAsync(cancellationToken);
        var now = time.GetUtcNow();
        var state = StateOf(user);
        if (state.Disabled)
        {
            return AuthOutcome.Fail(AuthFailure.Disabled);
        }

        if (state.IsLockedAt(now))
        {
            return AuthOutcome.Fail(AuthFailure.Locked, state.LockedUntil);
        }

        return await totp.VerifyAsync(user.Id, user.TotpSecretId.Value, code, cancellationToken) switch
        {
            TotpCheck.Accepted => new AuthOutcome(user, null),
            TotpCheck.Replayed => await FailAsync(db, user, user.NormalizedUserName!, state, now, AuthFailure.ReplayedSecondFactor, cancellationToken),
            _ => await FailAsync(db, user, user.NormalizedUserName!, state, now, AuthFailure.InvalidSecondFactor, cancellationToken),
        };
    }

    /// <summary>
    /// Step-up with a passkey assertion (DESIGN §4): like a TOTP step-up, refused on a locked account, and every failure
    /// (a bad or replayed assertion, a used or expired challenge) counts towards the lockout. <paramref name="verify"/>
    /// runs the ceremony's finish under the account's attempt lock.
    /// </summary>
    public async Task<AuthOutcome> StepUpWithPasskeyAsync(Guid userId, Func<CancellationToken, Task<PasskeyFailure?>> verify, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var user = await db.Users.SingleOrDefaultAsync(u => u.Id == userId, cancellationToken);
        if (user is null)
        {
            return AuthOutcome.Fail(AuthFailure.InvalidCredentials);
        }

        if (!await db.Passkeys().AnyAsync(p => p.UserId == userId, cancellationToken))
        {
            return AuthOutcome.Fail(AuthFailure.SecondFactorNotEnrolled);
        }

        using var attempt = await locks.AcquireAsync(user.NormalizedUserName ?? string.Empty, cancellationToken);
        await db.Entry(user).ReloadAsync(cancellationToken);
        var now = time.GetUtcNow();
        var state = StateOf(user);
        if (state.Disabled)
        {
            return AuthOutcome.Fail(AuthFailure.Disabled);
        }

        if (state.IsLockedAt(now))
        {
            return AuthOutcome.Fail(AuthFailure.Locked, state.LockedUntil);
        }

        return await verify(cancellationToken) switch
        {
            null => new AuthOutcome(user, null),
            PasskeyFailure.UnknownChallenge => await FailAsync(db, user, user.NormalizedUserName!, state, now, AuthFailure.ReplayedSecondFactor, cancellationToken),
            _ => await FailAsync(db, user, user.NormalizedUserName!, state, now, AuthFailure.InvalidSecondFactor, cancellationToken),
        };
    }

    /// <summary>
    /// Passkey sign-in, after the assertion has authenticated the user: a passkey with user verification is a
    /// multi-factor authenticator by itself (NIST SP 800-63B-4 §3.1.7), so no TOTP is asked for; but the account's
    /// state decides as for a password — a disabled, locked or frozen account is refused — and a success clears the
    /// failures counted so far, as a password sign-in does.
    /// </summary>
    public async Task<AuthOutcome> AdmitPasskeyUserAsync(Guid userId, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var user = await db.Users.SingleOrDefaultAsync(u => u.Id == userId, cancellationToken);
        if (user is null)
        {
            return AuthOutcome.Fail(AuthFailure.InvalidCredentials);
        }

        using var attempt = await locks.AcquireAsync(user.NormalizedUserName ?? string.Empty, cancellationToken);
        await db.Entry(user).ReloadAsync(cancellationToken);
        var state = StateOf(user);
        if (state.Disabled)
        {
            return AuthOutcome.Fail(AuthFailure.Disabled);
        }

        if (state.IsLockedAt(time.GetUtcNow()))
        {
            return AuthOutcome.Fail(AuthFailure.Locked, state.LockedUntil);
        }

        if (user.FrozenAt is not null)
        {
            return AuthOutcome.Fail(AuthFailure.Frozen);
        }

        await SaveStateAsync(db, user.Id, LockoutPolicy.AfterSuccess(), cancellationToken);
        return new AuthOutcome(user, null);
    }

    /// <summary>An admin's unlock: clears the lockout (also the permanent one) of a user, and of a phantom of that name.</summary>
    public async Task<bool> UnlockAsync(string username, CancellationToken cancellationToken)
    {
        var normalized = normalizer.NormalizeName(username) ?? string.Empty;
        phantoms.Clear(normalized);
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var id = await db.Users.Where(u => u.NormalizedUserName == normalized).Select(u => (Guid?)u.Id).SingleOrDefaultAsync(cancellationToken);
        if (id is not { } userId)
        {
            return false;
        }

        await SaveStateAsync(db, userId, LockoutPolicy.AfterSuccess(), cancellationToken);
        return true;
    }

    internal static LockoutState StateOf(CofferUser user) => new(user.AccessFailedCount, user.LockoutCount, user.ConsecutiveFailures, user.LockoutEnd);

    private async Task<AuthFailure?> CheckSecondFactorAsync(CofferUser user, bool passkeys, Credentials credentials, CancellationToken cancellationToken)
    {
        if (passkeys && credentials.Passkey is { } passkey)
        {
            return await passkey(user.Id, cancellationToken) switch
            {
                null => null,
                PasskeyFailure.UnknownChallenge => AuthFailure.ReplayedSecondFactor,
                _ => AuthFailure.InvalidSecondFactor,
            };
        }

        if (credentials.TotpCode is { Length: > 0 } code && user.TotpSecretId is { } secretId)
        {
            return await totp.VerifyAsync(user.Id, secretId, code.Trim(), cancellationToken) switch
            {
                TotpCheck.Accepted => null,
                TotpCheck.Replayed => AuthFailure.ReplayedSecondFactor,
                _ => AuthFailure.InvalidSecondFactor,
            };
        }

        if (credentials.RecoveryCode is { Length: > 0 } recoveryCode)
        {
            return await recovery.RedeemAsync(user.Id, recoveryCode, cancellationToken) ? null : AuthFailure.InvalidSecondFactor;
        }

        return user.TwoFactorEnabled ? AuthFailure.SecondFactorRequired : AuthFailure.PasskeyRequired;
    }

    private async Task<AuthOutcome> FailAsync(CofferDb db, CofferUser? user, string normalized, LockoutState state, DateTimeOffset now, AuthFailure failure, CancellationToken cancellationToken)
    {
        var next = LockoutPolicy.AfterFailure(state, now);
        if (user is null)
        {
            if (normalized.Length > 0)
            {
                phantoms.Set(normalized, next, now);
            }
        }
        else
        {
            await SaveStateAsync(db, user.Id, next, cancellationToken);
        }

        return AuthOutcome.Fail(failure);
    }

    private static Task<int> SaveStateAsync(CofferDb db, Guid userId, LockoutState state, CancellationToken cancellationToken) =>
        db.Users.Where(u => u.Id == userId).ExecuteUpdateAsync(
            s => s.SetProperty(u => u.AccessFailedCount, state.WindowFailures)
                .SetProperty(u => u.LockoutCount, state.Lockouts)
                .SetProperty(u => u.ConsecutiveFailures, state.ConsecutiveFailures)
                .SetProperty(u => u.LockoutEnd, state.LockedUntil),
            cancellationToken);
}

/// <summary>
/// Issues sign-in sessions: a <c>session</c> child of the user's root token with the root's scopes. A user whose root
/// is gone (revoked, or never made) gets a new root first: revoking the root signs a user out everywhere, and the
/// next sign-in starts a fresh tree.
/// </summary>
internal sealed class SessionIssuer(IDbContextFactory<CofferDb> factory, TokenStore store, TokenTree tree, TimeProvider time)
{
    public static readonly TimeSpan SessionLifetime = TimeSpan.FromHours(12);

    public async Task<IssuedToken> IssueAsync(CofferUser user, string? displayName, CancellationToken cancellationToken)
    {
        var root = user.RootAccessor is { } accessor ? await store.FindByAccessorAsync(accessor, cancellationToken) : null;
        if (root is null || !root.IsActiveAt(time.GetUtcNow()))
        {
            root = (await CreateRootAsync(user.Id, cancellationToken)).Info;
        }

        return await tree.CreateChildAsync(root, new TokenRequest("session", [.. root.Scopes], SessionLifetime, DisplayName: displayName), cancellationToken);
    }

    /// <summary>A new root trader token for the user, with the scopes of their roles, recorded on the user.</summary>
    public async Task<IssuedToken> CreateRootAsync(Guid userId, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var roles = await RolesOfAsync(db, userId, cancellationToken);
        var root = await tree.CreateRootAsync(userId, Roles.ScopesOf(roles), cancellationToken);
        await db.Users.Where(u => u.Id == userId).ExecuteUpdateAsync(s => s.SetProperty(u => u.RootAccessor, root.Accessor), cancellationToken);
        return root;
    }

    public static Task<List<string>> RolesOfAsync(CofferDb db, Guid userId, CancellationToken cancellationToken) =>
        (from userRole in db.UserRoles
         join role in db.Roles on userRole.RoleId equals role.Id
         where userRole.UserId == userId
         select role.Name!).ToListAsync(cancellationToken);

    /// <summary>"signed in from 203.0.113.7 (coffer-cli/0.1.0)", printable and short enough for a display name.</summary>
    public static string Describe(HttpContext context)
    {
        var agent = new string([.. context.Request.Headers.UserAgent.ToString().Where(c => !char.IsControl(c)).Take(60)]);
        var text = $"signed in from {context.Connection.RemoteIpAddress}" + (agent.Length > 0 ? $" ({agent})" : string.Empty);
        return text.Length > TokenTree.MaxDisplayName ? text[..TokenTree.MaxDisplayName] : text;
    }
}
