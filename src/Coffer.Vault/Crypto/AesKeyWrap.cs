using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Coffer.Vault.Crypto;

/// <summary>
/// AES key wrap (RFC 3394) and AES key wrap with padding (RFC 5649), the algorithms behind PKCS#11
/// <c>CKM_AES_KEY_WRAP</c> and <c>CKM_AES_KEY_WRAP_PAD</c>/<c>CKM_AES_KEY_WRAP_KWP</c>. Having them in process
/// lets the vault read and check what an HSM produces, and wrap keys when no HSM is configured.
/// </summary>
/// <remarks>
/// Every unwrap failure (wrong length, integrity check, bad message length indicator, non-zero padding)
/// throws the same <see cref="CryptographicException"/> with the same message, so a caller that
/// relays errors cannot become an oracle telling an attacker which check failed.
/// </remarks>
internal static class AesKeyWrap
{
    private const int SemiblockSize = 8;

    // The unwrap algorithm runs six passes over the semiblocks (RFC 3394 §2.2.1, "For j = 0 to 5").
    private const int Passes = 6;

    private const string UnwrapFailedMessage = "The wrapped key could not be unwrapped: it is not valid under this key-encryption key.";

    // RFC 3394 §2.2.3.1: the default initial value.
    private static ReadOnlySpan<byte> DefaultIv => [0xA6, 0xA6, 0xA6, 0xA6, 0xA6, 0xA6, 0xA6, 0xA6];

    // RFC 5649 §3: the first 32 bits of the alternative initial value; the other 32 bits are the MLI.
    private static ReadOnlySpan<byte> AivConstant => [0xA6, 0x59, 0x59, 0xA6];

    /// <summary>Wraps key data whose length is a multiple of 8 and at least 16 (RFC 3394 §2.2.1).</summary>
    /// <returns>The wrapped key, 8 bytes longer than <paramref name="keyData"/>.</returns>
    /// <exception cref="ArgumentException">The KEK is not 16, 24 or 32 bytes, or the key data has a length RFC 3394 cannot wrap.</exception>
    public static byte[] Wrap(ReadOnlySpan<byte> kek, ReadOnlySpan<byte> keyData)
    {
        ValidateKek(kek);

        // RFC 3394 §2: "The only restriction the key wrap algorithm places on n is that n be at least two."
        if (keyData.Length < 2 * SemiblockSize || keyData.Length % SemiblockSize != 0 || keyData.Length > int.MaxValue - SemiblockSize)
        {
            throw new ArgumentException("RFC 3394 key wrap needs key data of at least 16 bytes in a multiple of 8 bytes; use WrapPad for other lengths.", nameof(keyData));
        }

        using var aes = CreateAes(kek);
        var wrapped = new byte[keyData.Length + SemiblockSize];
        WrapSemiblocks(aes, DefaultIv, keyData, wrapped);
        return wrapped;
    }

    /// <summary>Unwraps the output of <see cref="Wrap"/> (RFC 3394 §2.2.2) and checks its integrity (§2.2.3).</summary>
    /// <returns>The key data. The caller owns it and must zero it.</returns>
    /// <exception cref="ArgumentException">The KEK is not 16, 24 or 32 bytes.</exception>
    /// <exception cref="CryptographicException">The input is not a valid wrapping under this KEK.</exception>
    public static byte[] Unwrap(ReadOnlySpan<byte> kek, ReadOnlySpan<byte> wrapped)
    {
        ValidateKek(kek);

        // Lengths are public, so rejecting them early leaks nothing; the message still matches every other failure.
        if (wrapped.Length < 3 * SemiblockSize || wrapped.Length % SemiblockSize != 0)
        {
            throw UnwrapFailed();
        }

        using var aes = CreateAes(kek);
        var keyData = new byte[wrapped.Length - SemiblockSize];
        Span<byte> a = stackalloc byte[SemiblockSize];
        try
        {
            UnwrapSemiblocks(aes, wrapped, a, keyData);

            // RFC 3394 §2.2.3: the key data is accepted only if A equals the initial value. The comparison takes the same
            // time however many bytes match.
            if (!CryptographicOperations.FixedTimeEquals(a, DefaultIv))
            {
                CryptographicOperations.ZeroMemory(keyData);
                throw UnwrapFailed();
            }

            return keyData;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(a);
        }
    }

