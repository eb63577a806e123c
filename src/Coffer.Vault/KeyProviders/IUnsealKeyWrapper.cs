namespace Coffer.Vault.KeyProviders;

/// <summary>
/// Protects the vault's unseal key with a key that never leaves a device (an HSM). The wrapped form is
/// stored with the vault state; unwrapping it at start-up is what makes auto-unseal possible.
/// </summary>
internal interface IUnsealKeyWrapper : IDisposable
{
    /// <summary>Creates the key-encryption key in the device if it does not exist yet.</summary>
    void EnsureKeyEncryptionKey();

    /// <summary>Wraps key bytes under the device's key-encryption key.</summary>
    byte[] Wrap(ReadOnlySpan<byte> key);

    /// <summary>Unwraps bytes produced by <see cref="Wrap"/>. The caller owns and zeroes the result.</summary>
    byte[] Unwrap(ReadOnlySpan<byte> wrapped);

    /// <summary>Ends every session with the device (used when the vault seals).</summary>
    void Close();
}
