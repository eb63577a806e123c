using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Coffer.Vault.Signing;

namespace Coffer.Vault.Tests.Vault;

/// <summary>The signing oracle against the exchanges' own signature vectors (shared/conformance/vectors/signatures.json).</summary>
public sealed class SigningOracleTests : IDisposable
{
    private readonly VaultHarness _harness = new();

    public void Dispose() => _harness.Dispose();

    public static TheoryData<string> HmacVectorIds()
    {
        var data = new TheoryData<string>();
        foreach (var vector in Vectors())
        {
            data.Add(vector["id"]!.GetValue<string>());
        }

        return data;
    }

    [Fact]
    public void Vectors_AllSeventeenHmacVectorsPresent() => Assert.Equal(17, Vectors().Count());

    [Theory]
    [MemberData(nameof(HmacVectorIds))]
    public async Task Sign_ExchangeHmacVector_MatchesExpected(string id)
    {
        var vector = Vectors().Single(v => v["id"]!.GetValue<string>() == id);
        var inputs = vector["inputs"]!;
        var (vault, _) = await _harness.StartUnsealedAsync();
        var handle = new CredentialHandle(Guid.NewGuid(), Guid.NewGuid());
        await vault.StoreSecretAsync(handle.UserId, handle.SecretId, Encoding.UTF8.GetBytes(inputs["secret"]!.GetValue<string>()), default);

        byte[] message;
        SigningMechanism mechanism;
        if (vector["exchange"]!.GetValue<string>() == "kraken")
        {
            // Kraken (exchanges.md): HMAC-SHA512 over path || SHA-256(nonce + body), key = base64-decoded secret.
            var path = Encoding.UTF8.GetBytes(inputs["path"]!.GetValue<string>());
            var digest = SHA256.HashData(Encoding.UTF8.GetBytes(inputs["nonce"]!.GetValue<string>() + inputs["body"]!.GetValue<string>()));
            message = [.. path, .. digest];
            Assert.Equal(vector["intermediate"]!["messageHex"]!.GetValue<string>(), Convert.ToHexStringLower(message));
            mechanism = new SigningMechanism(SigningAlgorithm.HmacSha512, SecretEncoding.Base64, SignatureEncoding.Base64);
        }
        else
        {
            message = Encoding.UTF8.GetBytes(vector["stringToSign"]!.GetValue<string>());
            Assert.Equal("HMAC-SHA256", vector["algorithm"]!.GetValue<string>());
            Assert.Equal("raw-utf8", vector["secretEncoding"]!.GetValue<string>());
            mechanism = new SigningMechanism(
                SigningAlgorithm.HmacSha256,
                SecretEncoding.Raw,
                vector["outputEncoding"]!.GetValue<string>() == "hex" ? SignatureEncoding.Hex : SignatureEncoding.Base64);
        }

        var cold = await vault.SignAsync(handle, mechanism, message);
        var cached = await vault.SignAsync(handle, mechanism, message);

        Assert.Equal(vector["expected"]!.GetValue<string>(), cold);
        Assert.Equal(cold, cached);
    }

    [Fact]
    public async Task Sign_Es256_SignatureIsP1363AndVerifiesWithPublicKey()
    {
        var (vault, _) = await _harness.StartUnsealedAsync();
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var handle = new CredentialHandle(Guid.NewGuid(), Guid.NewGuid());
        await vault.StoreSecretAsync(handle.UserId, handle.SecretId, Encoding.UTF8.GetBytes(key.ExportECPrivateKeyPem()), default);
        var signingInput = "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0"u8.ToArray();

        var first = await vault.SignAsync(handle, SigningMechanism.Es256, signingInput);
        var second = await vault.SignAsync(handle, SigningMechanism.Es256, signingInput);

        var raw = System.Buffers.Text.Base64Url.DecodeFromChars(first);
        Assert.Equal(64, raw.Length);
        Assert.True(key.VerifyData(signingInput, raw, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation));
        Assert.NotEqual(first, second); // ECDSA is randomized
        Assert.False(key.VerifyData("other"u8, raw, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation));
    }