    /// <summary>Wraps key data of any length from 1 byte (RFC 5649 §4.1).</summary>
    /// <returns>The wrapped key: the key data padded to a multiple of 8, plus 8 bytes.</returns>
    /// <exception cref="ArgumentException">The KEK is not 16, 24 or 32 bytes, or the key data is empty.</exception>
    public static byte[] WrapPad(ReadOnlySpan<byte> kek, ReadOnlySpan<byte> keyData)
    {
        ValidateKek(kek);

        // RFC 5649 §4.1: the plaintext is m octets with 1 <= m < 2^32; a span never reaches 2^32, the guard keeps the
        // padded length and the extra semiblock inside an int.
        if (keyData.IsEmpty || keyData.Length > int.MaxValue - 2 * SemiblockSize)
        {
            throw new ArgumentException("RFC 5649 key wrap needs at least one byte of key data.", nameof(keyData));
        }

        // RFC 5649 §3: AIV = A65959A6 || MLI, the MLI being the key data length in octets as a 32-bit big-endian number.
        Span<byte> aiv = stackalloc byte[SemiblockSize];
        AivConstant.CopyTo(aiv);
        BinaryPrimitives.WriteUInt32BigEndian(aiv[4..], (uint)keyData.Length);

        // RFC 5649 §4.1 step 1: pad with zero octets to a multiple of 8.
        var paddedLength = (keyData.Length + SemiblockSize - 1) / SemiblockSize * SemiblockSize;
        var wrapped = new byte[paddedLength + SemiblockSize];

        using var aes = CreateAes(kek);
        if (paddedLength == SemiblockSize)
        {
            // RFC 5649 §4.1 step 2: with exactly one semiblock, AIV || P is encrypted as a single AES block in ECB mode.
            Span<byte> block = stackalloc byte[2 * SemiblockSize];
            try
            {
                block.Clear();
                aiv.CopyTo(block);
                keyData.CopyTo(block[SemiblockSize..]);
                aes.EncryptEcb(block, wrapped, PaddingMode.None);
            }
            finally
            {
                CryptographicOperations.ZeroMemory(block);
            }

            return wrapped;
        }

        var padded = new byte[paddedLength];
        try
        {
            keyData.CopyTo(padded);
            WrapSemiblocks(aes, aiv, padded, wrapped);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(padded);
        }

        return wrapped;
    }

    /// <summary>Unwraps the output of <see cref="WrapPad"/> (RFC 5649 §4.2) and checks the AIV, MLI and padding (§3).</summary>
    /// <returns>The key data. The caller owns it and must zero it.</returns>
    /// <exception cref="ArgumentException">The KEK is not 16, 24 or 32 bytes.</exception>
    /// <exception cref="CryptographicException">The input is not a valid padded wrapping under this KEK.</exception>
    public static byte[] UnwrapPad(ReadOnlySpan<byte> kek, ReadOnlySpan<byte> wrapped)
    {
        ValidateKek(kek);

        // RFC 5649 §4.2: the ciphertext is n+1 semiblocks with n >= 1.
        if (wrapped.Length < 2 * SemiblockSize || wrapped.Length % SemiblockSize != 0)
        {
            throw UnwrapFailed();
        }

        var n = wrapped.Length / SemiblockSize - 1;
        var padded = new byte[n * SemiblockSize];
        Span<byte> a = stackalloc byte[SemiblockSize];
        try
        {
            using (var aes = CreateAes(kek))
            {
                if (n == 1)
                {
                    // RFC 5649 §4.2 step 1: two semiblocks are a single AES block decrypted in ECB mode.
                    Span<byte> block = stackalloc byte[2 * SemiblockSize];
                    try
                    {
                        aes.DecryptEcb(wrapped, block, PaddingMode.None);
                        block[..SemiblockSize].CopyTo(a);
                        block[SemiblockSize..].CopyTo(padded);
                    }
                    finally
                    {
                        CryptographicOperations.ZeroMemory(block);
                    }
                }
                else
                {
                    UnwrapSemiblocks(aes, wrapped, a, padded);
                }
            }

            // RFC 5649 §3 lists three checks. They are all computed, without data-dependent branches, and combined into one
            // decision, so neither the exception nor the time taken says which of them failed.
            // 1) MSB(32, A) = A65959A6.
            var constantOk = CryptographicOperations.FixedTimeEquals(a[..4], AivConstant);

            // 2) 8*(n-1) < MLI <= 8*n, i.e. MLI - 8*(n-1) - 1 lies in [0, 7].
            long mli = BinaryPrimitives.ReadUInt32BigEndian(a[4..]);
            long lastSemiblock = (long)(n - 1) * SemiblockSize;
            var lengthOk = (ulong)(mli - lastSemiblock - 1) < SemiblockSize;

            // 3) The octets after the first MLI octets are zero. Only the last semiblock can hold padding; each of its octets
            // is masked in when its position is at or beyond MLI.
            var paddingBits = 0;
            for (var k = 0; k < SemiblockSize; k++)
            {
                var position = lastSemiblock + k;
                var isPadding = (int)((ulong)(mli - position - 1) >> 63);
                paddingBits |= padded[position] & -isPadding;
            }

            var paddingOk = paddingBits == 0;

            if (!(constantOk & lengthOk & paddingOk))
            {
                throw UnwrapFailed();
            }

            return padded.AsSpan(0, (int)mli).ToArray();
        }
        finally
        {
            CryptographicOperations.ZeroMemory(padded);
            CryptographicOperations.ZeroMemory(a);
        }
    }

