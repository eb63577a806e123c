namespace Coffer.Vault.Signing;

internal enum SigningAlgorithm
{
    HmacSha256,
    HmacSha512,

    /// <summary>
    /// For TOTP only (RFC 6238 with SHA-1, what authenticator apps implement): TOTP seeds are vault secrets, so codes
    /// are computed here and the seed never leaves the vault. No exchange signs with SHA-1.
    /// </summary>
    HmacSha1,

    /// <summary>ECDSA over P-256 with SHA-256, signature as r‖s (IEEE P1363), as JWS ES256 requires (RFC 7518 §3.4).</summary>
    EcdsaP256Sha256,
}

/// <summary>How the stored secret becomes the key.</summary>
internal enum SecretEncoding
{
    /// <summary>The secret's bytes are the key (Binance, OKX, Bybit, KuCoin: the secret string as UTF-8).</summary>
    Raw,

    /// <summary>The secret is base64 text whose decoded bytes are the key (Kraken).</summary>
    Base64,

    /// <summary>The secret is a PEM private key (Coinbase CDP keys: "EC PRIVATE KEY" or PKCS#8).</summary>
    Pem,
}

internal enum SignatureEncoding
{
    Hex,
    Base64,
    Base64Url,
}

/// <summary>What an exchange connector asks the signing oracle for.</summary>
internal readonly record struct SigningMechanism(SigningAlgorithm Algorithm, SecretEncoding Secret, SignatureEncoding Output)
{
    public static SigningMechanism HmacSha256Hex { get; } = new(SigningAlgorithm.HmacSha256, SecretEncoding.Raw, SignatureEncoding.Hex);

    public static SigningMechanism HmacSha256Base64 { get; } = new(SigningAlgorithm.HmacSha256, SecretEncoding.Raw, SignatureEncoding.Base64);

    public static SigningMechanism HmacSha512Base64OfBase64Secret { get; } = new(SigningAlgorithm.HmacSha512, SecretEncoding.Base64, SignatureEncoding.Base64);

    /// <summary>HMAC-SHA-1 over a TOTP counter (RFC 6238 §4, RFC 4226 §5.3), hex output for the caller to truncate.</summary>
    public static SigningMechanism HmacSha1Hex { get; } = new(SigningAlgorithm.HmacSha1, SecretEncoding.Raw, SignatureEncoding.Hex);

    public static SigningMechanism Es256 { get; } = new(SigningAlgorithm.EcdsaP256Sha256, SecretEncoding.Pem, SignatureEncoding.Base64Url);
}

/// <summary>A reference to a stored secret. Holding one grants nothing by itself: the vault still has to be unsealed.</summary>
internal readonly record struct CredentialHandle(Guid UserId, Guid SecretId);
