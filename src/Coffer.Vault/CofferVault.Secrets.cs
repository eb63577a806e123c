using System.Security.Cryptography;
using Coffer.Vault.Crypto;
using Coffer.Vault.Signing;
using Coffer.Vault.Storage;

namespace Coffer.Vault;

internal sealed partial class CofferVault
{
    /// <summary>Largest secret the vault takes (a PEM private key is well below this).</summary>
    public const int MaxSecretBytes = 8192;

    /// <summary>
    /// Stores (or replaces) a secret. Write-only: there is no way back to the plaintext except through the signing
    /// oracle. Each version gets a fresh data key. Returns the new secret version.
    /// </summary>
    public async Task<int> StoreSecretAsync(Guid userId, Guid secretId, ReadOnlyMemory<byte> plaintext, CancellationToken cancellationToken)
    {
        if (plaintext.IsEmpty || plaintext.Length > MaxSecretBytes)
        {
            throw new VaultException(VaultError.InvalidArgument, $"A secret must be between 1 and {MaxSecretBytes} bytes long.");
        }

        var keys = Keys();
        var ring = await GetUserKeyringAsync(keys, userId, cancellationToken, create: true);
        var existing = await _store.GetSecretAsync(userId, secretId, cancellationToken);
        var version = (existing?.Version ?? 0) + 1;
        var dataKey = GC.AllocateArray<byte>(Envelope.KeySize, pinned: true);
        try
        {
            RandomNumberGenerator.Fill(dataKey);
            var ciphertext = Envelope.Seal(EnvelopeKind.Secret, secretId, version, dataKey, plaintext.Span, EnvelopeContext.Secret(userId, secretId, version));
            var dataKeyContext = EnvelopeContext.DataKey(userId, secretId, version);
            var (keyVersion, wrapped) = ring.WithCurrentKey((v, key) => (v, Envelope.Seal(EnvelopeKind.DataKey, userId, v, key, dataKey, dataKeyContext)));
            await _store.PutSecretAsync(new SecretRecord(userId, secretId, version, keyVersion, wrapped, ciphertext, _time.GetUtcNow()), cancellationToken);
            Count("encrypt", ok: true);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(dataKey);
        }

        if (keys.Secrets.TryRemove(new CredentialHandle(userId, secretId), out var stale))
        {
            stale.Dispose();
        }

        return version;
    }

    /// <summary>Deletes a secret; false if there was none.</summary>
    public async Task<bool> DeleteSecretAsync(Guid userId, Guid secretId, CancellationToken cancellationToken)
    {
        var deleted = await _store.DeleteSecretAsync(userId, secretId, cancellationToken);
        Count("delete", ok: true);
        if (_keys?.Secrets.TryRemove(new CredentialHandle(userId, secretId), out var stale) == true)
        {
            stale.Dispose();
        }

        return deleted;
    }

    /// <summary>
    /// Unwraps the secret's data key, decrypts the secret (authenticating both envelopes against their context) and
    /// caches it split for signing (see <see cref="CachedSecret"/>). The data key and the plaintext are zeroed here.
    /// </summary>
    private async Task<CachedSecret> LoadSecretAsync(UnsealedKeys keys, CredentialHandle handle, CancellationToken cancellationToken)
    {
        var record = await _store.GetSecretAsync(handle.UserId, handle.SecretId, cancellationToken)
            ?? throw new VaultException(VaultError.SecretNotFound, "No such stored secret.");
        var ring = await GetUserKeyringAsync(keys, handle.UserId, cancellationToken);
        var dataKeyContext = EnvelopeContext.DataKey(handle.UserId, handle.SecretId, record.Version);
        var dataKey = ring.WithKeyForDecryption(
            record.KeyVersion,
            "secret's data key",
            key => Envelope.Open(record.WrappedDataKey, EnvelopeKind.DataKey, handle.UserId, key, dataKeyContext));
        byte[]? plaintext = null;
        CachedSecret entry;
        try
        {
            if (Envelope.ReadHeader(record.Ciphertext).KeyVersion != record.Version)
            {
                throw new VaultException(VaultError.IntegrityFailure, "The secret's ciphertext belongs to another version of it.");
            }

            plaintext = Envelope.Open(record.Ciphertext, EnvelopeKind.Secret, handle.SecretId, dataKey, EnvelopeContext.Secret(handle.UserId, handle.SecretId, record.Version));
            entry = new CachedSecret(plaintext, _time.GetUtcNow() + _options.KeyCacheTtl);
            Count("decrypt", ok: true);
        }
        catch (VaultException)
        {
            Count("decrypt", ok: false);
            throw;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(dataKey);
            if (plaintext is not null)
            {
                CryptographicOperations.ZeroMemory(plaintext);
            }
        }

        keys.Secrets.AddOrUpdate(handle, entry, (_, previous) =>
        {
            previous.Dispose();
            return entry;
        });
        if (!ReferenceEquals(_keys, keys))
        {
            // Sealed while this ran: make sure nothing survives.
            entry.Dispose();
            throw new VaultException(VaultError.Sealed, "The vault was sealed while this operation ran.");
        }

        return entry;
    }
}
