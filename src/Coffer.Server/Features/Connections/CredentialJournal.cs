using Coffer.Server.Data;
using Coffer.Server.Features.Tokens;
using Coffer.Vault;
using Microsoft.EntityFrameworkCore;

namespace Coffer.Server.Features.Connections;

/// <summary>
/// Makes storing an exchange secret crash-safe (DESIGN §1.5: no half-written state). The secret goes into the vault
/// before the key is verified, so a process that dies in between would leave a secret (and perhaps a credential token)
/// that no connection references. Each such secret is journalled first (<see cref="OpenAsync"/>); the transaction that
/// makes a connection reference it also removes its journal row (<see cref="CompleteAsync"/>), and what is left after
/// <see cref="Grace"/> is removed by <see cref="SweepAsync"/>. Secrets and tokens of other features are never touched:
/// only journalled ones are swept.
/// </summary>
internal sealed partial class CredentialJournal(IDbContextFactory<CofferDb> factory, CofferVault vault, TokenTree tree, TimeProvider time, ILogger<CredentialJournal> logger)
{
    /// <summary>
    /// How long a connect may take before its journalled secret counts as left behind: far longer than verifying a key
    /// takes (two exchange calls, each bounded by the HTTP timeout), so a slow exchange does not lose a good connect.
    /// </summary>
    public static readonly TimeSpan Grace = TimeSpan.FromMinutes(10);

    /// <summary>Journals a secret about to be stored. Committed before the vault is written.</summary>
    public async Task OpenAsync(Guid userId, Guid secretId, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        db.Add(new CredentialCleanupRow { SecretId = secretId, UserId = userId, CreatedAt = time.GetUtcNow() });
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>
    /// In the transaction that stores the connection: the secret is kept. Throws <see cref="CredentialJournalException"/>
    /// when the sweep has claimed it already (the connect took longer than <see cref="Grace"/>); the caller rolls back.
    /// </summary>
    public static async Task CompleteAsync(CofferDb db, Guid secretId, CancellationToken cancellationToken)
    {
        var kept = await db.Table<CredentialCleanupRow>().Where(x => x.SecretId == secretId && x.ClaimedAt == null).ExecuteDeleteAsync(cancellationToken);
        if (kept != 1)
        {
            throw new CredentialJournalException();
        }
    }

    /// <summary>In the transaction that stops a connection referencing them: the old secret and credential are to go.</summary>
    public void Retire(CofferDb db, Guid userId, Guid secretId, string credentialAccessor)
    {
        var now = time.GetUtcNow();
        db.Add(new CredentialCleanupRow { SecretId = secretId, UserId = userId, CredentialAccessor = credentialAccessor, CreatedAt = now, ClaimedAt = now });
    }

    /// <summary>Removes a journalled secret (and its credential token) now: a refused connect, or a replaced key.</summary>
    public async Task DiscardAsync(Guid secretId, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        if (await db.Table<CredentialCleanupRow>().AsNoTracking().SingleOrDefaultAsync(x => x.SecretId == secretId, cancellationToken) is { } row)
        {
            await RemoveAsync(db, row, cancellationToken);
        }
    }

    /// <summary>
    /// Removes what crashed operations left: every journalled secret older than <see cref="Grace"/>, with its credential
    /// token, unless a connection references it. Returns how many journal rows were removed. Safe on several nodes at
    /// once: claiming is a conditional update, and revoking and deleting again change nothing.
    /// </summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var now = time.GetUtcNow();

        // The journal holds only operations in flight or cut short: small enough to filter here, on every provider.
        var rows = await db.Table<CredentialCleanupRow>().AsNoTracking().ToListAsync(cancellationToken);
        var swept = 0;
        foreach (var row in rows.Where(x => (x.ClaimedAt ?? x.CreatedAt) <= now - Grace))
        {
            // Claimed, the row can no longer be completed: a connect still running now fails instead of keeping a secret
            // that is about to be deleted.
            await db.Table<CredentialCleanupRow>().Where(x => x.SecretId == row.SecretId && x.ClaimedAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.ClaimedAt, now), cancellationToken);
            await RemoveAsync(db, row, cancellationToken);
            LogSwept(logger, row.SecretId, row.CredentialAccessor is not null);
            swept++;
        }

        return swept;
    }

    private async Task RemoveAsync(CofferDb db, CredentialCleanupRow row, CancellationToken cancellationToken)
    {
        // Never what a connection holds: belt and braces, should a journal row ever outlive its completion.
        var connections = db.Table<ConnectionRow>();
        if (!await connections.AnyAsync(x => x.SecretId == row.SecretId, cancellationToken))
        {
            await vault.DeleteSecretAsync(row.UserId, row.SecretId, cancellationToken);
        }

        if (row.CredentialAccessor is { } accessor && !await connections.AnyAsync(x => x.CredentialAccessor == accessor, cancellationToken))
        {
            await tree.RevokeAsync(accessor, cancellationToken);
        }

        // Last, so that a crash before it leaves the row for the next sweep to finish.
        await db.Table<CredentialCleanupRow>().Where(x => x.SecretId == row.SecretId).ExecuteDeleteAsync(cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Removed exchange secret {SecretId} left behind by an interrupted connect or key replacement (credential token revoked too: {HadCredential})")]
    private static partial void LogSwept(ILogger logger, Guid secretId, bool hadCredential);
}

/// <summary>The journal row was claimed by the sweep before the operation could complete.</summary>
internal sealed class CredentialJournalException : Exception
{
    public CredentialJournalException()
        : base("The stored secret was swept before the connection could be saved.")
    {
    }

    public CredentialJournalException(string message)
        : base(message)
    {
    }

    public CredentialJournalException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
