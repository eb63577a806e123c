using System.Security.Cryptography;
using System.Text;
using Coffer.Server.Data;
using Coffer.Vault;
using Coffer.Vault.Signing;
using Microsoft.EntityFrameworkCore;

namespace Coffer.Server.Features.Identity;

/// <summary>How a presented TOTP code fared.</summary>
internal enum TotpCheck
{
    Accepted,
    Wrong,

    /// <summary>Right for its time step, but that step (or a later one) was already accepted: a replay.</summary>
    Replayed,
}

/// <summary>A TOTP seed just generated for enrolment: shown to the user once, then only the vault has it.</summary>
internal sealed record TotpEnrolment(string Secret, string OtpAuthUri);

/// <summary>
/// TOTP for Coffer users (security.md §10). The seed is a vault secret under the user's key: codes are computed by the
/// vault's HMAC-SHA-1 oracle, so the seed is in memory only inside the vault. A code is accepted for the current step
/// ±1, and only if its step is later than the last one accepted for the user; that check-and-set is one UPDATE, so two
/// nodes (or two requests) cannot both accept the same code.
/// </summary>
internal sealed class TotpService(CofferVault vault, IDbContextFactory<CofferDb> factory, TimeProvider time)
{
    public const string Issuer = "Coffer";

    /// <summary>Generates a seed, stores it as the user's pending seed and returns it for the authenticator app.</summary>
    public async Task<TotpEnrolment> BeginAsync(CofferUser user, CancellationToken cancellationToken)
    {
        var seed = RandomNumberGenerator.GetBytes(Totp.SeedBytes);
        try
        {
            var secretId = Guid.NewGuid();
            await vault.StoreSecretAsync(user.Id, secretId, seed, cancellationToken);
            await using var db = await factory.CreateDbContextAsync(cancellationToken);
            await db.Users.Where(u => u.Id == user.Id).ExecuteUpdateAsync(s => s.SetProperty(u => u.TotpPendingSecretId, secretId), cancellationToken);
            if (user.TotpPendingSecretId is { } previous)
            {
                await vault.DeleteSecretAsync(user.Id, previous, cancellationToken);
            }

            return new TotpEnrolment(Totp.Base32(seed), Totp.OtpAuthUri(Issuer, user.UserName ?? user.Id.ToString(), seed));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(seed);
        }
    }

    /// <summary>Checks <paramref name="code"/> against the seed <paramref name="secretId"/> and, if right, claims its step.</summary>
    public async Task<TotpCheck> VerifyAsync(Guid userId, Guid secretId, string? code, CancellationToken cancellationToken)
    {
        if (!Totp.IsWellFormed(code))
        {
            return TotpCheck.Wrong;
        }

        var now = Totp.StepAt(time.GetUtcNow());
        long? matched = null;

        // All three steps are computed whatever matches, so the time taken does not depend on which one did.
        for (var step = now - Totp.Window; step <= now + Totp.Window; step++)
        {
            var mac = Convert.FromHexString(await vault.SignAsync(new CredentialHandle(userId, secretId), SigningMechanism.HmacSha1Hex, Totp.Counter(step), cancellationToken));
            if (Totp.CodesEqual(Totp.Truncate(mac, Totp.Digits), code!))
            {
                matched = step;
            }
        }

        if (matched is not { } accepted)
        {
            return TotpCheck.Wrong;
        }

        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var claimed = await db.Users
            .Where(u => u.Id == userId && (u.TotpLastStep == null || u.TotpLastStep < accepted))
            .ExecuteUpdateAsync(s => s.SetProperty(u => u.TotpLastStep, accepted), cancellationToken);
        return claimed == 1 ? TotpCheck.Accepted : TotpCheck.Replayed;
    }

    public async Task DeleteSeedAsync(Guid userId, Guid? secretId, CancellationToken cancellationToken)
    {
        if (secretId is { } id)
        {
            await vault.DeleteSecretAsync(userId, id, cancellationToken);
        }
    }
}

/// <summary>
/// Recovery codes: ten single-use codes of 80 random bits each, shown once, stored as SHA-256 (their entropy makes a
/// slow hash unnecessary). Redeeming one is a single conditional UPDATE, so a code works exactly once.
/// </summary>
internal sealed class RecoveryCodes(IDbContextFactory<CofferDb> factory, TimeProvider time)
{
    public const int Count = 10;
    private const int CodeBytes = 10;

    public async Task<IReadOnlyList<string>> ReplaceAsync(Guid userId, CancellationToken cancellationToken)
    {
        var codes = Enumerable.Range(0, Count).Select(_ => Format(Totp.Base32(RandomNumberGenerator.GetBytes(CodeBytes)))).ToList();
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.RecoveryCodes().Where(r => r.UserId == userId).ExecuteDeleteAsync(cancellationToken);
        var now = time.GetUtcNow();
        db.RecoveryCodes().AddRange(codes.Select(c => new RecoveryCodeRow { Id = Guid.NewGuid(), UserId = userId, CodeHash = Hash(c), CreatedAt = now }));
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return codes;
    }

    public async Task<bool> RedeemAsync(Guid userId, string? code, CancellationToken cancellationToken)
    {
        if (code is not { Length: > 0 and <= 64 })
        {
            return false;
        }

        var hash = Hash(code);
        var now = time.GetUtcNow();
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var redeemed = await db.RecoveryCodes()
            .Where(r => r.UserId == userId && r.CodeHash == hash && r.UsedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.UsedAt, now), cancellationToken);
        return redeemed == 1;
    }

    public async Task<int> RemainingAsync(Guid userId, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        return await db.RecoveryCodes().CountAsync(r => r.UserId == userId && r.UsedAt == null, cancellationToken);
    }

    public async Task DeleteAllAsync(Guid userId, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        await db.RecoveryCodes().Where(r => r.UserId == userId).ExecuteDeleteAsync(cancellationToken);
    }

    /// <summary>Hyphens, spaces and case do not matter when a code is typed back.</summary>
    internal static byte[] Hash(string code)
    {
        var normalized = new string([.. code.Where(char.IsAsciiLetterOrDigit).Select(char.ToUpperInvariant)]);
        return SHA256.HashData(Encoding.ASCII.GetBytes(normalized));
    }

    private static string Format(string base32) => string.Join('-', base32.Chunk(4).Select(c => new string(c)));
}
