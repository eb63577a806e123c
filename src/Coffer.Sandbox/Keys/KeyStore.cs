using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;

namespace Coffer.Sandbox.Keys;

/// <summary>Issues keys in each exchange's own format and finds them by the identifier the exchange's requests carry.</summary>
internal sealed class KeyStore(TimeProvider time)
{
    private const string Alphanumeric = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    private readonly ConcurrentDictionary<(SandboxExchange, string), SandboxKey> _keys = new();
    private int _nextAccount;

    public SandboxKey Issue(SandboxExchange exchange, KeyPermissions permissions, IReadOnlyList<IPAddress>? ipAllowlist = null, string? account = null)
    {
        var (apiKey, secret) = exchange switch
        {
            // Binance HMAC keys: 64 alphanumeric characters each (rest-api.md, "HMAC Keys" example).
            SandboxExchange.Binance => (RandomString(64), RandomString(64)),
            // Kraken: a 56-character public key; the private key is base64 of 64 random bytes (spot-rest-auth).
            SandboxExchange.Kraken => (RandomString(56), Convert.ToBase64String(RandomNumberGenerator.GetBytes(64))),
            // Coinbase CDP: key name organizations/{org}/apiKeys/{id}, secret an EC P-256 private key in SEC1 PEM.
            SandboxExchange.Coinbase => ($"organizations/{Guid.NewGuid()}/apiKeys/{Guid.NewGuid()}", NewEcPem()),
            _ => throw new ArgumentOutOfRangeException(nameof(exchange)),
        };
        return Import(exchange, apiKey, secret, permissions, ipAllowlist, account);
    }

    /// <summary>Registers a key with a given secret, e.g. an exchange's published example key for a known-answer test.</summary>
    public SandboxKey Import(
        SandboxExchange exchange, string apiKey, string secret, KeyPermissions permissions, IReadOnlyList<IPAddress>? ipAllowlist = null, string? account = null)
    {
        var key = new SandboxKey(
            exchange,
            apiKey,
            secret,
            account ?? $"acct-{Interlocked.Increment(ref _nextAccount)}",
            permissions,
            ipAllowlist ?? [],
            time.GetUtcNow());
        if (!_keys.TryAdd((exchange, apiKey), key))
        {
            throw new InvalidOperationException("That API key is already registered.");
        }

        return key;
    }

    /// <summary>What the key's owner does on the exchange's API-key page: ticks or unticks permissions of an existing key.</summary>
    public SandboxKey ChangePermissions(SandboxExchange exchange, string apiKey, KeyPermissions permissions) =>
        _keys.AddOrUpdate(
            (exchange, apiKey),
            _ => throw new InvalidOperationException("No such API key."),
            (_, key) => key with { Permissions = permissions });

    public SandboxKey? Find(SandboxExchange exchange, string apiKey) => _keys.GetValueOrDefault((exchange, apiKey));

    private static string RandomString(int length) => RandomNumberGenerator.GetString(Alphanumeric, length);

    private static string NewEcPem()
    {
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return ec.ExportECPrivateKeyPem() + "\n";
    }
}
