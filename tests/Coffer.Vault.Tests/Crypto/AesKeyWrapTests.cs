using System.Buffers.Binary;
using System.Security.Cryptography;
using Coffer.Vault.Crypto;

namespace Coffer.Vault.Tests.Crypto;

public sealed class AesKeyWrapTests
{
    private const string VectorsFile = "vectors/rfc.json";
    private const string KwGroup = "aesKeyWrap_rfc3394";
    private const string KwpGroup = "aesKeyWrapPad_rfc5649";

    public static TheoryData<string> KwIds => Ids(KwGroup);

    public static TheoryData<string> KwpIds => Ids(KwpGroup);

    public static TheoryData<int> KekLengths => new() { 16, 24, 32 };

    [Theory]
    [InlineData(KwGroup, "rfc3394-4.1")]
    [InlineData(KwGroup, "rfc3394-4.6")]
    [InlineData(KwpGroup, "rfc5649-20-octets")]
    [InlineData(KwpGroup, "rfc5649-7-octets")]
    [InlineData(KwpGroup, "softhsm2-kwp-32-octets")]
    public void Vectors_RequiredVector_IsPresentAndConsistent(string group, string id)
    {
        // Guards against the data file losing vectors: the theories below would otherwise just run fewer cases.
        var vector = Find(group, id);
        Assert.Equal(vector.KekBits, vector.Kek.Length * 8);
        Assert.Equal(vector.KeyDataLength, vector.KeyData.Length);
    }

    [Theory]
    [MemberData(nameof(KwIds))]
    public void Wrap_Rfc3394Vector_ProducesExpectedCiphertext(string id)
    {
        var vector = Find(KwGroup, id);
        Assert.Equal(Convert.ToHexString(vector.Wrapped), Convert.ToHexString(AesKeyWrap.Wrap(vector.Kek, vector.KeyData)));
    }

    [Theory]
    [MemberData(nameof(KwIds))]
    public void Unwrap_Rfc3394Vector_ReturnsKeyData(string id)
    {
        var vector = Find(KwGroup, id);
        Assert.Equal(Convert.ToHexString(vector.KeyData), Convert.ToHexString(AesKeyWrap.Unwrap(vector.Kek, vector.Wrapped)));
    }

    [Theory]
    [MemberData(nameof(KwpIds))]
    public void WrapPad_Rfc5649Vector_ProducesExpectedCiphertext(string id)
    {
        var vector = Find(KwpGroup, id);
        Assert.Equal(Convert.ToHexString(vector.Wrapped), Convert.ToHexString(AesKeyWrap.WrapPad(vector.Kek, vector.KeyData)));
    }

    [Theory]
    [MemberData(nameof(KwpIds))]
    public void UnwrapPad_Rfc5649Vector_ReturnsKeyData(string id)
    {
        var vector = Find(KwpGroup, id);
        Assert.Equal(Convert.ToHexString(vector.KeyData), Convert.ToHexString(AesKeyWrap.UnwrapPad(vector.Kek, vector.Wrapped)));
    }

    [Theory]
    [MemberData(nameof(KwIds))]
    public void Unwrap_AnySingleBitFlipped_Throws(string id)
    {
        var vector = Find(KwGroup, id);
        foreach (var tampered in SingleBitFlips(vector.Wrapped))
        {
            Assert.Throws<CryptographicException>(() => AesKeyWrap.Unwrap(vector.Kek, tampered));
        }
    }

    [Theory]
    [MemberData(nameof(KwpIds))]
    public void UnwrapPad_AnySingleBitFlipped_Throws(string id)
    {
        var vector = Find(KwpGroup, id);
        foreach (var tampered in SingleBitFlips(vector.Wrapped))
        {
            Assert.Throws<CryptographicException>(() => AesKeyWrap.UnwrapPad(vector.Kek, tampered));
        }
    }

    [Theory]
    [MemberData(nameof(KwIds))]
    public void Unwrap_WrongKek_Throws(string id)
    {
        var vector = Find(KwGroup, id);
        foreach (var wrongKek in SingleBitFlips(vector.Kek))
        {
            Assert.Throws<CryptographicException>(() => AesKeyWrap.Unwrap(wrongKek, vector.Wrapped));
        }
    }

