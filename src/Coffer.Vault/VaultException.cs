namespace Coffer.Vault;

/// <summary>
/// An expected vault failure. <see cref="Code"/> is stable: the server turns it into the problem type, scripts and
/// tests rely on it. Messages name what happened and what to do, and never contain key material or secrets.
/// </summary>
internal sealed class VaultException : Exception
{
    public VaultException(VaultError code, string message)
        : base(message) => Code = code;

    public VaultException(VaultError code, string message, Exception inner)
        : base(message, inner) => Code = code;

    public VaultError Code { get; }
}

internal enum VaultError
{
    /// <summary>The vault has not been initialized yet.</summary>
    NotInitialized,

    /// <summary>The vault was already initialized.</summary>
    AlreadyInitialized,

    /// <summary>The vault is sealed: no key material is in memory.</summary>
    Sealed,

    /// <summary>The vault is already unsealed.</summary>
    AlreadyUnsealed,

    /// <summary>A share could not be parsed, does not belong to this vault, or was already given.</summary>
    InvalidShare,

    /// <summary>The shares combined into a key that does not open the keyring.</summary>
    UnsealFailed,

    /// <summary>Parameters such as the share count or a key version are out of range.</summary>
    InvalidArgument,

    /// <summary>The ciphertext was written under a key version below the minimum decryption version.</summary>
    KeyVersionRetired,

    /// <summary>The ciphertext names a key version that does not exist.</summary>
    UnknownKeyVersion,

    /// <summary>Authentication of a ciphertext failed: it was altered, or its context does not match.</summary>
    IntegrityFailure,

    /// <summary>No such secret, or its user key was deleted (crypto-shredded).</summary>
    SecretNotFound,

    /// <summary>The key provider (HSM, key file) failed or is misconfigured.</summary>
    ProviderFailure,

    /// <summary>The secret cannot be used with the requested signing mechanism.</summary>
    InvalidSecretForMechanism,
}