    /// <summary>
    /// The wrapping process W of RFC 3394 §2.2.1 (index-based form), also used by RFC 5649 §4.1 with the AIV.
    /// <paramref name="output"/> receives C0 || C1 .. Cn; it doubles as the register A (first semiblock) and R[1..n].
    /// </summary>
    private static void WrapSemiblocks(Aes aes, ReadOnlySpan<byte> initialValue, ReadOnlySpan<byte> plaintext, Span<byte> output)
    {
        var n = plaintext.Length / SemiblockSize;
        initialValue.CopyTo(output);
        plaintext.CopyTo(output[SemiblockSize..]);

        var a = output[..SemiblockSize];
        Span<byte> input = stackalloc byte[2 * SemiblockSize];
        Span<byte> result = stackalloc byte[2 * SemiblockSize];
        try
        {
            for (var j = 0; j < Passes; j++)
            {
                for (var i = 1; i <= n; i++)
                {
                    var r = output.Slice(i * SemiblockSize, SemiblockSize);

                    // B = AES(K, A | R[i])
                    a.CopyTo(input);
                    r.CopyTo(input[SemiblockSize..]);
                    aes.EncryptEcb(input, result, PaddingMode.None);

                    // A = MSB(64, B) ^ t where t = (n*j)+i, t taken as a 64-bit big-endian number; R[i] = LSB(64, B)
                    var t = (ulong)n * (ulong)j + (ulong)i;
                    BinaryPrimitives.WriteUInt64BigEndian(a, BinaryPrimitives.ReadUInt64BigEndian(result) ^ t);
                    result[SemiblockSize..].CopyTo(r);
                }
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(input);
            CryptographicOperations.ZeroMemory(result);
        }
    }

    /// <summary>
    /// The unwrapping process W^-1 of RFC 3394 §2.2.2 (index-based form). Leaves the final register A in
    /// <paramref name="a"/> for the caller's integrity check and R[1..n] in <paramref name="plaintext"/>.
    /// </summary>
    private static void UnwrapSemiblocks(Aes aes, ReadOnlySpan<byte> ciphertext, Span<byte> a, Span<byte> plaintext)
    {
        var n = ciphertext.Length / SemiblockSize - 1;
        ciphertext[..SemiblockSize].CopyTo(a);
        ciphertext[SemiblockSize..].CopyTo(plaintext);

        Span<byte> input = stackalloc byte[2 * SemiblockSize];
        Span<byte> result = stackalloc byte[2 * SemiblockSize];
        try
        {
            for (var j = Passes - 1; j >= 0; j--)
            {
                for (var i = n; i >= 1; i--)
                {
                    var r = plaintext.Slice((i - 1) * SemiblockSize, SemiblockSize);

                    // B = AES-1(K, (A ^ t) | R[i]) where t = n*j+i
                    var t = (ulong)n * (ulong)j + (ulong)i;
                    BinaryPrimitives.WriteUInt64BigEndian(input, BinaryPrimitives.ReadUInt64BigEndian(a) ^ t);
                    r.CopyTo(input[SemiblockSize..]);
                    aes.DecryptEcb(input, result, PaddingMode.None);

                    // A = MSB(64, B); R[i] = LSB(64, B)
                    result[..SemiblockSize].CopyTo(a);
                    result[SemiblockSize..].CopyTo(r);
                }
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(input);
            CryptographicOperations.ZeroMemory(result);
        }
    }

    private static Aes CreateAes(ReadOnlySpan<byte> kek)
    {
        var aes = Aes.Create();
        try
        {
            // SetKey copies the key; disposing the Aes instance clears that copy.
            aes.SetKey(kek);
            return aes;
        }
        catch
        {
            aes.Dispose();
            throw;
        }
    }

    private static void ValidateKek(ReadOnlySpan<byte> kek)
    {
        // RFC 3394 §2 and RFC 5649 §1: the KEK is an AES key of 128, 192 or 256 bits.
        if (kek.Length is not (16 or 24 or 32))
        {
            throw new ArgumentException("The key-encryption key must be an AES key of 128, 192 or 256 bits.", nameof(kek));
        }
    }

    private static CryptographicException UnwrapFailed() => new(UnwrapFailedMessage);
}