    [Fact]
    public async Task Sign_Es256WithPkcs8Pem_Works()
    {
        var (vault, _) = await _harness.StartUnsealedAsync();
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var handle = new CredentialHandle(Guid.NewGuid(), Guid.NewGuid());
        await vault.StoreSecretAsync(handle.UserId, handle.SecretId, Encoding.UTF8.GetBytes(key.ExportPkcs8PrivateKeyPem()), default);

        var signature = await vault.SignAsync(handle, SigningMechanism.Es256, "x"u8.ToArray());

        Assert.True(key.VerifyData("x"u8, System.Buffers.Text.Base64Url.DecodeFromChars(signature), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation));
    }

    [Fact]
    public async Task Sign_Es256WithP384Key_Refused()
    {
        var (vault, _) = await _harness.StartUnsealedAsync();
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        var handle = new CredentialHandle(Guid.NewGuid(), Guid.NewGuid());
        await vault.StoreSecretAsync(handle.UserId, handle.SecretId, Encoding.UTF8.GetBytes(key.ExportECPrivateKeyPem()), default);

        var error = await Assert.ThrowsAsync<VaultException>(() => vault.SignAsync(handle, SigningMechanism.Es256, "x"u8.ToArray()).AsTask());

        Assert.Equal(VaultError.InvalidSecretForMechanism, error.Code);
    }

    [Theory]
    [InlineData("not base64!", (int)SigningAlgorithm.HmacSha512, (int)SecretEncoding.Base64)]
    [InlineData("plain secret", (int)SigningAlgorithm.EcdsaP256Sha256, (int)SecretEncoding.Pem)]
    [InlineData("plain secret", (int)SigningAlgorithm.HmacSha256, (int)SecretEncoding.Pem)]
    public async Task Sign_SecretThatDoesNotFitMechanism_RefusedWithoutEchoingIt(string secret, int algorithmValue, int encodingValue)
    {
        var (algorithm, encoding) = ((SigningAlgorithm)algorithmValue, (SecretEncoding)encodingValue);
        var (vault, _) = await _harness.StartUnsealedAsync();
        var handle = new CredentialHandle(Guid.NewGuid(), Guid.NewGuid());
        await vault.StoreSecretAsync(handle.UserId, handle.SecretId, Encoding.UTF8.GetBytes(secret), default);

        var error = await Assert.ThrowsAsync<VaultException>(() => vault.SignAsync(handle, new SigningMechanism(algorithm, encoding, SignatureEncoding.Base64), "x"u8.ToArray()).AsTask());

        Assert.Equal(VaultError.InvalidSecretForMechanism, error.Code);
        Assert.DoesNotContain(secret, error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sign_LongSecretBeyondStackBuffer_Works()
    {
        var (vault, _) = await _harness.StartUnsealedAsync();
        var secret = new string('k', 5000);
        var handle = new CredentialHandle(Guid.NewGuid(), Guid.NewGuid());
        await vault.StoreSecretAsync(handle.UserId, handle.SecretId, Encoding.UTF8.GetBytes(secret), default);

        Assert.Equal(SecretEnvelopeTests.Hmac(secret, "m"), await VaultHarness.SignAsync(vault, handle, "m"));
    }

    [Fact]
    public async Task Sign_CacheExpires_ReloadsFromStore()
    {
        var (vault, _) = await _harness.StartUnsealedAsync();
        var handle = new CredentialHandle(Guid.NewGuid(), Guid.NewGuid());
        await vault.StoreSecretAsync(handle.UserId, handle.SecretId, "s"u8.ToArray(), default);
        await VaultHarness.SignAsync(vault, handle, "m");
        _harness.Store.Secrets.Clear();

        Assert.Equal(SecretEnvelopeTests.Hmac("s", "m"), await VaultHarness.SignAsync(vault, handle, "m"));
        _harness.Time.Advance(TimeSpan.FromMinutes(6));
        var error = await Assert.ThrowsAsync<VaultException>(() => VaultHarness.SignAsync(vault, handle, "m"));
        Assert.Equal(VaultError.SecretNotFound, error.Code);
    }

    private static IEnumerable<JsonNode> Vectors() =>
        Conformance.Load("vectors/signatures.json")["vectors"]!.AsArray().Select(v => v!);
}
