using System.Buffers.Text;
using System.Globalization;
using System.Net;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Threading.RateLimiting;
using Coffer.Server.Data;
using Coffer.Server.Features.Tokens;
using Coffer.Server.Features.Web;
using Coffer.Server.Hosting;
using Coffer.Server.Problems;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Coffer.Server.Features.Identity;

/// <summary>
/// <c>/api/v1/auth</c>: sign-up (by invitation, or open where configured), sign-in with password and second factor,
/// sign-out, sessions, password, TOTP enrolment and recovery codes, invitations and unlock for admins; passkeys in
/// <see cref="PasskeyEndpoints"/>.
/// </summary>
internal static class IdentityEndpoints
{
    /// <summary>Tokens that act for the person: their root and their sign-in sessions, never a tool's API token.</summary>
    public const string PersonPolicy = "person";
    public const string AdminPolicy = "admin";

    /// <summary>The per-client-IP throttle on every endpoint that checks a password or a code.</summary>
    public const string RateLimitPolicy = "auth-per-ip";

    /// <summary>PBKDF2 iterations (OWASP 2026: 600,000 for HMAC-SHA256; Identity's V3 format uses HMAC-SHA512, stronger).</summary>
    public const int PasswordIterations = 600_000;

    public const string InvitationPrefix = "cof_invite_";
    private static readonly TimeSpan DefaultInvitationTtl = TimeSpan.FromDays(7);
    private static readonly TimeSpan MaxInvitationTtl = TimeSpan.FromDays(30);

    public static IServiceCollection AddIdentityFeature(this IServiceCollection services, ServerSettings settings)
    {
        // Singletons ahead of AddIdentityCore's scoped defaults (it only adds what is missing), so the authenticator,
        // a singleton, hashes with exactly the hasher and options UserManager uses.
        services.AddSingleton<IPasswordHasher<CofferUser>, PasswordHasher<CofferUser>>();
        services.AddSingleton<ILookupNormalizer, UpperInvariantLookupNormalizer>();
        services.Configure<PasswordHasherOptions>(o =>
        {
            o.CompatibilityMode = PasswordHasherCompatibilityMode.IdentityV3;
            o.IterationCount = PasswordIterations;
        });
        services.AddIdentityCore<CofferUser>(o =>
            {
                o.Stores.SchemaVersion = IdentitySchemaVersions.Version3;
                o.Password.RequiredLength = PasswordPolicy.MinLength;
                o.Password.RequireDigit = false;
                o.Password.RequireLowercase = false;
                o.Password.RequireUppercase = false;
                o.Password.RequireNonAlphanumeric = false;
                o.Password.RequiredUniqueChars = 1;
                o.User.RequireUniqueEmail = false;
                o.User.AllowedUserNameCharacters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-";
                o.Lockout.AllowedForNewUsers = true;
                o.Lockout.MaxFailedAccessAttempts = LockoutPolicy.FailuresPerLockout;
                o.Lockout.DefaultLockoutTimeSpan = LockoutPolicy.FirstLockout;
            })
            .AddRoles<CofferRole>()
            .AddEntityFrameworkStores<CofferDb>()
            .AddPasswordValidator<PasswordPolicy>();
        services.AddSingleton<PhantomLockouts>();
        services.AddSingleton<AttemptLocks>();
        services.AddSingleton<TotpService>();
        services.AddSingleton<RecoveryCodes>();
        services.AddSingleton<Authenticator>();
        services.AddSingleton<SessionIssuer>();
        services.AddSingleton<StepUp>();
        services.AddSingleton<SecurityEvents>();
        var relyingParty = PasskeyRelyingParty.From(settings);
        services.AddSingleton(relyingParty);
        services.Configure<IdentityPasskeyOptions>(o =>
        {
            // The RP id and origins from settings, not from the request's Host and Origin headers (the default): a
            // bearer-token client need not send an Origin header, and the client's headers are the client's to choose.
            o.ServerDomain = relyingParty.RpId;
            o.ValidateOrigin = context => ValueTask.FromResult(relyingParty.Allows(context.Origin, context.CrossOrigin));
            o.AuthenticatorTimeout = PasskeyCeremonies.Lifetime;

            // User verification (PIN or biometric) makes a passkey multi-factor on its own, which is what lets it sign
            // in without a password and stand in for TOTP at step-up; discoverable credentials allow usernameless sign-in.
            o.UserVerificationRequirement = "required";
            o.ResidentKeyRequirement = "required";
        });
        services.TryAddScoped<IPasskeyHandler<CofferUser>, PasskeyHandler<CofferUser>>();
        services.AddScoped<PasskeyCeremonies>();
        // Only the policy: the 429 answer (problem, Retry-After, RateLimit fields) is the perimeter's, for every limiter.
        services.AddRateLimiter(o =>
        {
            o.AddPolicy(RateLimitPolicy, context => RateLimitPartition.GetTokenBucketLimiter(ClientKey(context.Connection.RemoteIpAddress), _ => new TokenBucketRateLimiterOptions
            {
                TokenLimit = settings.SignInAttemptsPerMinute,
                TokensPerPeriod = 1,
                ReplenishmentPeriod = TimeSpan.FromSeconds(60.0 / settings.SignInAttemptsPerMinute),
                QueueLimit = 0,
                AutoReplenishment = true,
            }));
        });
        return services;
    }

