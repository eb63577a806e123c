namespace Coffer.Vault.Pkcs11;

/// <summary>How to reach the HSM that holds the key-encryption key.</summary>
/// <param name="LibraryPath">The PKCS#11 module, e.g. /usr/lib/softhsm/libsofthsm2.so.</param>
/// <param name="TokenLabel">Tokens are found by label, never by slot number (SoftHSM2 reassigns slots).</param>
/// <param name="Pin">The user PIN. Comes from configuration or the environment, never from the database.</param>
/// <param name="KeyLabel">Label of the key-encryption key inside the token.</param>
internal sealed record Pkcs11Options(string LibraryPath, string TokenLabel, string Pin, string KeyLabel = "coffer-kek");
