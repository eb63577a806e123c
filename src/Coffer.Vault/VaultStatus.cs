namespace Coffer.Vault;

/// <summary>A snapshot of the vault for status endpoints. Contains nothing secret.</summary>
internal sealed record VaultStatus(
    bool Initialized,
    bool Sealed,
    KeyProviderKind Provider,
    int Shares,
    int Threshold,
    int UnsealProgress,
    int? RootKeyVersion,
    int? RootMinDecryptionVersion);

/// <summary>What init hands out once. Shamir shares are null for the other providers.</summary>
internal sealed record VaultInitResult(IReadOnlyList<string>? Shares, Guid InstallId);

/// <summary>Result of a key rotation.</summary>
internal sealed record RotationResult(int CurrentVersion, int MinDecryptionVersion, int Rewrapped);