    public static AuthorizationBuilder AddIdentityPolicies(this AuthorizationBuilder builder) => builder
        .AddPolicy(PersonPolicy, p => p.RequireClaim(TokenAuthenticationHandler.KindClaim, "session", "trader"))
        .AddPolicy(AdminPolicy, p => p.RequireClaim(TokenAuthenticationHandler.ScopeClaim, Scopes.Admin));

    public static IEndpointRouteBuilder MapIdentityEndpoints(this IEndpointRouteBuilder app)
    {
        var auth = app.MapGroup("/api/v1/auth").WithTags("auth");
        auth.MapPost("/signin", SignIn).AllowAnonymous().RequireRateLimiting(RateLimitPolicy).WithMetadata(IssuesSessionMetadata.Instance);
        auth.MapPost("/signup", SignUp).AllowAnonymous().RequireRateLimiting(RateLimitPolicy).WithMetadata(IssuesSessionMetadata.Instance);
        auth.MapPost("/signout", SignOut).RequireAuthorization(TokenEndpoints.AuthenticatedPolicy);
        auth.MapGet("/sessions", Sessions).RequireAuthorization(PersonPolicy);
        auth.MapPost("/password", SetPassword).RequireAuthorization(PersonPolicy).RequireRateLimiting(RateLimitPolicy);
        auth.MapPost("/invitations", Invite).RequireAuthorization(AdminPolicy);
        auth.MapPost("/users/{username}/unlock", Unlock).RequireAuthorization(AdminPolicy).RequireStepUp();
        auth.MapGet("/2fa", TwoFactorStatus).RequireAuthorization(PersonPolicy);
        auth.MapPost("/2fa/totp", BeginTotp).RequireAuthorization(PersonPolicy);
        auth.MapPost("/2fa/totp/confirm", ConfirmTotp).RequireAuthorization(PersonPolicy).RequireRateLimiting(RateLimitPolicy);
        auth.MapDelete("/2fa/totp", DisableTotp).RequireAuthorization(PersonPolicy).RequireStepUp();
        auth.MapPost("/2fa/recovery-codes", NewRecoveryCodes).RequireAuthorization(PersonPolicy).RequireStepUp();
        auth.MapPasskeyEndpoints();
        auth.MapSecurityCentreEndpoints();
        return app;
    }

    internal static async Task<Results<Ok<SessionResponse>, JsonHttpResult<Microsoft.AspNetCore.Mvc.ProblemDetails>>> SignIn(SignInRequest request, HttpContext context, Authenticator authenticator, SessionIssuer sessions, SecurityEvents events, CancellationToken cancellationToken)
    {
        var outcome = await authenticator.AuthenticateAsync(new Credentials(request.Username, request.Password, request.TotpCode, request.RecoveryCode), unfreezing: false, cancellationToken);
        if (outcome.User is not { } user)
        {
            await events.SignInRefusedAsync(context, request.Username, outcome.Failure, cancellationToken, MethodOf(request));
            return IdentityProblems.For(context, outcome);
        }

        await events.SignedInAsync(context, user, MethodOf(request), cancellationToken);
        var session = await sessions.IssueAsync(user, SessionIssuer.Describe(context), cancellationToken);
        return TypedResults.Ok(new SessionResponse(SessionCookie.Deliver(context, session), session.Accessor, session.Info.ExpiresAt));
    }

