namespace Coffer.Vault;

/// <summary>Where the unseal key comes from.</summary>
internal enum KeyProviderKind
{
    /// <summary>Split into N shares with threshold K; only ever in operators' hands and, briefly, in memory.</summary>
    Shamir = 1,

    /// <summary>Wrapped by a key-encryption key that never leaves an HSM; unseals itself at start-up.</summary>
    Pkcs11 = 2,

    /// <summary>Kept in a file in the data directory. For development only: anyone who reads the file has every key.</summary>
    File = 3,
}
