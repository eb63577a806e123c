using System.Security.Cryptography;
using Coffer.Vault.Crypto;
using Coffer.Vault.Storage;

namespace Coffer.Vault;

internal sealed partial class CofferVault
{
    /// <summary>
    /// Adds a root key version and re-wraps every user keyring under it. The new keyring (holding old and new versions)
    /// is written first, so a crash half-way leaves every user keyring readable; running rotate again finishes the job.
    /// </summary>
    public async Task<RotationResult> RotateRootKeyAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var keys = Keys();
            var state = await ReloadRootKeyringAsync(keys, cancellationToken);
            keys.Root.Rotate();
            await PersistRootKeyringAsync(state, keys, cancellationToken);
            var rewrapped = await RewrapUserKeyringsAsync(keys, cancellationToken);
            Count("rotate_root", ok: true);
            return new RotationResult(keys.Root.CurrentVersion, keys.Root.MinDecryptionVersion, rewrapped);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Re-wraps every user keyring still under an older root version (finishes an interrupted rotation).</summary>
    public async Task<int> RewrapUserKeyringsAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            return await RewrapUserKeyringsAsync(Keys(), cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Root key versions below <paramref name="version"/> stop decrypting (they are kept, so this can be lowered again).</summary>
    public async Task<RotationResult> SetRootMinDecryptionVersionAsync(int version, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var keys = Keys();
            var state = await ReloadRootKeyringAsync(keys, cancellationToken);
            keys.Root.SetMinDecryptionVersion(version);
            await PersistRootKeyringAsync(state, keys, cancellationToken);
            foreach (var userId in keys.Users.Keys)
            {
                keys.EvictUser(userId, _time.GetUtcNow());
            }

            return new RotationResult(keys.Root.CurrentVersion, keys.Root.MinDecryptionVersion, 0);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Adds a user key version; new secrets use it, older ones keep decrypting until re-wrapped.</summary>
    public async Task<RotationResult> RotateUserKeyAsync(Guid userId, CancellationToken cancellationToken)
    {
        var keys = Keys();
        var ring = await GetUserKeyringAsync(keys, userId, cancellationToken, create: true);
        ring.Rotate();

        await PersistUserKeyringAsync(keys, userId, ring, cancellationToken);
        Count("rotate_user", ok: true);
        return new RotationResult(ring.CurrentVersion, ring.MinDecryptionVersion, 0);
    }

    /// <summary>User key versions below <paramref name="version"/> stop decrypting this user's secrets.</summary>
    public async Task<RotationResult> SetUserMinDecryptionVersionAsync(Guid userId, int version, CancellationToken cancellationToken)
    {
        var keys = Keys();
        var ring = await GetUserKeyringAsync(keys, userId, cancellationToken);
        ring.SetMinDecryptionVersion(version);

        await PersistUserKeyringAsync(keys, userId, ring, cancellationToken);

        // A cached data key was unwrapped under the old rule; drop them so the new minimum applies at once.
        keys.EvictSecrets(userId);
        return new RotationResult(ring.CurrentVersion, ring.MinDecryptionVersion, 0);
    }

    /// <summary>
    /// Re-wraps every data key of the user under the current user key version. Only data keys are re-encrypted: the
    /// secrets' ciphertexts, and so their plaintexts, do not change.
    /// </summary>
    public async Task<RotationResult> RewrapUserSecretsAsync(Guid userId, CancellationToken cancellationToken)
    {
        var keys = Keys();
        var ring = await GetUserKeyringAsync(keys, userId, cancellationToken);
        var rewrapped = 0;
        foreach (var secret in await _store.ListSecretsAsync(userId, cancellationToken))
        {
            if (secret.KeyVersion >= ring.CurrentVersion)
            {
                continue;
            }

            var context = EnvelopeContext.DataKey(userId, secret.SecretId, secret.Version);
            var dataKey = ring.WithKeyForDecryption(secret.KeyVersion, "data key", key => Envelope.Open(secret.WrappedDataKey, EnvelopeKind.DataKey, userId, key, context));
            try
            {
                var (version, wrapped) = ring.WithCurrentKey((v, key) => (v, Envelope.Seal(EnvelopeKind.DataKey, userId, v, key, dataKey, context)));
                await _store.PutSecretAsync(secret with { KeyVersion = version, WrappedDataKey = wrapped, UpdatedAt = _time.GetUtcNow() }, cancellationToken);
                rewrapped++;
            }
            finally
            {
                CryptographicOperations.ZeroMemory(dataKey);
            }
        }

        keys.EvictSecrets(userId);
        return new RotationResult(ring.CurrentVersion, ring.MinDecryptionVersion, rewrapped);
    }

    /// <summary>Deletes the user's keyring and secrets: whatever ciphertext survives elsewhere can no longer be opened.</summary>
    public async Task DeleteUserKeyAsync(Guid userId, CancellationToken cancellationToken)
    {
        var keys = Keys();
        await _store.DeleteUserAsync(userId, cancellationToken);
        keys.EvictUser(userId, _time.GetUtcNow());
    }

    /// <summary>The user's key versions, for status and tests.</summary>
    public async Task<(int Current, int MinDecryption)> GetUserKeyVersionsAsync(Guid userId, CancellationToken cancellationToken)
    {
        var ring = await GetUserKeyringAsync(Keys(), userId, cancellationToken);
        return (ring.CurrentVersion, ring.MinDecryptionVersion);
    }

    /// <summary>
    /// The user's keyring, from the cache or the store. Only writes (<paramref name="create"/>) make a new one: a read
    /// for a user whose key was deleted must fail, not quietly start a fresh keyring.
    /// </summary>
    private async Task<KeyRing> GetUserKeyringAsync(UnsealedKeys keys, Guid userId, CancellationToken cancellationToken, bool create = false)
    {
        var now = _time.GetUtcNow();
        if (keys.Users.TryGetValue(userId, out var cached) && cached.Expires > now)
        {
            return cached.Ring;
        }

        var record = await _store.GetUserKeyringAsync(userId, cancellationToken);
        KeyRing ring;
        if (record is null)
        {
            if (!create)
            {
                throw new VaultException(VaultError.SecretNotFound, "This user has no key: nothing was stored for them, or their key was deleted (crypto-shredded).");
            }

            ring = KeyRing.CreateNew();
            await PersistUserKeyringAsync(keys, userId, ring, cancellationToken);
        }
        else
        {
            var root = await RootForVersionAsync(keys, record.RootKeyVersion, cancellationToken);
            var plain = root.WithKeyForDecryption(
                record.RootKeyVersion,
                "user keyring",
                key => Envelope.Open(record.Envelope, EnvelopeKind.UserKeyring, userId, key, EnvelopeContext.UserKeyring(userId)));
            try
            {
                ring = KeyRing.Deserialize(plain);
            }
            finally
            {
                CryptographicOperations.ZeroMemory(plain);
            }
        }

        var entry = new CachedUserKeyring(ring, now + _options.KeyCacheTtl);
        if (keys.Users.TryGetValue(userId, out var previous) && keys.Users.TryUpdate(userId, entry, previous))
        {
            keys.Retire(previous.Ring, now);
        }
        else if (!keys.Users.TryAdd(userId, entry))
        {
            ring.Dispose();
            return keys.Users[userId].Ring;
        }

        return ring;
    }

    private async Task PersistUserKeyringAsync(UnsealedKeys keys, Guid userId, KeyRing ring, CancellationToken cancellationToken)
    {
        var plain = ring.Serialize();
        try
        {
            var (rootVersion, envelope) = keys.Root.WithCurrentKey(
                (v, key) => (v, Envelope.Seal(EnvelopeKind.UserKeyring, userId, v, key, plain, EnvelopeContext.UserKeyring(userId))));
            await _store.PutUserKeyringAsync(new UserKeyringRecord(userId, rootVersion, envelope), cancellationToken);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plain);
        }
    }

    private async Task<int> RewrapUserKeyringsAsync(UnsealedKeys keys, CancellationToken cancellationToken)
    {
        var count = 0;
        foreach (var userId in await _store.ListUserIdsAsync(cancellationToken))
        {
            var record = await _store.GetUserKeyringAsync(userId, cancellationToken);
            if (record is null || record.RootKeyVersion >= keys.Root.CurrentVersion)
            {
                continue;
            }

            keys.EvictUser(userId, _time.GetUtcNow());
            var ring = await GetUserKeyringAsync(keys, userId, cancellationToken);
            await PersistUserKeyringAsync(keys, userId, ring, cancellationToken);
            count++;
        }

        return count;
    }

    private async Task<KeyRing> RootForVersionAsync(UnsealedKeys keys, int version, CancellationToken cancellationToken)
    {
        if (version > keys.Root.CurrentVersion)
        {
            // Another node rotated the root key since this one unsealed.
            await ReloadRootKeyringAsync(keys, cancellationToken);
        }

        return keys.Root;
    }

    private async Task<VaultStateRecord> ReloadRootKeyringAsync(UnsealedKeys keys, CancellationToken cancellationToken)
    {
        var state = await _store.LoadStateAsync(cancellationToken)
            ?? throw new VaultException(VaultError.NotInitialized, "The vault state is missing from the database.");
        var fresh = OpenRootKeyring(state.InstallId, keys.UnsealKey, state.RootKeyring);
        var old = keys.Root;
        keys.Root = fresh;
        keys.Retire(old, _time.GetUtcNow());
        _state = state;
        return state;
    }

    private async Task PersistRootKeyringAsync(VaultStateRecord state, UnsealedKeys keys, CancellationToken cancellationToken)
    {
        var envelope = SealRootKeyring(state.InstallId, keys.UnsealKey, keys.Root);
        await _store.UpdateRootKeyringAsync(envelope, cancellationToken);
        _state = state with { RootKeyring = envelope };
    }
}
