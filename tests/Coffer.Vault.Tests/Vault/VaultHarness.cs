using Coffer.Vault.Signing;
using Coffer.Vault.Storage;

namespace Coffer.Vault.Tests.Vault;

/// <summary>Vaults over one shared store, as successive restarts of one server would be.</summary>
internal sealed class VaultHarness : IDisposable
{
    private readonly List<CofferVault> _vaults = [];
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "coffer-vault-" + Guid.NewGuid().ToString("N"));

    public InMemoryVaultStore Store { get; } = new();

    public ManualTime Time { get; } = new();

    public string DevKeyFile => Path.Combine(_dir, "dev.key");

    public CofferVault Start(KeyProviderKind provider = KeyProviderKind.Shamir)
    {
        var vault = new CofferVault(Store, new VaultOptions { Provider = provider, DevKeyFile = DevKeyFile }, Time);
        _vaults.Add(vault);
        return vault;
    }

    /// <summary>Initializes a shamir vault and unseals it; returns the vault and its shares.</summary>
    public async Task<(CofferVault Vault, IReadOnlyList<string> Shares)> StartUnsealedAsync(int shares = 3, int threshold = 2)
    {
        var vault = Start();
        var init = await vault.InitializeAsync(shares, threshold, default);
        foreach (var share in init.Shares!.Take(threshold))
        {
            await vault.SubmitShareAsync(share, default);
        }

        Assert.False(vault.IsSealed);
        return (vault, init.Shares!);
    }

    public static ReadOnlyMemory<byte> Utf8(string text) => System.Text.Encoding.UTF8.GetBytes(text);

    public static Task<string> SignAsync(CofferVault vault, CredentialHandle handle, string message) =>
        vault.SignAsync(handle, SigningMechanism.HmacSha256Hex, Utf8(message)).AsTask();

    public void Dispose()
    {
        foreach (var vault in _vaults)
        {
            vault.Dispose();
        }

        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }
}
