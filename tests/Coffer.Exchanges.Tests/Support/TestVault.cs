using System.Text;
using Coffer.Exchanges.Signing;
using Coffer.Vault;
using Coffer.Vault.Signing;
using Coffer.Vault.Storage;

namespace Coffer.Exchanges.Tests.Support;

/// <summary>
/// A real, unsealed vault (in-memory store, Shamir key provider) holding test secrets: connectors under test sign through
/// the same oracle as in production, never with a secret of their own.
/// </summary>
internal sealed class TestVault : IDisposable
{
    private readonly CofferVault _vault;
    private readonly Guid _user = Guid.NewGuid();

    private TestVault(CofferVault vault) => _vault = vault;

    public CofferVault Vault => _vault;

    public static async Task<TestVault> StartAsync()
    {
        var vault = new CofferVault(new InMemoryVaultStore(), new VaultOptions { Provider = KeyProviderKind.Shamir }, TimeProvider.System);
        var init = await vault.InitializeAsync(1, 1, default);
        await vault.SubmitShareAsync(init.Shares![0], default);
        return new TestVault(vault);
    }

    /// <summary>Stores <paramref name="secret"/> and returns credentials whose signer uses it through the vault.</summary>
    public async Task<ExchangeCredentials> CredentialsAsync(string apiKey, string secret)
    {
        var id = Guid.NewGuid();
        await _vault.StoreSecretAsync(_user, id, Encoding.UTF8.GetBytes(secret), default);
        return new ExchangeCredentials(apiKey, new VaultRequestSigner(_vault, new CredentialHandle(_user, id)));
    }

    public void Dispose() => _vault.Dispose();
}
