using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Coffer.Vault.Crypto;

/// <summary>
/// Versioned 256-bit keys with one current version for encryption and a minimum version for decryption, in the manner
/// of Vault Transit's <c>min_decryption_version</c>: versions below the minimum are kept (so the minimum can be lowered
/// again in an emergency) but refuse to decrypt. Key bytes live in pinned arrays and are zeroed on dispose. Keys are
/// only lent to a callback under the ring's lock, so disposing (sealing) never zeroes a key in the middle of its use.
/// </summary>
internal sealed class KeyRing : IDisposable
{
    private const byte SerializationVersion = 1;
    private readonly SortedDictionary<int, byte[]> _keys = [];
    private bool _disposed;

    private KeyRing(int current, int minDecryptionVersion)
    {
        CurrentVersion = current;
        MinDecryptionVersion = minDecryptionVersion;
    }

    public int CurrentVersion { get; private set; }

    public int MinDecryptionVersion { get; private set; }

    /// <summary>A keyring with one fresh random key, version 1.</summary>
    public static KeyRing CreateNew()
    {
        var ring = new KeyRing(1, 1);
        ring._keys[1] = NewKey();
        return ring;
    }

    /// <summary>Lends the current key and its version to <paramref name="use"/>, for encryption.</summary>
    public T WithCurrentKey<T>(Func<int, byte[], T> use)
    {
        lock (_keys)
        {
            ThrowIfDisposed();
            return use(CurrentVersion, _keys[CurrentVersion]);
        }
    }

    /// <summary>Lends the key for a ciphertext written under <paramref name="version"/> to <paramref name="use"/>.</summary>
    public T WithKeyForDecryption<T>(int version, string what, Func<byte[], T> use)
    {
        lock (_keys)
        {
            ThrowIfDisposed();
            if (!_keys.TryGetValue(version, out var key))
            {
                throw new VaultException(VaultError.UnknownKeyVersion, $"The {what} was written under key version {version}, which does not exist.");
            }

            if (version < MinDecryptionVersion)
            {
                throw new VaultException(
                    VaultError.KeyVersionRetired,
                    $"The {what} was written under key version {version}, below the minimum decryption version {MinDecryptionVersion}. "
                    + "Lower the minimum decryption version to read it, or re-wrap before raising the minimum.");
            }

            return use(key);
        }
    }

    /// <summary>Adds a new current version; older versions keep decrypting.</summary>
    public int Rotate()
    {
        lock (_keys)
        {
            ThrowIfDisposed();
            _keys[CurrentVersion + 1] = NewKey();
            return ++CurrentVersion;
        }
    }

    public void SetMinDecryptionVersion(int version)
    {
        lock (_keys)
        {
            ThrowIfDisposed();
            if (version < 1 || version > CurrentVersion)
            {
                throw new VaultException(
                    VaultError.InvalidArgument,
                    $"The minimum decryption version must be between 1 and the current version {CurrentVersion}; {version} is not.");
            }

            MinDecryptionVersion = version;
        }
    }

    /// <summary>Serializes into a pinned array; the caller encrypts it and then zeroes it.</summary>
    public byte[] Serialize()
    {
        lock (_keys)
        {
            ThrowIfDisposed();
            return SerializeLocked();
        }
    }

    private byte[] SerializeLocked()
    {
        var buffer = GC.AllocateArray<byte>(1 + 4 + 4 + 4 + (_keys.Count * (4 + Envelope.KeySize)), pinned: true);
        buffer[0] = SerializationVersion;
        BinaryPrimitives.WriteInt32BigEndian(buffer.AsSpan(1), CurrentVersion);
        BinaryPrimitives.WriteInt32BigEndian(buffer.AsSpan(5), MinDecryptionVersion);
        BinaryPrimitives.WriteInt32BigEndian(buffer.AsSpan(9), _keys.Count);
        var offset = 13;
        foreach (var (version, key) in _keys)
        {
            BinaryPrimitives.WriteInt32BigEndian(buffer.AsSpan(offset), version);
            key.CopyTo(buffer, offset + 4);
            offset += 4 + Envelope.KeySize;
        }

        return buffer;
    }

    public static KeyRing Deserialize(ReadOnlySpan<byte> buffer)
    {
        if (buffer.Length < 13 || buffer[0] != SerializationVersion)
        {
            throw new VaultException(VaultError.IntegrityFailure, "The keyring is of an unknown format.");
        }

        var ring = new KeyRing(BinaryPrimitives.ReadInt32BigEndian(buffer[1..]), BinaryPrimitives.ReadInt32BigEndian(buffer[5..]));
        var count = BinaryPrimitives.ReadInt32BigEndian(buffer[9..]);
        if (count < 1 || buffer.Length != 13 + (count * (4 + Envelope.KeySize)))
        {
            ring.Dispose();
            throw new VaultException(VaultError.IntegrityFailure, "The keyring is truncated.");
        }

        var offset = 13;
        for (var i = 0; i < count; i++)
        {
            var key = GC.AllocateArray<byte>(Envelope.KeySize, pinned: true);
            buffer.Slice(offset + 4, Envelope.KeySize).CopyTo(key);
            ring._keys[BinaryPrimitives.ReadInt32BigEndian(buffer[offset..])] = key;
            offset += 4 + Envelope.KeySize;
        }

        if (!ring._keys.ContainsKey(ring.CurrentVersion))
        {
            ring.Dispose();
            throw new VaultException(VaultError.IntegrityFailure, "The keyring has no key for its current version.");
        }

        return ring;
    }

    public void Dispose()
    {
        lock (_keys)
        {
            if (_disposed)
            {
                return;
            }

            foreach (var key in _keys.Values)
            {
                CryptographicOperations.ZeroMemory(key);
            }

            _keys.Clear();
            _disposed = true;
        }
    }

    /// <summary>The key arrays themselves; tests use them to prove disposal zeroes them.</summary>
    internal IReadOnlyList<byte[]> KeyMaterial()
    {
        lock (_keys)
        {
            return [.. _keys.Values];
        }
    }

    private void ThrowIfDisposed()
    {
        if (_disposed)
        {
            throw new VaultException(VaultError.Sealed, "The vault was sealed while this operation ran.");
        }
    }

    private static byte[] NewKey()
    {
        var key = GC.AllocateArray<byte>(Envelope.KeySize, pinned: true);
        RandomNumberGenerator.Fill(key);
        return key;
    }
}
