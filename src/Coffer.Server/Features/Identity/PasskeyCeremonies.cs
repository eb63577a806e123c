using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.Json;
using Coffer.Server.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Coffer.Server.Features.Identity;

/// <summary>Why a passkey ceremony's finish was refused.</summary>
internal enum PasskeyFailure
{
    /// <summary>Not a WebAuthn credential response (bad JSON, no client data, no challenge in it).</summary>
    Malformed,

    /// <summary>The challenge is unknown, already used, expired, or was issued for another purpose or user.</summary>
    UnknownChallenge,

    /// <summary>Identity's verification failed: origin, RP id, flags, signature, sign counter, unknown credential…</summary>
    Rejected,
}

/// <summary>A finished assertion: the user and their passkey, or why not.</summary>
internal sealed record PasskeyAssertion(CofferUser? User, UserPasskeyInfo? Passkey, PasskeyFailure? Failure);

/// <summary>A finished registration: the credential record to store, or why not.</summary>
internal sealed record PasskeyAttestation(UserPasskeyInfo? Passkey, PasskeyFailure? Failure);

/// <summary>
/// The server side of WebAuthn ceremonies (W3C WebAuthn Level 3 §7), on .NET 10 Identity's <see cref="IPasskeyHandler{TUser}"/>.
/// Begin stores the ceremony (<see cref="PasskeyCeremonyRow"/>) and returns the options for the browser; finish finds
/// the ceremony by the challenge inside the response's client data, claims it with one DELETE (so it works once, on any
/// node), and lets Identity verify the response against it. Identity reads passkeys through UserManager but does not
/// save an assertion's new sign counter; this class writes passkeys itself (see <see cref="AddAsync"/>), the counter
/// as a compare-and-set on the passkey's use count.
/// </summary>
internal sealed partial class PasskeyCeremonies(
    IPasskeyHandler<CofferUser> handler,
    IDbContextFactory<CofferDb> factory,
    TimeProvider time,
    ILogger<PasskeyCeremonies> logger)
{
    /// <summary>How long a begun ceremony may be finished (also the authenticator timeout in the options).</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);

    /// <summary>Registration: creation options for the signed-in user, excluding the passkeys they already have.</summary>
    public async Task<JsonElement> BeginRegistrationAsync(CofferUser user, HttpContext http, CancellationToken cancellationToken)
    {
        var entity = new PasskeyUserEntity { Id = user.Id.ToString(), Name = user.UserName!, DisplayName = user.UserName! };
        var result = await handler.MakeCreationOptionsAsync(entity, http);
        return await StoreAsync(result.CreationOptionsJson, result.AttestationState ?? string.Empty, PasskeyPurpose.Register, user.Id, cancellationToken);
    }

    /// <summary>
    /// Request options. For a sign-in nobody is known yet and the list of allowed credentials is empty (a discoverable
    /// credential picks the account), so the answer is the same for every caller and reveals no usernames.
    /// </summary>
    public async Task<JsonElement> BeginAssertionAsync(CofferUser? user, PasskeyPurpose purpose, HttpContext http, CancellationToken cancellationToken)
    {
        var result = await handler.MakeRequestOptionsAsync(user, http);
        return await StoreAsync(result.RequestOptionsJson, result.AssertionState ?? string.Empty, purpose, user?.Id, cancellationToken);
    }

    public async Task<PasskeyAttestation> FinishRegistrationAsync(CofferUser user, string credentialJson, HttpContext http, CancellationToken cancellationToken)
    {
        if (ChallengeHash(credentialJson) is not { } hash)
        {
            return new PasskeyAttestation(null, PasskeyFailure.Malformed);
        }

        if (await ClaimAsync(hash, PasskeyPurpose.Register, user.Id, cancellationToken) is not { } state)
        {
            return new PasskeyAttestation(null, PasskeyFailure.UnknownChallenge);
        }

        var result = await handler.PerformAttestationAsync(new PasskeyAttestationContext { HttpContext = http, CredentialJson = credentialJson, AttestationState = state });
        if (!result.Succeeded || result.UserEntity.Id != user.Id.ToString())
        {
            LogRegistrationRefused(logger, user.Id, result.Failure?.Message ?? "user entity mismatch");
            return new PasskeyAttestation(null, PasskeyFailure.Rejected);
        }

        return new PasskeyAttestation(result.Passkey, null);
    }

    /// <summary>
    /// Verifies an assertion for <paramref name="purpose"/>; with <paramref name="userId"/> the passkey must be that user's
    /// (and for step-up the ceremony too, since the signed-in user began it).
    /// On success the new sign counter is saved and the use recorded, before anything else is decided.
    /// </summary>
    public async Task<PasskeyAssertion> FinishAssertionAsync(string credentialJson, PasskeyPurpose purpose, Guid? userId, HttpContext http, CancellationToken cancellationToken)
    {
        if (ChallengeHash(credentialJson) is not { } hash)
        {
            return new PasskeyAssertion(null, null, PasskeyFailure.Malformed);
        }

        // A step-up's ceremony was begun by the signed-in user; a sign-in's and an unfreeze's by somebody not yet known.
        if (await ClaimAsync(hash, purpose, purpose == PasskeyPurpose.StepUp ? userId : null, cancellationToken) is not { } state)
        {
            return new PasskeyAssertion(null, null, PasskeyFailure.UnknownChallenge);
        }

        var useCount = await UseCountAsync(credentialJson, cancellationToken);
        var result = await handler.PerformAssertionAsync(new PasskeyAssertionContext { HttpContext = http, CredentialJson = credentialJson, AssertionState = state });
        if (!result.Succeeded || useCount is null || (userId is { } expected && result.User.Id != expected))
        {
            LogAssertionRefused(logger, purpose, result.Failure?.Message ?? "credential of another user");
            return new PasskeyAssertion(null, null, PasskeyFailure.Rejected);
        }

        // Of two assertions verified against the same stored counter, only the first to get here may save its counter.
        if (!await RecordUseAsync(result.Passkey, useCount.Value, cancellationToken))
        {
            LogLostRace(logger, result.User.Id);
            return new PasskeyAssertion(null, null, PasskeyFailure.Rejected);
        }

        return new PasskeyAssertion(result.User, result.Passkey, null);
    }

    /// <summary>The SHA-256 of the challenge named in a credential response's client data; null if there is none.</summary>
    internal static byte[]? ChallengeHash(string credentialJson)
    {
        try
        {
            using var credential = JsonDocument.Parse(credentialJson);
            if (credential.RootElement.ValueKind != JsonValueKind.Object
                || !credential.RootElement.TryGetProperty("response", out var response) || response.ValueKind != JsonValueKind.Object
                || !response.TryGetProperty("clientDataJSON", out var encoded) || encoded.ValueKind != JsonValueKind.String
                || !Base64Url.IsValid(encoded.GetString()!))
            {
                return null;
            }

            using var clientData = JsonDocument.Parse(Base64Url.DecodeFromChars(encoded.GetString()!));
            return clientData.RootElement.ValueKind == JsonValueKind.Object
                && clientData.RootElement.TryGetProperty("challenge", out var challenge) && challenge.ValueKind == JsonValueKind.String
                && Base64Url.IsValid(challenge.GetString()!) && challenge.GetString()!.Length > 0
                ? SHA256.HashData(Base64Url.DecodeFromChars(challenge.GetString()!))
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    internal static string Name(PasskeyPurpose purpose) => purpose switch
    {
        PasskeyPurpose.Register => "register",
        PasskeyPurpose.SignIn => "signin",
        PasskeyPurpose.StepUp => "step_up",
        PasskeyPurpose.Unfreeze => "unfreeze",
        _ => throw new ArgumentOutOfRangeException(nameof(purpose)),
    };

    private async Task<JsonElement> StoreAsync(string optionsJson, string state, PasskeyPurpose purpose, Guid? userId, CancellationToken cancellationToken)
    {
        var options = JsonSerializer.Deserialize<JsonElement>(optionsJson);
        var challenge = Base64Url.DecodeFromChars(options.GetProperty("challenge").GetString()!);
        var now = time.GetUtcNow();
        await using var db = await factory.CreateDbContextAsync(cancellationToken);

        // Ceremonies nobody finished go when the next one begins: the table holds only the last few minutes' worth.
        var nowMs = now.ToUnixTimeMilliseconds();
        await db.PasskeyCeremonies().Where(c => c.ExpiresAt <= nowMs).ExecuteDeleteAsync(cancellationToken);
        db.PasskeyCeremonies().Add(new PasskeyCeremonyRow
        {
            ChallengeHash = SHA256.HashData(challenge),
            Purpose = Name(purpose),
            UserId = userId,
            State = state,
            CreatedAt = now,
            ExpiresAt = (now + Lifetime).ToUnixTimeMilliseconds(),
        });
        await db.SaveChangesAsync(cancellationToken);
        return options;
    }

    /// <summary>Takes the ceremony for this challenge, purpose and user, once; null when there is none to take.</summary>
    private async Task<string?> ClaimAsync(byte[] hash, PasskeyPurpose purpose, Guid? userId, CancellationToken cancellationToken)
    {
        var name = Name(purpose);
        var nowMs = time.GetUtcNow().ToUnixTimeMilliseconds();
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var row = await db.PasskeyCeremonies().AsNoTracking()
            .SingleOrDefaultAsync(c => c.ChallengeHash == hash && c.Purpose == name && c.UserId == userId, cancellationToken);
        if (row is null)
        {
            return null;
        }

        // The DELETE is the claim: of two finishes with one challenge, exactly one deletes the row.
        var claimed = await db.PasskeyCeremonies().Where(c => c.ChallengeHash == hash).ExecuteDeleteAsync(cancellationToken);
        return claimed == 1 && row.ExpiresAt > nowMs ? row.State : null;
    }

    /// <summary>Stores a verified new passkey under <paramref name="name"/>; false if its credential id is already registered.</summary>
    public async Task<bool> AddAsync(Guid userId, UserPasskeyInfo passkey, string name, CancellationToken cancellationToken)
    {
        // Written here rather than through UserManager, whose update of the passkey also rewrites the whole user row
        // (every column, from an entity read earlier): it would undo a freeze, a lockout or a TOTP step saved meanwhile.
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var row = new IdentityUserPasskey<Guid>
        {
            UserId = userId,
            CredentialId = passkey.CredentialId,
            Data = new IdentityPasskeyData
            {
                PublicKey = passkey.PublicKey,
                Name = name,
                CreatedAt = time.GetUtcNow(),
                SignCount = passkey.SignCount,
                Transports = passkey.Transports,
                IsUserVerified = passkey.IsUserVerified,
                IsBackupEligible = passkey.IsBackupEligible,
                IsBackedUp = passkey.IsBackedUp,
                AttestationObject = passkey.AttestationObject,
                ClientDataJson = passkey.ClientDataJson,
            },
        };
        db.Passkeys().Add(row);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return true;
        }
        catch (DbUpdateException)
        {
            // Identity checked that no user has this credential id; a registration racing this one can still win.
            await using var check = await factory.CreateDbContextAsync(cancellationToken);
            if (await check.Passkeys().AnyAsync(p => p.CredentialId == row.CredentialId, cancellationToken))
            {
                return false;
            }

            throw;
        }
    }

    /// <summary>
    /// Saves the sign counter and backup state of a verified assertion, and when it happened. The use count is a
    /// concurrency token: the UPDATE matches only the row as it was read, so of two assertions verified against the
    /// same stored counter (a cloned authenticator racing the original) only one is saved and accepted.
    /// </summary>
    private async Task<bool> RecordUseAsync(UserPasskeyInfo passkey, long useCountBefore, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var row = await db.Passkeys().SingleOrDefaultAsync(p => p.CredentialId == passkey.CredentialId, cancellationToken);
        if (row is null)
        {
            return false;
        }

        var useCount = db.Entry(row).Property<long>(PasskeySchema.UseCount);
        useCount.OriginalValue = useCountBefore;
        useCount.CurrentValue = useCountBefore + 1;
        db.Entry(row).Property<DateTimeOffset?>(PasskeySchema.LastUsedAt).CurrentValue = time.GetUtcNow();
        row.Data.SignCount = passkey.SignCount;
        row.Data.IsBackedUp = passkey.IsBackedUp;
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return true;
        }
        catch (DbUpdateConcurrencyException)
        {
            return false;
        }
    }

    /// <summary>The use count of the passkey the response names, read before verification; null if there is no such passkey.</summary>
    private async Task<long?> UseCountAsync(string credentialJson, CancellationToken cancellationToken)
    {
        using var credential = JsonDocument.Parse(credentialJson);
        if (!credential.RootElement.TryGetProperty("id", out var id) || id.ValueKind != JsonValueKind.String || !Base64Url.IsValid(id.GetString()!))
        {
            return null;
        }

        var credentialId = Base64Url.DecodeFromChars(id.GetString()!);
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        return await db.Passkeys().Where(p => p.CredentialId == credentialId)
            .Select(p => (long?)EF.Property<long>(p, PasskeySchema.UseCount)).SingleOrDefaultAsync(cancellationToken);
    }

    // Identity's failure messages name the check that failed (origin, challenge, signature, counter), never key material.
    [LoggerMessage(Level = LogLevel.Information, Message = "Passkey registration refused for user {UserId}: {Reason}")]
    private static partial void LogRegistrationRefused(ILogger logger, Guid userId, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Passkey assertion refused ({Purpose}): {Reason}")]
    private static partial void LogAssertionRefused(ILogger logger, PasskeyPurpose purpose, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A passkey assertion of user {UserId} lost a race with another use of the same passkey")]
    private static partial void LogLostRace(ILogger logger, Guid userId);
}