    internal static async Task<Results<Created<SignUpResponse>, ProblemHttpResult>> SignUp(
        SignUpRequest request,
        HttpContext context,
        CofferDb db,
        UserManager<CofferUser> users,
        SessionIssuer sessions,
        ServerSettings settings,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        if (request.Invitation is null && !settings.OpenSignUp)
        {
            return Problem.Result(ProblemType.SignUpClosed, "Sign-up on this server is by invitation: ask an admin for one (POST /api/v1/auth/invitations).");
        }

        if (ValidateUsername(request.Username) is { } badName)
        {
            return badName;
        }

        var username = request.Username!.Trim();
        if (PasswordPolicy.Check(request.Password ?? string.Empty, username) is { } weak)
        {
            return Problem.Result(ProblemType.PasswordRejected, weak);
        }

        var now = time.GetUtcNow();
        var user = new CofferUser { Id = Guid.NewGuid(), UserName = username, CreatedAt = now, LockoutEnabled = true };
        var role = Roles.Trader;
        await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
        {
            if (request.Invitation is { } code)
            {
                // Claiming is one conditional UPDATE: of two sign-ups with one invitation, exactly one gets it.
                var hash = InvitationHash(code);
                var invitation = await db.Invitations().AsNoTracking().SingleOrDefaultAsync(i => i.CodeHash == hash, cancellationToken);
                var claimed = invitation is null ? 0 : await db.Invitations()
                    .Where(i => i.Id == invitation.Id && i.UsedAt == null && i.ExpiresAt > now.ToUnixTimeMilliseconds())
                    .ExecuteUpdateAsync(s => s.SetProperty(i => i.UsedAt, now).SetProperty(i => i.UsedBy, user.Id), cancellationToken);
                if (claimed != 1)
                {
                    return Problem.Result(ProblemType.InvitationInvalid, "This invitation is unknown, already used or expired. Ask an admin for a new one.");
                }

                role = invitation!.Role;
            }

            var created = await users.CreateAsync(user, request.Password!);
            if (!created.Succeeded)
            {
                return created.Errors.Any(e => e.Code == nameof(IdentityErrorDescriber.DuplicateUserName))
                    ? Problem.Result(ProblemType.UsernameTaken, "That username is taken; choose another.")
                    : Problem.Result(ProblemType.PasswordRejected, string.Join(" ", created.Errors.Select(e => e.Description)));
            }

            var added = await users.AddToRoleAsync(user, role);
            if (!added.Succeeded)
            {
                throw new InvalidOperationException("The role " + role + " is missing: migration 0004 seeds it.");
            }

            await transaction.CommitAsync(cancellationToken);
        }

        // The user entity is the one UserManager tracks, so the root is set on it here rather than read back (a read
        // would return the tracked entity, without the root, and the session would get a second root of its own).
        var root = await sessions.CreateRootAsync(user.Id, cancellationToken);
        user.RootAccessor = root.Accessor;
        var session = await sessions.IssueAsync(user, SessionIssuer.Describe(context), cancellationToken);
        return TypedResults.Created("/api/v1/auth/sessions", new SignUpResponse(user.Id, username, [role], SessionCookie.Deliver(context, session), session.Accessor, session.Info.ExpiresAt));
    }

    internal static async Task<Results<NoContent, ProblemHttpResult>> SignOut(HttpContext context, TokenTree tree, CancellationToken cancellationToken)
    {
        var principal = context.User;
        if (principal.FindFirstValue(TokenAuthenticationHandler.KindClaim) != "session")
        {
            return Problem.Result(ProblemType.NotASession, "Sign-out ends a sign-in session. To revoke another kind of token use POST /api/v1/tokens/self/revoke.");
        }

        await tree.RevokeAsync(principal.FindFirstValue(TokenAuthenticationHandler.AccessorClaim)!, cancellationToken);
        SessionCookie.Expire(context);
        return TypedResults.NoContent();
    }

