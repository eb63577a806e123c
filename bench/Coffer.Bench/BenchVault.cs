using Coffer.Vault;
using Coffer.Vault.Signing;
using Coffer.Vault.Storage;

namespace Coffer.Bench;

/// <summary>
/// An unsealed in-memory vault (one Shamir share, data key cached for the whole run, as on every request after the
/// first) holding one secret: what the signing benchmarks sign with.
/// </summary>
internal static class BenchVault
{
    public static async Task<(CofferVault Vault, CredentialHandle Handle)> WithSecretAsync(byte[] secret)
    {
        var vault = new CofferVault(new InMemoryVaultStore(), new VaultOptions { Provider = KeyProviderKind.Shamir, KeyCacheTtl = TimeSpan.FromDays(1) }, TimeProvider.System);
        var init = await vault.InitializeAsync(1, 1, default);
        await vault.SubmitShareAsync(init.Shares![0], default);
        var handle = new CredentialHandle(Guid.NewGuid(), Guid.NewGuid());
        await vault.StoreSecretAsync(handle.UserId, handle.SecretId, secret, default);
        return (vault, handle);
    }
}