    [Theory]
    [MemberData(nameof(KwpIds))]
    public void UnwrapPad_WrongKek_Throws(string id)
    {
        var vector = Find(KwpGroup, id);
        foreach (var wrongKek in SingleBitFlips(vector.Kek))
        {
            Assert.Throws<CryptographicException>(() => AesKeyWrap.UnwrapPad(wrongKek, vector.Wrapped));
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(8)]
    [InlineData(16)]
    [InlineData(23)]
    [InlineData(25)]
    [InlineData(39)]
    public void Unwrap_BadLength_Throws(int length)
    {
        Assert.Throws<CryptographicException>(() => AesKeyWrap.Unwrap(new byte[16], new byte[length]));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(8)]
    [InlineData(15)]
    [InlineData(17)]
    [InlineData(31)]
    public void UnwrapPad_BadLength_Throws(int length)
    {
        Assert.Throws<CryptographicException>(() => AesKeyWrap.UnwrapPad(new byte[16], new byte[length]));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(8)]
    [InlineData(15)]
    [InlineData(17)]
    [InlineData(33)]
    public void Wrap_BadKeyDataLength_ThrowsArgumentException(int length)
    {
        Assert.Throws<ArgumentException>(() => AesKeyWrap.Wrap(new byte[16], new byte[length]));
    }

    [Fact]
    public void WrapPad_EmptyKeyData_ThrowsArgumentException()
    {
        Assert.Throws<ArgumentException>(() => AesKeyWrap.WrapPad(new byte[16], []));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(8)]
    [InlineData(15)]
    [InlineData(17)]
    [InlineData(31)]
    [InlineData(33)]
    [InlineData(64)]
    public void AllOperations_BadKekLength_ThrowArgumentException(int kekLength)
    {
        var kek = new byte[kekLength];
        Assert.Throws<ArgumentException>(() => AesKeyWrap.Wrap(kek, new byte[16]));
        Assert.Throws<ArgumentException>(() => AesKeyWrap.Unwrap(kek, new byte[24]));
        Assert.Throws<ArgumentException>(() => AesKeyWrap.WrapPad(kek, new byte[16]));
        Assert.Throws<ArgumentException>(() => AesKeyWrap.UnwrapPad(kek, new byte[24]));
    }

    [Theory]
    [MemberData(nameof(KekLengths))]
    public void Unwrap_OutputOfWrapPad_Throws(int kekLength)
    {
        // Same length, different initial value (RFC 3394 §2.2.3.1 versus RFC 5649 §3): the modes must not accept each other.
        var kek = RandomNumberGenerator.GetBytes(kekLength);
        var keyData = RandomNumberGenerator.GetBytes(32);
        Assert.Throws<CryptographicException>(() => AesKeyWrap.Unwrap(kek, AesKeyWrap.WrapPad(kek, keyData)));
        Assert.Throws<CryptographicException>(() => AesKeyWrap.UnwrapPad(kek, AesKeyWrap.Wrap(kek, keyData)));
    }

    [Theory]
    // n = 1 (the single-block case of RFC 5649 §4.2) and n = 3 (the W^-1 case). A control row that must succeed shows
    // the crafted ciphertexts are well-formed, so the failing rows fail for the reason named.
    [InlineData(1, 0xA65959A6u, 5u, -1, true)]
    [InlineData(3, 0xA65959A6u, 20u, -1, true)]
    [InlineData(1, 0xA6A6A6A6u, 5u, -1, false)] // wrong AIV constant
    [InlineData(3, 0xA65959A7u, 20u, -1, false)] // wrong AIV constant
    [InlineData(1, 0xA65959A6u, 0u, -1, false)] // MLI = 0
    [InlineData(1, 0xA65959A6u, 9u, -1, false)] // MLI > 8n
    [InlineData(3, 0xA65959A6u, 16u, -1, false)] // MLI <= 8(n-1)
    [InlineData(3, 0xA65959A6u, 25u, -1, false)] // MLI > 8n
    [InlineData(3, 0xA65959A6u, 0xFFFFFFFFu, -1, false)] // MLI far out of range
    [InlineData(1, 0xA65959A6u, 5u, 7, false)] // non-zero last padding octet
    [InlineData(1, 0xA65959A6u, 5u, 5, false)] // non-zero first padding octet
    [InlineData(3, 0xA65959A6u, 20u, 20, false)] // non-zero first padding octet
    [InlineData(3, 0xA65959A6u, 17u, 23, false)] // non-zero last padding octet
    public void UnwrapPad_CraftedAivOrPadding_AcceptsOnlyValid(int n, uint constant, uint mli, int nonZeroAt, bool valid)
    {
        var kek = RandomNumberGenerator.GetBytes(24);
        var padded = new byte[8 * n];
        RandomNumberGenerator.Fill(padded);
        var keyLength = (int)Math.Min(mli, (uint)padded.Length);
        padded.AsSpan(keyLength).Clear();
        if (nonZeroAt >= 0)
        {
            padded[nonZeroAt] = 0x01;
        }

        var aiv = new byte[8];
        BinaryPrimitives.WriteUInt32BigEndian(aiv, constant);
        BinaryPrimitives.WriteUInt32BigEndian(aiv.AsSpan(4), mli);
        var wrapped = ReferenceWrap(kek, aiv, padded);

        if (valid)
        {
            Assert.Equal(Convert.ToHexString(padded, 0, keyLength), Convert.ToHexString(AesKeyWrap.UnwrapPad(kek, wrapped)));
        }
        else
        {
            Assert.Throws<CryptographicException>(() => AesKeyWrap.UnwrapPad(kek, wrapped));
        }
    }

    [Fact]
    public void UnwrapFailures_DifferentCauses_ShareOneMessage()
    {
        // RFC 5649 §3 checks and RFC 3394 §2.2.3 must not be told apart by the error (no padding oracle).
        var kek = RandomNumberGenerator.GetBytes(32);
        var wrongKek = RandomNumberGenerator.GetBytes(32);
        var kw = AesKeyWrap.Wrap(kek, RandomNumberGenerator.GetBytes(24));
        var kwp = AesKeyWrap.WrapPad(kek, RandomNumberGenerator.GetBytes(13));

        var aiv = new byte[8];
        BinaryPrimitives.WriteUInt32BigEndian(aiv, 0xA65959A6u);
        BinaryPrimitives.WriteUInt32BigEndian(aiv.AsSpan(4), 13);
        var badPadding = new byte[16];
        badPadding[15] = 1;
        var badMli = (byte[])aiv.Clone();
        BinaryPrimitives.WriteUInt32BigEndian(badMli.AsSpan(4), 40);

        var failures = new Func<byte[]>[]
        {
            () => AesKeyWrap.Unwrap(kek, new byte[17]),
            () => AesKeyWrap.Unwrap(wrongKek, kw),
            () => AesKeyWrap.Unwrap(kek, kwp),
            () => AesKeyWrap.UnwrapPad(kek, new byte[17]),
            () => AesKeyWrap.UnwrapPad(wrongKek, kwp),
            () => AesKeyWrap.UnwrapPad(kek, kw),
            () => AesKeyWrap.UnwrapPad(kek, ReferenceWrap(kek, aiv, badPadding)),
            () => AesKeyWrap.UnwrapPad(kek, ReferenceWrap(kek, badMli, new byte[16])),
        };

        var messages = failures.Select(f => Assert.Throws<CryptographicException>(f).Message).Distinct().ToList();
        Assert.Single(messages);
    }

    [Theory]
    [MemberData(nameof(KekLengths))]
    public void WrapPad_RandomKeysOfLength1To70_MatchReferenceAndRoundTrip(int kekLength)
    {
        for (var length = 1; length <= 70; length++)
        {
            var kek = RandomNumberGenerator.GetBytes(kekLength);
            var keyData = RandomNumberGenerator.GetBytes(length);

            var wrapped = AesKeyWrap.WrapPad(kek, keyData);

            // RFC 5649 §4.1: zero-pad to a multiple of 8, then W (or one ECB block when that is 8 octets) under the AIV.
            var padded = new byte[(length + 7) / 8 * 8];
            keyData.CopyTo(padded, 0);
            var aiv = new byte[8];
            BinaryPrimitives.WriteUInt32BigEndian(aiv, 0xA65959A6u);
            BinaryPrimitives.WriteUInt32BigEndian(aiv.AsSpan(4), (uint)length);
            Assert.Equal(Convert.ToHexString(ReferenceWrap(kek, aiv, padded)), Convert.ToHexString(wrapped));

            Assert.Equal(keyData, AesKeyWrap.UnwrapPad(kek, wrapped));
        }
    }

    [Theory]
    [MemberData(nameof(KekLengths))]
    public void Wrap_RandomKeysOfLength16To72_MatchReferenceAndRoundTrip(int kekLength)
    {
        for (var length = 16; length <= 72; length += 8)
        {
            var kek = RandomNumberGenerator.GetBytes(kekLength);
            var keyData = RandomNumberGenerator.GetBytes(length);

            var wrapped = AesKeyWrap.Wrap(kek, keyData);

            Assert.Equal(Convert.ToHexString(ReferenceWrap(kek, Convert.FromHexString("A6A6A6A6A6A6A6A6"), keyData)), Convert.ToHexString(wrapped));
            Assert.Equal(keyData, AesKeyWrap.Unwrap(kek, wrapped));
        }
    }

    /// <summary>
    /// An independent wrap used to build ciphertexts the production code must accept or refuse. It follows the
    /// shifting-register description in RFC 3394 §2.2.1 (t = 1..6n, R rotates left) rather than the indexed form the
    /// production code uses, and the single-block rule of RFC 5649 §4.1 step 2.
    /// </summary>
    private static byte[] ReferenceWrap(byte[] kek, byte[] initialValue, byte[] plaintext)
    {
        using var aes = Aes.Create();
        aes.Key = kek;
        if (plaintext.Length == 8)
        {
            return aes.EncryptEcb([.. initialValue, .. plaintext], PaddingMode.None);
        }

        var n = plaintext.Length / 8;
        var a = BinaryPrimitives.ReadUInt64BigEndian(initialValue);
        var r = Enumerable.Range(0, n).Select(i => plaintext.AsSpan(i * 8, 8).ToArray()).ToList();
        for (var t = 1; t <= 6 * n; t++)
        {
            var input = new byte[16];
            BinaryPrimitives.WriteUInt64BigEndian(input, a);
            r[0].CopyTo(input, 8);
            var b = aes.EncryptEcb(input, PaddingMode.None);
            a = BinaryPrimitives.ReadUInt64BigEndian(b) ^ (ulong)t;
            r.RemoveAt(0);
            r.Add(b[8..]);
        }

        var output = new byte[8 * (n + 1)];
        BinaryPrimitives.WriteUInt64BigEndian(output, a);
        for (var i = 0; i < n; i++)
        {
            r[i].CopyTo(output, 8 * (i + 1));
        }

        return output;
    }

    private static IEnumerable<byte[]> SingleBitFlips(byte[] data)
    {
        for (var bit = 0; bit < data.Length * 8; bit++)
        {
            var copy = (byte[])data.Clone();
            copy[bit / 8] ^= (byte)(1 << (bit % 8));
            yield return copy;
        }
    }

    private static TheoryData<string> Ids(string group)
    {
        var data = new TheoryData<string>();
        foreach (var vector in Conformance.Load(VectorsFile)[group]!["vectors"]!.AsArray())
        {
            data.Add((string)vector!["id"]!);
        }

        return data;
    }

    private static Vector Find(string group, string id)
    {
        var node = Conformance.Load(VectorsFile)[group]!["vectors"]!.AsArray().Single(v => (string?)v!["id"] == id)!;
        return new Vector(
            Convert.FromHexString((string)node["kekHex"]!),
            Convert.FromHexString((string)node["keyDataHex"]!),
            Convert.FromHexString((string)node["wrappedHex"]!),
            (int)node["kekBits"]!,
            (int)node["keyDataLengthOctets"]!);
    }

    private sealed record Vector(byte[] Kek, byte[] KeyData, byte[] Wrapped, int KekBits, int KeyDataLength);
}