    internal static async Task<Ok<SessionListResponse>> Sessions(HttpContext context, IDbContextFactory<CofferDb> factory, TimeProvider time, CancellationToken cancellationToken)
    {
        var principal = context.User;
        var userId = UserId(principal);
        var current = principal.FindFirstValue(TokenAuthenticationHandler.AccessorClaim);
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var rows = await db.Tokens.AsNoTracking().Where(t => t.UserId == userId && t.Kind == "session" && t.RevokedAt == null).ToListAsync(cancellationToken);
        var now = time.GetUtcNow();
        var items = new List<SessionView>();
        foreach (var t in rows.Select(TokenInfo.From).Where(t => t.IsActiveAt(now)).OrderByDescending(t => t.CreatedAt))
        {
            // The device is what the session's own access log last saw; the log is written behind the request, so the
            // calling session's latest use is this request itself.
            var last = await db.Table<AccessLogRow>().AsNoTracking().Where(a => a.Accessor == t.Accessor).OrderByDescending(a => a.Id).FirstOrDefaultAsync(cancellationToken);
            var isCurrent = t.Accessor == current;
            items.Add(new SessionView(
                t.Accessor,
                t.DisplayName,
                t.CreatedAt,
                t.ExpiresAt,
                isCurrent,
                isCurrent ? now : last is null ? null : DateTimeOffset.FromUnixTimeMilliseconds(last.OccurredAt),
                isCurrent ? Client(context) : last?.ClientIp,
                isCurrent ? context.Request.Headers.UserAgent.ToString() is { Length: > 0 } ua ? ua[..Math.Min(ua.Length, 256)] : null : last?.UserAgent));
        }

        return TypedResults.Ok(new SessionListResponse(items));
    }

    internal static async Task<Results<Ok<PasswordResponse>, ProblemHttpResult>> SetPassword(PasswordRequest request, ClaimsPrincipal principal, UserManager<CofferUser> users, CancellationToken cancellationToken)
    {
        var user = await users.FindByIdAsync(UserId(principal).ToString());
        if (user is null)
        {
            return Problem.Result(ProblemType.Unauthorized, "The calling token's user no longer exists.");
        }

        if (PasswordPolicy.Check(request.NewPassword ?? string.Empty, user.UserName) is { } weak)
        {
            return Problem.Result(ProblemType.PasswordRejected, weak);
        }

        IdentityResult result;
        if (user.PasswordHash is null)
        {
            // The first password of an account made without one: the initial admin, holding the token from init.
            result = await users.AddPasswordAsync(user, request.NewPassword!);
        }
        else if (request.CurrentPassword is not { Length: > 0 } current)
        {
            return Problem.Result(ProblemType.CurrentPasswordRequired, "Send current_password along with new_password.");
        }
        else if (!await users.CheckPasswordAsync(user, current))
        {
            return Problem.Result(ProblemType.InvalidCredentials, "The current password is wrong.");
        }
        else
        {
            result = await users.ChangePasswordAsync(user, current, request.NewPassword!);
        }

        return result.Succeeded
            ? TypedResults.Ok(new PasswordResponse(user.UserName!))
            : Problem.Result(ProblemType.PasswordRejected, string.Join(" ", result.Errors.Select(e => e.Description)));
    }

