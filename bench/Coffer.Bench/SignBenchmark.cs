using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using Coffer.Vault;
using Coffer.Vault.Signing;

namespace Coffer.Bench;

/// <summary>
/// The signing oracle on its hot path (data key cached, as it is for every request after the first) against
/// <see cref="HMACSHA256.HashData(byte[], byte[])"/> with the same key and message. The goal (issue #2) is at least
/// half the raw speed. The oracle decrypts the secret for each signature and zeroes it afterwards; that is the cost.
/// The message is a Binance order query string of typical length.
/// </summary>
[MemoryDiagnoser]
public class SignBenchmark
{
    private static readonly byte[] Secret = "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j"u8.ToArray();
    private static readonly byte[] Message = "symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559"u8.ToArray();

    private CofferVault _vault = null!;
    private CredentialHandle _handle;
    private readonly byte[] _mac = new byte[32];

    [GlobalSetup]
    public void Setup()
    {
        (_vault, _handle) = BenchVault.WithSecretAsync(Secret).GetAwaiter().GetResult();

        // Warm the cache and check both paths agree before measuring.
        var signature = _vault.SignAsync(_handle, SigningMechanism.HmacSha256Hex, Message).AsTask().GetAwaiter().GetResult();
        if (signature != Convert.ToHexStringLower(HMACSHA256.HashData(Secret, Message)))
        {
            throw new InvalidOperationException("The oracle and HMACSHA256 disagree.");
        }
    }

    [Benchmark(Baseline = true, Description = "HMACSHA256.HashData (raw bytes)")]
    public int Raw() => HMACSHA256.HashData(Secret, Message, _mac);

    [Benchmark(Description = "HMACSHA256.HashData + hex")]
    public string RawHex() => Convert.ToHexStringLower(HMACSHA256.HashData(Secret, Message));

    [Benchmark(Description = "CofferVault.SignAsync (HMAC-SHA256, hex, data key cached)")]
    public string Vault()
    {
        var pending = _vault.SignAsync(_handle, SigningMechanism.HmacSha256Hex, Message);
        return pending.IsCompletedSuccessfully ? pending.Result : pending.AsTask().GetAwaiter().GetResult();
    }

    [GlobalCleanup]
    public void Cleanup() => _vault.Dispose();
}
