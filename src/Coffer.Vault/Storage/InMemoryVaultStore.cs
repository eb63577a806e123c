using System.Collections.Concurrent;

namespace Coffer.Vault.Storage;

/// <summary>
/// A store that forgets everything when the process ends: for the vault's own tests and benchmarks, where the
/// database is not the subject. Its public collections let tests tamper with what is "on disk".
/// The server always uses the EF Core store.
/// </summary>
internal sealed class InMemoryVaultStore : IVaultStore
{
    private readonly Lock _stateLock = new();

    public VaultStateRecord? State { get; set; }

    public ConcurrentDictionary<Guid, UserKeyringRecord> Keyrings { get; } = new();

    public ConcurrentDictionary<Guid, SecretRecord> Secrets { get; } = new();

    public Task<VaultStateRecord?> LoadStateAsync(CancellationToken cancellationToken) => Task.FromResult(State);

    public Task CreateStateAsync(VaultStateRecord state, CancellationToken cancellationToken)
    {
        lock (_stateLock)
        {
            if (State is not null)
            {
                throw new VaultException(VaultError.AlreadyInitialized, "The vault is already initialized.");
            }

            State = state;
        }

        return Task.CompletedTask;
    }

    public Task UpdateRootKeyringAsync(byte[] rootKeyring, CancellationToken cancellationToken)
    {
        State = State! with { RootKeyring = rootKeyring };
        return Task.CompletedTask;
    }

    public Task<UserKeyringRecord?> GetUserKeyringAsync(Guid userId, CancellationToken cancellationToken) =>
        Task.FromResult(Keyrings.TryGetValue(userId, out var record) ? record : null);

    public Task PutUserKeyringAsync(UserKeyringRecord keyring, CancellationToken cancellationToken)
    {
        Keyrings[keyring.UserId] = keyring;
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<Guid>> ListUserIdsAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<Guid>>([.. Keyrings.Keys]);

    public Task DeleteUserAsync(Guid userId, CancellationToken cancellationToken)
    {
        Keyrings.TryRemove(userId, out _);
        foreach (var secret in Secrets.Values.Where(s => s.UserId == userId))
        {
            Secrets.TryRemove(secret.SecretId, out _);
        }

        return Task.CompletedTask;
    }

    public Task<SecretRecord?> GetSecretAsync(Guid userId, Guid secretId, CancellationToken cancellationToken) =>
        Task.FromResult(Secrets.TryGetValue(secretId, out var secret) && secret.UserId == userId ? secret : null);

    public Task PutSecretAsync(SecretRecord secret, CancellationToken cancellationToken)
    {
        Secrets[secret.SecretId] = secret;
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<SecretRecord>> ListSecretsAsync(Guid userId, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<SecretRecord>>([.. Secrets.Values.Where(s => s.UserId == userId)]);

    public Task<bool> DeleteSecretAsync(Guid userId, Guid secretId, CancellationToken cancellationToken) =>
        Task.FromResult(Secrets.TryGetValue(secretId, out var secret) && secret.UserId == userId && Secrets.TryRemove(secretId, out _));
}