    internal static async Task<Results<Created<InvitationResponse>, ProblemHttpResult>> Invite(InvitationRequest? request, ClaimsPrincipal principal, IDbContextFactory<CofferDb> factory, TimeProvider time, CancellationToken cancellationToken)
    {
        var role = request?.Role ?? Roles.Trader;
        if (!Roles.IsKnown(role))
        {
            return Problem.Result(ProblemType.InvalidArgument, $"role must be one of {string.Join(", ", Roles.All)}.");
        }

        if (request?.TtlSeconds is < 60 or > 30L * 24 * 3600)
        {
            return Problem.Result(ProblemType.InvalidArgument, $"ttl_seconds must be between 60 and {(long)MaxInvitationTtl.TotalSeconds} (30 days).");
        }

        var code = InvitationPrefix + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        var now = time.GetUtcNow();
        var expires = now + (request?.TtlSeconds is { } ttl ? TimeSpan.FromSeconds(ttl) : DefaultInvitationTtl);
        var row = new InvitationRow
        {
            Id = Guid.NewGuid(),
            CodeHash = InvitationHash(code),
            Role = role,
            CreatedBy = UserId(principal),
            CreatedAt = now,
            ExpiresAt = expires.ToUnixTimeMilliseconds(),
        };
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        db.Invitations().Add(row);
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Created($"/api/v1/auth/invitations/{row.Id}", new InvitationResponse(row.Id, code, role, DateTimeOffset.FromUnixTimeMilliseconds(row.ExpiresAt)));
    }

    internal static async Task<Results<Ok<UnlockResponse>, ProblemHttpResult>> Unlock(string username, Authenticator authenticator, IDbContextFactory<CofferDb> factory, ILookupNormalizer normalizer, CancellationToken cancellationToken)
    {
        if (!await authenticator.UnlockAsync(username, cancellationToken))
        {
            return Problem.Result(ProblemType.NotFound, "No user with this name.");
        }

        // An admin's unlock also unfreezes: the way back for a user who froze an account that has no second factor.
        var normalized = normalizer.NormalizeName(username);
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var wasFrozen = await db.Users.Where(u => u.NormalizedUserName == normalized && u.FrozenAt != null)
            .ExecuteUpdateAsync(s => s.SetProperty(u => u.FrozenAt, (DateTimeOffset?)null), cancellationToken) == 1;
        return TypedResults.Ok(new UnlockResponse(username, wasFrozen));
    }

    internal static async Task<Results<Ok<TwoFactorStatusResponse>, ProblemHttpResult>> TwoFactorStatus(ClaimsPrincipal principal, IDbContextFactory<CofferDb> factory, RecoveryCodes recovery, CancellationToken cancellationToken)
    {
        var user = await FindAsync(factory, principal, cancellationToken);
        return user is null
            ? Problem.Result(ProblemType.Unauthorized, "The calling token's user no longer exists.")
            : TypedResults.Ok(new TwoFactorStatusResponse(user.TwoFactorEnabled, user.TotpPendingSecretId is not null, await recovery.RemainingAsync(user.Id, cancellationToken)));
    }

    internal static async Task<Results<Ok<TotpEnrolmentResponse>, ProblemHttpResult>> BeginTotp(ClaimsPrincipal principal, IDbContextFactory<CofferDb> factory, TotpService totp, CancellationToken cancellationToken)
    {
        var user = await FindAsync(factory, principal, cancellationToken);
        if (user is null)
        {
            return Problem.Result(ProblemType.Unauthorized, "The calling token's user no longer exists.");
        }

        if (user.TwoFactorEnabled)
        {
            return Problem.Result(ProblemType.TotpAlreadyEnabled, "TOTP is already enabled. To move to a new authenticator, disable it first (DELETE /api/v1/auth/2fa/totp, with step-up).");
        }

        var enrolment = await totp.BeginAsync(user, cancellationToken);
        return TypedResults.Ok(new TotpEnrolmentResponse(enrolment.Secret, enrolment.OtpAuthUri, "SHA1", Totp.Digits, Totp.StepSeconds));
    }

