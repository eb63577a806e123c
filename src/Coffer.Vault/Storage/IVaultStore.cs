namespace Coffer.Vault.Storage;

/// <summary>
/// Where the vault keeps its ciphertexts. Everything passed through here is already encrypted: a store never sees
/// a key or a secret in plaintext. The server implements it over EF Core; tests may keep it in memory.
/// </summary>
internal interface IVaultStore
{
    Task<VaultStateRecord?> LoadStateAsync(CancellationToken cancellationToken);

    /// <summary>Writes the state for the first time; fails with <see cref="VaultError.AlreadyInitialized"/> if one exists.</summary>
    Task CreateStateAsync(VaultStateRecord state, CancellationToken cancellationToken);

    /// <summary>Replaces the encrypted root keyring (after rotation or a change of the minimum decryption version).</summary>
    Task UpdateRootKeyringAsync(byte[] rootKeyring, CancellationToken cancellationToken);

    Task<UserKeyringRecord?> GetUserKeyringAsync(Guid userId, CancellationToken cancellationToken);

    Task PutUserKeyringAsync(UserKeyringRecord keyring, CancellationToken cancellationToken);

    Task<IReadOnlyList<Guid>> ListUserIdsAsync(CancellationToken cancellationToken);

    /// <summary>Deletes a user's keyring and every secret below it (crypto-shredding).</summary>
    Task DeleteUserAsync(Guid userId, CancellationToken cancellationToken);

    Task<SecretRecord?> GetSecretAsync(Guid userId, Guid secretId, CancellationToken cancellationToken);

    /// <summary>Inserts or replaces the secret (one stored version per secret id).</summary>
    Task PutSecretAsync(SecretRecord secret, CancellationToken cancellationToken);

    Task<IReadOnlyList<SecretRecord>> ListSecretsAsync(Guid userId, CancellationToken cancellationToken);

    /// <summary>Returns false if there was no such secret.</summary>
    Task<bool> DeleteSecretAsync(Guid userId, Guid secretId, CancellationToken cancellationToken);
}

/// <summary>The vault's persistent state. <see cref="ProviderData"/> is provider specific and never secret.</summary>
/// <param name="InstallId">Random id of this installation; binds the root keyring to it.</param>
/// <param name="Provider">The key provider chosen at init.</param>
/// <param name="Shares">Number of unseal shares (Shamir only).</param>
/// <param name="Threshold">Shares needed to unseal (Shamir only).</param>
/// <param name="RootKeyring">The root keyring, encrypted under the unseal key.</param>
/// <param name="ProviderData">Shamir: the share-set id. PKCS#11: the unseal key wrapped by the HSM's KEK.</param>
/// <param name="InitializedAt">When init ran.</param>
internal sealed record VaultStateRecord(
    Guid InstallId,
    KeyProviderKind Provider,
    int Shares,
    int Threshold,
    byte[] RootKeyring,
    byte[]? ProviderData,
    DateTimeOffset InitializedAt);

/// <param name="UserId">Owner.</param>
/// <param name="RootKeyVersion">Root key version the envelope is encrypted under (also in its header).</param>
/// <param name="Envelope">The user's keyring, encrypted under the root key.</param>
internal sealed record UserKeyringRecord(Guid UserId, int RootKeyVersion, byte[] Envelope);

/// <param name="UserId">Owner.</param>
/// <param name="SecretId">Stable id of the secret; replacing it raises <paramref name="Version"/>.</param>
/// <param name="Version">Secret version, bound into both envelopes.</param>
/// <param name="KeyVersion">User key version the data key is wrapped under (also in its header).</param>
/// <param name="WrappedDataKey">The data key, encrypted under the user key.</param>
/// <param name="Ciphertext">The secret, encrypted under the data key.</param>
/// <param name="UpdatedAt">When this version was written or last re-wrapped.</param>
internal sealed record SecretRecord(
    Guid UserId,
    Guid SecretId,
    int Version,
    int KeyVersion,
    byte[] WrappedDataKey,
    byte[] Ciphertext,
    DateTimeOffset UpdatedAt);
