using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Coffer.Vault.Crypto;

/// <summary>What an envelope holds; part of the authenticated header so one kind can never be opened as another.</summary>
internal enum EnvelopeKind : byte
{
    /// <summary>The root keyring, encrypted under the unseal key.</summary>
    RootKeyring = 1,

    /// <summary>One user's keyring, encrypted under a root key version.</summary>
    UserKeyring = 2,

    /// <summary>A secret's data key, encrypted under a user key version.</summary>
    DataKey = 3,

    /// <summary>A secret, encrypted under its data key.</summary>
    Secret = 4,
}

/// <summary>The parsed, not yet authenticated header of an envelope.</summary>
internal readonly record struct EnvelopeHeader(EnvelopeKind Kind, Guid KeyId, int KeyVersion);

/// <summary>
/// Self-describing, versioned AES-256-GCM envelope. Layout (big-endian):
/// <c>format(1) | algorithm(1) | kind(1) | key id(16) | key version(4) | nonce(12) | tag(16) | ciphertext</c>.
/// The first 23 bytes (everything that says how to open it) are authenticated together with the caller's context,
/// so changing the kind, the key id, the key version or the context makes opening fail (NIST SP 800-38D §5.2.1.1:
/// the AAD is authenticated, not encrypted).
/// </summary>
internal static class Envelope
{
    public const byte FormatVersion = 1;
    public const byte AlgorithmAes256Gcm = 1;
    public const int KeySize = 32;
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private const int AuthenticatedHeaderSize = 1 + 1 + 1 + 16 + 4;
    private const int NonceOffset = AuthenticatedHeaderSize;
    private const int TagOffset = NonceOffset + NonceSize;
    public const int Overhead = TagOffset + TagSize;

    /// <summary>Encrypts <paramref name="plaintext"/> under <paramref name="key"/> with a fresh random nonce.</summary>
    public static byte[] Seal(EnvelopeKind kind, Guid keyId, int keyVersion, ReadOnlySpan<byte> key, ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> context)
    {
        if (key.Length != KeySize)
        {
            throw new ArgumentException("Envelope keys are 256 bits.", nameof(key));
        }

        var envelope = new byte[Overhead + plaintext.Length];
        envelope[0] = FormatVersion;
        envelope[1] = AlgorithmAes256Gcm;
        envelope[2] = (byte)kind;
        keyId.TryWriteBytes(envelope.AsSpan(3, 16), bigEndian: true, out _);
        BinaryPrimitives.WriteInt32BigEndian(envelope.AsSpan(19, 4), keyVersion);
        RandomNumberGenerator.Fill(envelope.AsSpan(NonceOffset, NonceSize));

        var aad = BuildAad(envelope.AsSpan(0, AuthenticatedHeaderSize), context, out var rented);
        try
        {
            using var gcm = new AesGcm(key, TagSize);
            gcm.Encrypt(
                envelope.AsSpan(NonceOffset, NonceSize),
                plaintext,
                envelope.AsSpan(Overhead),
                envelope.AsSpan(TagOffset, TagSize),
                aad);
        }
        finally
        {
            ReturnAad(rented);
        }

        return envelope;
    }

    /// <summary>Reads the header without authenticating it; callers use it only to pick the key, then open.</summary>
    public static EnvelopeHeader ReadHeader(ReadOnlySpan<byte> envelope)
    {
        if (envelope.Length < Overhead || envelope[0] != FormatVersion || envelope[1] != AlgorithmAes256Gcm
            || !Enum.IsDefined((EnvelopeKind)envelope[2]))
        {
            throw new VaultException(VaultError.IntegrityFailure, "The ciphertext is not a Coffer envelope of a known format.");
        }

        return new EnvelopeHeader(
            (EnvelopeKind)envelope[2],
            new Guid(envelope.Slice(3, 16), bigEndian: true),
            BinaryPrimitives.ReadInt32BigEndian(envelope.Slice(19, 4)));
    }

    /// <summary>The number of plaintext bytes an envelope holds.</summary>
    public static int PlaintextLength(ReadOnlySpan<byte> envelope) => envelope.Length - Overhead;

    /// <summary>Authenticates and decrypts into a new pinned array, which the caller must zero.</summary>
    public static byte[] Open(ReadOnlySpan<byte> envelope, EnvelopeKind kind, Guid keyId, ReadOnlySpan<byte> key, ReadOnlySpan<byte> context)
    {
        CheckHeader(envelope, kind, keyId);
        using var gcm = new AesGcm(key, TagSize);
        var plaintext = GC.AllocateArray<byte>(PlaintextLength(envelope), pinned: true);
        OpenInto(gcm, envelope, context, plaintext);
        return plaintext;
    }

    /// <summary>Checks the envelope's header names the expected kind and key before any key is used.</summary>
    public static EnvelopeHeader CheckHeader(ReadOnlySpan<byte> envelope, EnvelopeKind kind, Guid keyId)
    {
        var header = ReadHeader(envelope);
        if (header.Kind != kind || header.KeyId != keyId)
        {
            throw new VaultException(VaultError.IntegrityFailure, "The ciphertext does not belong here: it names another key.");
        }

        return header;
    }

    /// <summary>Authenticates and decrypts with a keyed cipher. On failure the destination is zeroed.</summary>
    private static void OpenInto(AesGcm gcm, ReadOnlySpan<byte> envelope, ReadOnlySpan<byte> context, Span<byte> destination)
    {
        var aad = BuildAad(envelope[..AuthenticatedHeaderSize], context, out var rented);
        try
        {
            gcm.Decrypt(
                envelope.Slice(NonceOffset, NonceSize),
                envelope[Overhead..],
                envelope.Slice(TagOffset, TagSize),
                destination[..PlaintextLength(envelope)],
                aad);
        }
        catch (AuthenticationTagMismatchException ex)
        {
            CryptographicOperations.ZeroMemory(destination);
            throw new VaultException(VaultError.IntegrityFailure, "The ciphertext failed authentication: it was altered or opened in the wrong context.", ex);
        }
        finally
        {
            ReturnAad(rented);
        }
    }

    private static ReadOnlySpan<byte> BuildAad(ReadOnlySpan<byte> header, ReadOnlySpan<byte> context, out byte[]? rented)
    {
        rented = System.Buffers.ArrayPool<byte>.Shared.Rent(header.Length + context.Length);
        header.CopyTo(rented);
        context.CopyTo(rented.AsSpan(header.Length));
        return rented.AsSpan(0, header.Length + context.Length);
    }

    private static void ReturnAad(byte[]? rented)
    {
        if (rented is not null)
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(rented);
        }
    }
}
