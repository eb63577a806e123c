using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Coffer.Vault.Signing;

namespace Coffer.Vault;

internal sealed partial class CofferVault
{
    private const int StackSecretLimit = 1024;
    private const string P256Oid = "1.2.840.10045.3.1.7";

    /// <summary>
    /// The signing oracle. A connector builds the exact bytes the exchange wants signed and gets the encoded signature
    /// back; the secret is decrypted into a buffer that is zeroed before this returns.
    /// </summary>
    public ValueTask<string> SignAsync(CredentialHandle handle, SigningMechanism mechanism, ReadOnlyMemory<byte> message, CancellationToken cancellationToken = default)
    {
        UnsealedKeys keys;
        try
        {
            keys = Keys();
            if (keys.Secrets.TryGetValue(handle, out var entry) && entry.Expires > _time.GetUtcNow() && TrySign(entry, mechanism, message.Span, out var signature))
            {
                Count("sign", ok: true);
                return ValueTask.FromResult(signature);
            }
        }
        catch (VaultException)
        {
            Count("sign", ok: false);
            throw;
        }

        return SignSlowAsync(keys, handle, mechanism, message, cancellationToken);
    }

    private async ValueTask<string> SignSlowAsync(UnsealedKeys keys, CredentialHandle handle, SigningMechanism mechanism, ReadOnlyMemory<byte> message, CancellationToken cancellationToken)
    {
        try
        {
            var entry = await LoadSecretAsync(keys, handle, cancellationToken);
            var signature = TrySign(entry, mechanism, message.Span, out var signed)
                ? signed
                : throw new VaultException(VaultError.Sealed, "The vault was sealed while this operation ran.");
            Count("sign", ok: true);
            return signature;
        }
        catch (VaultException)
        {
            Count("sign", ok: false);
            throw;
        }
    }

    // The buffer is overwritten by the decryption and zeroed afterwards, so the runtime's zero-init is wasted work.
    [System.Runtime.CompilerServices.SkipLocalsInit]
    private static bool TrySign(CachedSecret entry, SigningMechanism mechanism, ReadOnlySpan<byte> message, out string signature)
    {
        var length = entry.Length;
        var secret = length > StackSecretLimit ? GC.AllocateArray<byte>(length, pinned: true) : stackalloc byte[length];
        try
        {
            if (!entry.TryReveal(secret))
            {
                signature = string.Empty;
                return false;
            }

            signature = Sign(secret, mechanism, message);
            return true;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secret);
        }
    }

    private static string Sign(ReadOnlySpan<byte> secret, SigningMechanism mechanism, ReadOnlySpan<byte> message)
    {
        Span<byte> mac = stackalloc byte[HMACSHA512.HashSizeInBytes];
        switch (mechanism.Algorithm)
        {
            case SigningAlgorithm.HmacSha256 or SigningAlgorithm.HmacSha512 or SigningAlgorithm.HmacSha1:
                var size = WithHmacKey(secret, mechanism.Secret, message, mac, mechanism.Algorithm);
                return Encode(mac[..size], mechanism.Output);
            case SigningAlgorithm.EcdsaP256Sha256 when mechanism.Secret == SecretEncoding.Pem:
                return Encode(SignEs256(secret, message), mechanism.Output);
            default:
                throw new VaultException(VaultError.InvalidSecretForMechanism, "ECDSA signing needs a PEM private key.");
        }
    }

    private static int WithHmacKey(ReadOnlySpan<byte> secret, SecretEncoding encoding, ReadOnlySpan<byte> message, Span<byte> mac, SigningAlgorithm algorithm)
    {
        switch (encoding)
        {
            case SecretEncoding.Raw:
                return Hmac(secret, message, mac, algorithm);
            case SecretEncoding.Base64:
                Span<byte> decoded = stackalloc byte[Base64.GetMaxDecodedFromUtf8Length(StackSecretLimit)];
                try
                {
                    if (secret.Length > StackSecretLimit
                        || Base64.DecodeFromUtf8(secret, decoded, out _, out var written) != System.Buffers.OperationStatus.Done)
                    {
                        throw new VaultException(VaultError.InvalidSecretForMechanism, "The stored secret is not base64, but this exchange signs with the decoded secret.");
                    }

                    return Hmac(decoded[..written], message, mac, algorithm);
                }
                finally
                {
                    CryptographicOperations.ZeroMemory(decoded);
                }

            default:
                throw new VaultException(VaultError.InvalidSecretForMechanism, "HMAC signing needs a raw or base64 secret, not a PEM key.");
        }
    }

    private static int Hmac(ReadOnlySpan<byte> key, ReadOnlySpan<byte> message, Span<byte> mac, SigningAlgorithm algorithm) => algorithm switch
    {
        SigningAlgorithm.HmacSha256 => HMACSHA256.HashData(key, message, mac),
#pragma warning disable CA5350 // HMAC-SHA-1 is what RFC 6238 TOTP authenticators use; HMAC's security does not rest on SHA-1's collision resistance.
        SigningAlgorithm.HmacSha1 => HMACSHA1.HashData(key, message, mac),
#pragma warning restore CA5350
        _ => HMACSHA512.HashData(key, message, mac),
    };

    /// <summary>ES256 (RFC 7518 §3.4): ECDSA P-256 over SHA-256, the signature as the 64-byte r‖s concatenation.</summary>
    private static byte[] SignEs256(ReadOnlySpan<byte> pemUtf8, ReadOnlySpan<byte> message)
    {
        var chars = new char[Encoding.UTF8.GetMaxCharCount(pemUtf8.Length)];
        var handle = System.Runtime.InteropServices.GCHandle.Alloc(chars, System.Runtime.InteropServices.GCHandleType.Pinned);
        try
        {
            var count = Encoding.UTF8.GetChars(pemUtf8, chars);
            using var ecdsa = ECDsa.Create();
            try
            {
                ecdsa.ImportFromPem(chars.AsSpan(0, count));
            }
            catch (ArgumentException ex)
            {
                throw new VaultException(VaultError.InvalidSecretForMechanism, "The stored secret is not a PEM EC private key.", ex);
            }
            catch (CryptographicException ex)
            {
                throw new VaultException(VaultError.InvalidSecretForMechanism, "The stored secret is not a usable EC private key.", ex);
            }

            if (ecdsa.ExportParameters(false).Curve.Oid.Value != P256Oid)
            {
                throw new VaultException(VaultError.InvalidSecretForMechanism, "ES256 needs a P-256 key; the stored key is on another curve.");
            }

            return ecdsa.SignData(message, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        }
        finally
        {
            Array.Clear(chars);
            handle.Free();
        }
    }

    private static string Encode(ReadOnlySpan<byte> bytes, SignatureEncoding encoding) => encoding switch
    {
        SignatureEncoding.Hex => Convert.ToHexStringLower(bytes),
        SignatureEncoding.Base64 => Convert.ToBase64String(bytes),
        _ => Base64Url.EncodeToString(bytes),
    };
}