    internal static async Task<Results<Ok<RecoveryCodesResponse>, ProblemHttpResult>> ConfirmTotp(TotpConfirmRequest request, ClaimsPrincipal principal, IDbContextFactory<CofferDb> factory, TotpService totp, RecoveryCodes recovery, CancellationToken cancellationToken)
    {
        var user = await FindAsync(factory, principal, cancellationToken);
        if (user?.TotpPendingSecretId is not { } pending)
        {
            return Problem.Result(ProblemType.TotpNotPending, "Start with POST /api/v1/auth/2fa/totp, add the secret to your authenticator app, then confirm with its current code.");
        }

        switch (await totp.VerifyAsync(user.Id, pending, request.Code?.Trim(), cancellationToken))
        {
            case TotpCheck.Replayed:
                return Problem.Result(ProblemType.InvalidSecondFactor, "That code was already used. Wait for the next one.");
            case TotpCheck.Wrong:
                return Problem.Result(ProblemType.InvalidSecondFactor, "The code does not match the new secret. Check the authenticator app's clock and try its current code.");
        }

        await using (var db = await factory.CreateDbContextAsync(cancellationToken))
        {
            await db.Users.Where(u => u.Id == user.Id).ExecuteUpdateAsync(
                s => s.SetProperty(u => u.TotpSecretId, pending).SetProperty(u => u.TotpPendingSecretId, (Guid?)null).SetProperty(u => u.TwoFactorEnabled, true),
                cancellationToken);
        }

        await totp.DeleteSeedAsync(user.Id, user.TotpSecretId, cancellationToken);
        return TypedResults.Ok(new RecoveryCodesResponse(await recovery.ReplaceAsync(user.Id, cancellationToken)));
    }

    internal static async Task<Results<NoContent, ProblemHttpResult>> DisableTotp(ClaimsPrincipal principal, IDbContextFactory<CofferDb> factory, TotpService totp, RecoveryCodes recovery, CancellationToken cancellationToken)
    {
        var user = await FindAsync(factory, principal, cancellationToken);
        if (user is null)
        {
            return Problem.Result(ProblemType.Unauthorized, "The calling token's user no longer exists.");
        }

        await using (var db = await factory.CreateDbContextAsync(cancellationToken))
        {
            await db.Users.Where(u => u.Id == user.Id).ExecuteUpdateAsync(
                s => s.SetProperty(u => u.TotpSecretId, (Guid?)null).SetProperty(u => u.TotpPendingSecretId, (Guid?)null).SetProperty(u => u.TwoFactorEnabled, false),
                cancellationToken);
        }

        await totp.DeleteSeedAsync(user.Id, user.TotpSecretId, cancellationToken);
        await totp.DeleteSeedAsync(user.Id, user.TotpPendingSecretId, cancellationToken);
        await recovery.DeleteAllAsync(user.Id, cancellationToken);
        return TypedResults.NoContent();
    }

    internal static async Task<Results<Ok<RecoveryCodesResponse>, ProblemHttpResult>> NewRecoveryCodes(ClaimsPrincipal principal, RecoveryCodes recovery, CancellationToken cancellationToken) =>
        TypedResults.Ok(new RecoveryCodesResponse(await recovery.ReplaceAsync(UserId(principal), cancellationToken)));

    /// <summary>The second factor decides the name: a TOTP code is checked first, a recovery code only without one.</summary>
    private static string MethodOf(SignInRequest request) =>
        request.TotpCode is not { Length: > 0 } && request.RecoveryCode is { Length: > 0 } ? "recovery" : "password";

    internal static Guid UserId(ClaimsPrincipal principal) => Guid.Parse(principal.FindFirstValue(ClaimTypes.NameIdentifier)!);

    internal static ProblemHttpResult? ValidateUsername(string? username)
    {
        var name = username?.Trim();
        return name is { Length: >= 3 and <= Authenticator.MaxUsernameLength } && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-')
            ? null
            : Problem.Result(ProblemType.InvalidArgument, $"username must be 3 to {Authenticator.MaxUsernameLength} characters: letters, digits, '.', '_' or '-'.");
    }

    private static string? Client(HttpContext context) =>
        context.Connection.RemoteIpAddress is { } ip ? (ip.IsIPv4MappedToIPv6 ? ip.MapToIPv4() : ip).ToString() : null;

    private static byte[] InvitationHash(string code) => SHA256.HashData(Encoding.UTF8.GetBytes(code));

    private static async Task<CofferUser?> FindAsync(IDbContextFactory<CofferDb> factory, ClaimsPrincipal principal, CancellationToken cancellationToken)
    {
        var id = UserId(principal);
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        return await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.Id == id, cancellationToken);
    }

    /// <summary>The throttle's partition: the client address, IPv6 by its /64 (one subscriber's usual allocation).</summary>
    private static string ClientKey(IPAddress? address)
    {
        if (address is null)
        {
            return "unknown";
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }

        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }
}
