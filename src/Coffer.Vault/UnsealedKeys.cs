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

    /// <summary>How long a keyring taken out of use may still be held by a request that picked it up just before.</summary>
    private static readonly TimeSpan RetireGrace = TimeSpan.FromSeconds(30);

    private ConcurrentQueue<(KeyRing Ring, DateTimeOffset RetiredAt)> Retired { get; } = new();

    /// <summary>
    /// Takes a keyring out of use. Another request may still hold it for a moment, so it is zeroed after a grace period
    /// (or at seal) rather than at once.
    /// </summary>
    public void Retire(KeyRing ring, DateTimeOffset now)
    {
        Retired.Enqueue((ring, now));
        DisposeRetired(now);
    }

    /// <summary>
    /// Zeroes what has outlived its time in memory: cached keyrings and secrets past their expiry, and retired keyrings
    /// past their grace period. The vault calls this on a timer, so a key that is never used again does not linger.
    /// </summary>
    public void PurgeExpired(DateTimeOffset now)
    {
        foreach (var (userId, cached) in Users)
        {
            if (cached.Expires <= now && Users.TryRemove(new KeyValuePair<Guid, CachedUserKeyring>(userId, cached)))
            {
                Retire(cached.Ring, now);
            }
        }

        foreach (var (handle, secret) in Secrets)
        {
            if (secret.Expires <= now && Secrets.TryRemove(new KeyValuePair<CredentialHandle, CachedSecret>(handle, secret)))
            {
                secret.Dispose();
            }
        }

        DisposeRetired(now);
    }

    private void DisposeRetired(DateTimeOffset now)
    {
        while (Retired.TryPeek(out var oldest) && now - oldest.RetiredAt > RetireGrace && Retired.TryDequeue(out oldest))
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

        foreach (var key in Secrets.Values.SelectMany(entry => entry.KeyMaterial()))
        {
            yield return key;
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
/// A secret held for signing, as a one-time-pad split: a random pad and the secret XOR the pad, each in its own pinned
/// array. Neither half says anything about the secret on its own; they are combined into a short-lived buffer for one
/// signature and that buffer is zeroed. Anyone able to read this process's memory could read both halves, exactly as
/// they could read a cached data key and its ciphertext, so the split costs no protection against that attacker. What
/// it buys over decrypting with AES-GCM for every signature is speed (a signature is an HMAC plus a 64-byte XOR, not
/// an HMAC plus an OpenSSL cipher context set-up) while still never keeping the secret itself in memory.
/// </summary>
internal sealed class CachedSecret : IDisposable
{
    private readonly byte[] _pad;
    private readonly byte[] _masked;
    private readonly Lock _lock = new();
    private bool _disposed;

    /// <summary>Splits <paramref name="secret"/>; the caller zeroes its own copy afterwards.</summary>
    public CachedSecret(ReadOnlySpan<byte> secret, DateTimeOffset expires)
    {
        Expires = expires;
        _pad = GC.AllocateArray<byte>(secret.Length, pinned: true);
        _masked = GC.AllocateArray<byte>(secret.Length, pinned: true);
        RandomNumberGenerator.Fill(_pad);
        Xor(secret, _pad, _masked);
    }

    public DateTimeOffset Expires { get; }

    public int Length => _pad.Length;

    /// <summary>Both halves; tests use them to prove sealing zeroes them.</summary>
    internal IEnumerable<byte[]> KeyMaterial() => [_pad, _masked];

    /// <summary>Writes the secret into <paramref name="destination"/>; false if the entry was disposed meanwhile.</summary>
    public bool TryReveal(Span<byte> destination)
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return false;
            }

            Xor(_masked, _pad, destination);
            return true;
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            CryptographicOperations.ZeroMemory(_pad);
            CryptographicOperations.ZeroMemory(_masked);
        }
    }

    private static void Xor(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, Span<byte> destination)
    {
        var i = 0;
        if (System.Numerics.Vector.IsHardwareAccelerated)
        {
            var width = System.Numerics.Vector<byte>.Count;
            for (; i <= a.Length - width; i += width)
            {
                (new System.Numerics.Vector<byte>(a[i..]) ^ new System.Numerics.Vector<byte>(b[i..])).CopyTo(destination[i..]);
            }
        }

        for (; i < a.Length; i++)
        {
            destination[i] = (byte)(a[i] ^ b[i]);
        }
    }
}
