namespace Coffer.Server.Data;

/// <summary>The single row of vault state (id is always 1).</summary>
internal sealed class VaultStateRow
{
    public int Id { get; set; } = 1;

    public Guid InstallId { get; set; }

    public int Provider { get; set; }

    public int Shares { get; set; }

    public int Threshold { get; set; }

    public required byte[] RootKeyring { get; set; }

    public byte[]? ProviderData { get; set; }

    public DateTimeOffset InitializedAt { get; set; }
}

/// <summary>A user's keyring, encrypted under a root key version.</summary>
internal sealed class UserKeyringRow
{
    public Guid UserId { get; set; }

    public int RootKeyVersion { get; set; }

    public required byte[] Envelope { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>A stored secret: its data key wrapped under the user key, and its ciphertext under the data key.</summary>
internal sealed class SecretRow
{
    public Guid SecretId { get; set; }

    public Guid UserId { get; set; }

    public int Version { get; set; }

    public int KeyVersion { get; set; }

    public required byte[] WrappedDataKey { get; set; }

    public required byte[] Ciphertext { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}
