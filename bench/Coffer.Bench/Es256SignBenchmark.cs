using System.Security.Cryptography;
using System.Text;
using BenchmarkDotNet.Attributes;
using Coffer.Vault;
using Coffer.Vault.Signing;

namespace Coffer.Bench;

/// <summary>
/// Where a Coinbase request's signing time goes: ECDSA P-256 over a JWT's signing input with a key already imported
/// (the floor), the same after importing the PEM (what any signer that keeps no parsed key in memory pays), and the
/// vault's oracle, which decrypts the PEM, imports it, signs and zeroes it for every signature — by design, so that no
/// parsed private key outlives one signature.
/// </summary>
[MemoryDiagnoser]
public class Es256SignBenchmark
{
    private static readonly byte[] Message = Encoding.ASCII.GetBytes(
        "eyJhbGciOiJFUzI1NiIsImtpZCI6Im9yZ2FuaXphdGlvbnMvYmVuY2gvYXBpS2V5cy9rZXkiLCJub25jZSI6IjAxMjM0NTY3ODlhYmNkZWYiLCJ0eXAiOiJKV1QifQ.eyJzdWIiOiJvcmdhbml6YXRpb25zL2JlbmNoL2FwaUtleXMva2V5IiwiaXNzIjoiY2RwIiwibmJmIjoxNzAwMDAwMDAwLCJleHAiOjE3MDAwMDAxMjAsInVyaSI6IkdFVCBhcGkuY29pbmJhc2UuY29tL2FwaS92My9icm9rZXJhZ2UvYWNjb3VudHMifQ");

    private ECDsa _imported = null!;
    private string _pem = null!;
    private CofferVault _vault = null!;
    private CredentialHandle _handle;

    [GlobalSetup]
    public void Setup()
    {
        _imported = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        _pem = _imported.ExportECPrivateKeyPem();
        (_vault, _handle) = BenchVault.WithSecretAsync(Encoding.UTF8.GetBytes(_pem)).GetAwaiter().GetResult();

        // The oracle's signature verifies with the key's public half before anything is measured.
        var signature = Base64Url(Vault());
        if (!_imported.VerifyData(Message, signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation))
        {
            throw new InvalidOperationException("The oracle's ES256 signature does not verify.");
        }
    }

    [Benchmark(Baseline = true, Description = "ECDsa.SignData (key imported once)")]
    public byte[] Imported() => _imported.SignData(Message, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);

    [Benchmark(Description = "ImportFromPem + ECDsa.SignData")]
    public byte[] ImportEachTime()
    {
        using var ecdsa = ECDsa.Create();
        ecdsa.ImportFromPem(_pem);
        return ecdsa.SignData(Message, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
    }

    [Benchmark(Description = "CofferVault.SignAsync (ES256 from the stored PEM)")]
    public string Vault()
    {
        var pending = _vault.SignAsync(_handle, SigningMechanism.Es256, Message);
        return pending.IsCompletedSuccessfully ? pending.Result : pending.AsTask().GetAwaiter().GetResult();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _imported.Dispose();
        _vault.Dispose();
    }

    private static byte[] Base64Url(string value) => System.Buffers.Text.Base64Url.DecodeFromChars(value);
}
