using Coffer.Vault;
using Coffer.Vault.Signing;

namespace Coffer.Exchanges.Signing;

/// <summary>
/// Signs bytes with one stored exchange secret. Connectors build the exact bytes the exchange wants signed and get the
/// encoded signature back; they never hold the secret (DESIGN §3, the signing oracle).
/// </summary>
internal interface IRequestSigner
{
    ValueTask<string> SignAsync(SigningMechanism mechanism, ReadOnlyMemory<byte> message, CancellationToken cancellationToken);
}

/// <summary>The production signer: the vault's signing oracle, for one credential.</summary>
internal sealed class VaultRequestSigner(CofferVault vault, CredentialHandle handle) : IRequestSigner
{
    public ValueTask<string> SignAsync(SigningMechanism mechanism, ReadOnlyMemory<byte> message, CancellationToken cancellationToken) =>
        vault.SignAsync(handle, mechanism, message, cancellationToken);
}

/// <summary>
/// What a connector knows of an account: the public key id (sent in headers, not secret), the signer for the secret,
/// and, for exchanges that have one, the passphrase's signer (KuCoin signs the passphrase too; it stays in the vault).
/// </summary>
internal sealed record ExchangeCredentials(string ApiKey, IRequestSigner Signer)
{
    /// <summary>Masked for logs and messages: the first four characters and the length.</summary>
    public override string ToString() => $"{(ApiKey.Length > 4 ? ApiKey[..4] : string.Empty)}… ({ApiKey.Length} chars)";
}
