using Coffer.Vault;
using Coffer.Vault.Storage;
using Microsoft.EntityFrameworkCore;

namespace Coffer.Server.Data;

/// <summary>The vault's ciphertexts in Coffer's database. Everything here is already encrypted by the vault.</summary>
internal sealed class EfVaultStore(IDbContextFactory<CofferDb> factory, TimeProvider time) : IVaultStore
{
    public async Task<VaultStateRecord?> LoadStateAsync(CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var row = await db.VaultState.AsNoTracking().SingleOrDefaultAsync(x => x.Id == 1, cancellationToken);
        return row is null
            ? null
            : new VaultStateRecord(row.InstallId, (KeyProviderKind)row.Provider, row.Shares, row.Threshold, row.RootKeyring, row.ProviderData, row.InitializedAt);
    }

    public async Task CreateStateAsync(VaultStateRecord state, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        db.VaultState.Add(new VaultStateRow
        {
            InstallId = state.InstallId,
            Provider = (int)state.Provider,
            Shares = state.Shares,
            Threshold = state.Threshold,
            RootKeyring = state.RootKeyring,
            ProviderData = state.ProviderData,
            InitializedAt = state.InitializedAt,
        });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException ex)
        {
            // Another node (or request) initialized first; the primary key on id = 1 made sure only one did.
            db.ChangeTracker.Clear();
            if (await db.VaultState.AsNoTracking().AnyAsync(cancellationToken))
            {
                throw new VaultException(VaultError.AlreadyInitialized, "The vault is already initialized.", ex);
            }

            throw;
        }
    }

    public async Task UpdateRootKeyringAsync(byte[] rootKeyring, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var updated = await db.VaultState.Where(x => x.Id == 1).ExecuteUpdateAsync(s => s.SetProperty(x => x.RootKeyring, rootKeyring), cancellationToken);
        if (updated != 1)
        {
            throw new VaultException(VaultError.NotInitialized, "The vault state is missing from the database.");
        }
    }

    public async Task<UserKeyringRecord?> GetUserKeyringAsync(Guid userId, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var row = await db.UserKeyrings.AsNoTracking().SingleOrDefaultAsync(x => x.UserId == userId, cancellationToken);
        return row is null ? null : new UserKeyringRecord(row.UserId, row.RootKeyVersion, row.Envelope);
    }

    public async Task PutUserKeyringAsync(UserKeyringRecord keyring, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var row = await db.UserKeyrings.SingleOrDefaultAsync(x => x.UserId == keyring.UserId, cancellationToken);
        if (row is null)
        {
            db.UserKeyrings.Add(new UserKeyringRow { UserId = keyring.UserId, RootKeyVersion = keyring.RootKeyVersion, Envelope = keyring.Envelope, UpdatedAt = time.GetUtcNow() });
        }
        else
        {
            row.RootKeyVersion = keyring.RootKeyVersion;
            row.Envelope = keyring.Envelope;
            row.UpdatedAt = time.GetUtcNow();
        }

        await db.SaveChangesAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<Guid>> ListUserIdsAsync(CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        return await db.UserKeyrings.AsNoTracking().Select(x => x.UserId).ToListAsync(cancellationToken);
    }

    public async Task DeleteUserAsync(Guid userId, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.Secrets.Where(x => x.UserId == userId).ExecuteDeleteAsync(cancellationToken);
        await db.UserKeyrings.Where(x => x.UserId == userId).ExecuteDeleteAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<SecretRecord?> GetSecretAsync(Guid userId, Guid secretId, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var row = await db.Secrets.AsNoTracking().SingleOrDefaultAsync(x => x.SecretId == secretId && x.UserId == userId, cancellationToken);
        return row is null ? null : ToRecord(row);
    }

    public async Task PutSecretAsync(SecretRecord secret, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var row = await db.Secrets.SingleOrDefaultAsync(x => x.SecretId == secret.SecretId, cancellationToken);
        if (row is null)
        {
            db.Secrets.Add(new SecretRow
            {
                SecretId = secret.SecretId,
                UserId = secret.UserId,
                Version = secret.Version,
                KeyVersion = secret.KeyVersion,
                WrappedDataKey = secret.WrappedDataKey,
                Ciphertext = secret.Ciphertext,
                UpdatedAt = secret.UpdatedAt,
            });
        }
        else if (row.UserId != secret.UserId)
        {
            throw new VaultException(VaultError.InvalidArgument, "A secret with this id belongs to another user.");
        }
        else
        {
            row.Version = secret.Version;
            row.KeyVersion = secret.KeyVersion;
            row.WrappedDataKey = secret.WrappedDataKey;
            row.Ciphertext = secret.Ciphertext;
            row.UpdatedAt = secret.UpdatedAt;
        }

        await db.SaveChangesAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<SecretRecord>> ListSecretsAsync(Guid userId, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var rows = await db.Secrets.AsNoTracking().Where(x => x.UserId == userId).ToListAsync(cancellationToken);
        return rows.ConvertAll(ToRecord);
    }

    public async Task<bool> DeleteSecretAsync(Guid userId, Guid secretId, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        return await db.Secrets.Where(x => x.SecretId == secretId && x.UserId == userId).ExecuteDeleteAsync(cancellationToken) > 0;
    }

    private static SecretRecord ToRecord(SecretRow row) =>
        new(row.UserId, row.SecretId, row.Version, row.KeyVersion, row.WrappedDataKey, row.Ciphertext, row.UpdatedAt);
}
