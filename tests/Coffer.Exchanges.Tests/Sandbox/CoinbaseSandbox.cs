using System.Security.Cryptography;
using Coffer.Exchanges.Coinbase;
using Coffer.Sandbox;

namespace Coffer.Exchanges.Tests.Sandbox;

/// <summary>The sandbox run of the Coinbase Advanced Trade connector tests: keys are a key name and a PEM EC private key.</summary>
internal static class CoinbaseSandbox
{
    public static Task<SandboxRun<CoinbaseClient>> StartAsync(Func<SandboxOptions, SandboxOptions>? configure = null) =>
        SandboxRun<CoinbaseClient>.StartAsync(SandboxExchange.Coinbase, configure);

    /// <summary>A fresh P-256 private key in SEC1 PEM, as a CDP key's secret looks: a wrong key, or a stranger's.</summary>
    public static string NewPem()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return key.ExportECPrivateKeyPem() + "\n";
    }

    /// <summary>A key name the sandbox never issued, with a private key of its own.</summary>
    public static SandboxKey UnknownKey() => new($"organizations/{Guid.NewGuid()}/apiKeys/{Guid.NewGuid()}", NewPem(), "nobody");
}
