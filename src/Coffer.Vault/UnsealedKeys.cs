using System.Collections.Concurrent;
using System.Security.Cryptography;
using Coffer.Vault.Crypto;
using Coffer.Vault.Signing;

namespace Coffer.Vault;

/// <summary>
/// Everything the vault holds in memory while unsealed. Disposing it (sealing) zeroes every key it ever held:
/// the unseal key, the root keyring, cached user keyrings and cached data keys.
/// </summary>
internal sealed class UnsealedKeys : IDisposable
{
    public UnsealedKeys(byte[] unsealKey, KeyRing root)
    {
        UnsealKey = unsealKey;
        Root = root;
    }

    /// <summary>Kept so a node can re-read the root keyring after another node rotated it.</summary>
    public byte[] UnsealKey { get; }

    public KeyRing Root { get; set; }

    public ConcurrentDictionary<Guid, CachedUserKeyring> Users { get; } = new();

    public ConcurrentDictionary<CredentialHandle, CachedSecret> Secrets { get; } = new();

    private ConcurrentQueue<(KeyRing Ring, DateTimeOffset RetiredAt)> Retired { get; } = new();

    /// <summary>
    /// Takes a keyring out of use. Another request may still hold it for a moment, so it is zeroed after a grace period
    /// (or at seal) rather than at once.
    /// </summary>
    public void Retire(KeyRing ring, DateTimeOffset now)
    {
        Retired.Enqueue((ring, now));
        while (Retired.TryPeek(out var oldest) && now - oldest.RetiredAt > TimeSpan.FromSeconds(30) && Retired.TryDequeue(out oldest))
        {
            oldest.Ring.Dispose();
        }
    }

    /// <summary>Drops the cached data keys of one user (after their keys changed).</summary>
    public void EvictSecrets(Guid userId)
    {
        foreach (var handle in Secrets.Keys)
        {
            if (handle.UserId == userId && Secrets.TryRemove(handle, out var entry))
            {
                entry.Dispose();
            }
        }
    }

    public void EvictUser(Guid userId, DateTimeOffset now)
    {
        if (Users.TryRemove(userId, out var cached))
        {
            Retire(cached.Ring, now);
        }

        EvictSecrets(userId);
    }

    /// <summary>Every key array currently held; tests use it to prove sealing zeroes them.</summary>
    internal IEnumerable<byte[]> KeyMaterial()
    {
        yield return UnsealKey;
        foreach (var key in Root.KeyMaterial())
        {
            yield return key;
        }

        foreach (var user in Users.Values)
        {
            foreach (var key in user.Ring.KeyMaterial())
            {
                yield return key;
            }
        }

        foreach (var entry in Secrets.Values)
        {
            yield return entry.DataKey;
        }
    }

    public void Dispose()
    {
        foreach (var user in Users.Values)
        {
            user.Ring.Dispose();
        }

        foreach (var secret in Secrets.Values)
        {
            secret.Dispose();
        }

        while (Retired.TryDequeue(out var retired))
        {
            retired.Ring.Dispose();
        }

        Users.Clear();
        Secrets.Clear();
        Root.Dispose();
        CryptographicOperations.ZeroMemory(UnsealKey);
    }
}

/// <summary>A user's keyring, decrypted, with the time after which it must be read from the store again.</summary>
internal sealed record CachedUserKeyring(KeyRing Ring, DateTimeOffset Expires);

/// <summary>
/// A secret's data key, unwrapped, with the secret's ciphertext beside it. The secret itself stays encrypted in memory
/// and is decrypted into a short-lived buffer for each signature.
/// </summary>
internal sealed class CachedSecret : IDisposable
{
    private readonly AesGcm _cipher;
    private bool _disposed;

    public CachedSecret(byte[] dataKey, byte[] ciphertext, byte[] context, DateTimeOffset expires)
    {
        DataKey = dataKey;
        Ciphertext = ciphertext;
        Context = context;
        Expires = expires;
        _cipher = new AesGcm(dataKey, 16);
    }

    public byte[] DataKey { get; }

    public byte[] Ciphertext { get; }

    public byte[] Context { get; }

    public DateTimeOffset Expires { get; }

    public int PlaintextLength => Envelope.PlaintextLength(Ciphertext);

    /// <summary>Decrypts the secret into <paramref name="destination"/>; false if the entry was disposed meanwhile.</summary>
    public bool TryDecrypt(Span<byte> destination)
    {
        lock (_cipher)
        {
            if (_disposed)
            {
                return false;
            }

            Envelope.OpenInto(_cipher, Ciphertext, Context, destination);
            return true;
        }
    }

    public void Dispose()
    {
        lock (_cipher)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _cipher.Dispose();
            CryptographicOperations.ZeroMemory(DataKey);
        }
    }
}
