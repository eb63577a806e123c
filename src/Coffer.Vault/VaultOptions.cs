using Coffer.Vault.Pkcs11;

namespace Coffer.Vault;

/// <summary>How the vault is set up on this node.</summary>
internal sealed record VaultOptions
{
    public KeyProviderKind Provider { get; init; } = KeyProviderKind.Shamir;

    /// <summary>Required for <see cref="KeyProviderKind.Pkcs11"/>.</summary>
    public Pkcs11Options? Pkcs11 { get; init; }

    /// <summary>Required for <see cref="KeyProviderKind.File"/>: where the development unseal key is kept.</summary>
    public string? DevKeyFile { get; init; }

    /// <summary>How long unwrapped user keys and data keys stay in memory after their last use.</summary>
    public TimeSpan KeyCacheTtl { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>How long a partial Shamir unseal is kept before it is discarded.</summary>
    public TimeSpan UnsealProgressTtl { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Where the vault counts its operations (<c>coffer_vault_operations</c>); none when null.</summary>
    public System.Diagnostics.Metrics.Meter? Meter { get; init; }
}
