using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Reflection;
using System.Security.Cryptography;
using Coffer.Vault.Crypto;

namespace Coffer.Vault.Tests.Crypto;

public sealed class UnsealShareTests
{
    private const string ChecksumMessage = "the share's checksum does not match: it was mistyped or corrupted";
    private const string PrefixMessage = "not a Coffer unseal share (expected prefix cofs1_)";

    private static readonly byte[] FixedSetId = [0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08];
    private static readonly byte[] FixedY = Enumerable.Range(0x10, 32).Select(i => (byte)i).ToArray();

    [Fact]
    public void Encode_FixedShare_MatchesHandBuiltLayout()
    {
        // version || set id || threshold || x || y || first 4 bytes of SHA-256 of the preceding bytes, base64url, prefixed.
        byte[] content = [1, .. FixedSetId, 3, 2, .. FixedY];
        var expected = "cofs1_" + Base64Url.EncodeToString([.. content, .. SHA256.HashData(content).AsSpan(0, 4)]);

        using var share = new UnsealShare(FixedSetId, 3, 2, FixedY);

        Assert.Equal(expected, share.Encode());
    }

    [Fact]
    public void Parse_EncodedShare_RoundTripsEveryField()
    {
        using var share = new UnsealShare(FixedSetId, 3, 2, FixedY);

        using var parsed = UnsealShare.Parse(share.Encode());

        Assert.Equal(UnsealShare.CurrentVersion, parsed.Version);
        Assert.Equal(FixedSetId, parsed.SetId.ToArray());
        Assert.Equal(3, parsed.Threshold);
        Assert.Equal(2, parsed.X);
        Assert.Equal(FixedY, parsed.Y.ToArray());
    }

    [Fact]
    public void Parse_SurroundingWhitespace_IsIgnored()
    {
        var text = FixedText();
        using var parsed = UnsealShare.Parse("  \t\r\n" + text + " \n");
        Assert.Equal(FixedY, parsed.Y.ToArray());
    }

    [Fact]
    public void Parse_EveryCharacterChangedInTurn_IsRejected()
    {
        var text = FixedText();
        var replacements = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_=+/. ";
        var rejected = 0;
        for (var position = 0; position < text.Length; position++)
        {
            foreach (var replacement in replacements.Where(c => c != text[position]))
            {
                var changed = string.Concat(text.AsSpan(0, position), replacement.ToString(), text.AsSpan(position + 1));
                var exception = Assert.Throws<InvalidShareException>(() => UnsealShare.Parse(changed));
                AssertDoesNotEcho(text, exception);
                AssertDoesNotEcho(changed, exception);
                rejected++;
            }
        }

        Assert.True(rejected > text.Length * 60);
    }

    [Fact]
    public void Parse_EveryBitFlippedInTurn_IsRejectedByChecksum()
    {
        var text = FixedText();
        var bytes = Base64Url.DecodeFromChars(text.AsSpan("cofs1_".Length));
        for (var bit = 0; bit < bytes.Length * 8; bit++)
        {
            var flipped = (byte[])bytes.Clone();
            flipped[bit / 8] ^= (byte)(1 << (bit % 8));
            var changed = "cofs1_" + Base64Url.EncodeToString(flipped);

            var exception = Assert.Throws<InvalidShareException>(() => UnsealShare.Parse(changed));

            Assert.Equal(ChecksumMessage, exception.Message);
            AssertDoesNotEcho(changed, exception);
        }
    }

    [Fact]
    public void Parse_CharacterLeftOutOrAdded_IsRejected()
    {
        var text = FixedText();
        for (var position = "cofs1_".Length; position < text.Length; position++)
        {
            Assert.Throws<InvalidShareException>(() => UnsealShare.Parse(text.Remove(position, 1)));
            Assert.Throws<InvalidShareException>(() => UnsealShare.Parse(text.Insert(position, "Q")));
        }

        Assert.Throws<InvalidShareException>(() => UnsealShare.Parse(text + "Q"));
    }

    [Fact]
    public void Parse_NonCanonicalLastCharacter_IsRejected()
    {
        // 47 bytes encode to 63 characters, so the last character carries 2 unused bits (RFC 4648 §3.5). Flipping the
        // lowest of them gives a text that a lenient decoder maps to the same bytes; it must still be refused, or a
        // mistyped character could pass.
        var text = FixedText();
        Assert.Equal(3, (text.Length - "cofs1_".Length) % 4);
        var last = text[^1];
        const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        var sibling = Alphabet[Alphabet.IndexOf(last, StringComparison.Ordinal) ^ 1];
        var changed = text[..^1] + sibling;

        var exception = Assert.Throws<InvalidShareException>(() => UnsealShare.Parse(changed));

        Assert.Equal(ChecksumMessage, exception.Message);
    }

    [Theory]
    [InlineData("cofs2_")]
    [InlineData("COFS1_")]
    [InlineData("cofs1-")]
    [InlineData("cofs_")]
    [InlineData("")]
    [InlineData("x")]
    public void Parse_WrongPrefix_IsRejectedNamingThePrefix(string prefix)
    {
        var text = prefix + FixedText()["cofs1_".Length..];
        var exception = Assert.Throws<InvalidShareException>(() => UnsealShare.Parse(text));
        Assert.Equal(PrefixMessage, exception.Message);
        AssertDoesNotEcho(text, exception);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   \n\t")]
    [InlineData("hello world")]
    [InlineData("cofs1_")]
    [InlineData("cofs1_AAAA")]
    [InlineData("cofs1_!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!")]
    [InlineData("cofs1_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public void Parse_Garbage_IsRejected(string text)
    {
        var exception = Assert.Throws<InvalidShareException>(() => UnsealShare.Parse(text));
        Assert.False(string.IsNullOrWhiteSpace(exception.Message));
        if (text.Trim().Length > "cofs1_".Length)
        {
            AssertDoesNotEcho(text.Trim(), exception);
        }
    }

    [Theory]
    [InlineData(63, "=")]
    [InlineData(62, "==")]
    [InlineData(20, " ")]
    [InlineData(20, "\n")]
    [InlineData(20, "\t")]
    [InlineData(20, "+")]
    [InlineData(20, "/")]
    [InlineData(20, "\u00e9")]
    [InlineData(20, "\u0000")]
    [InlineData(6, " ")]
    public void Parse_ForeignCharacterInsideValidShare_IsRejected(int position, string inserted)
    {
        // Only whitespace around the share is forgiven; base64 padding, inner whitespace and other alphabets are not.
        var text = FixedText();
        Assert.Equal(69, text.Length);
        var changed = text.Insert(position, inserted);

        var exception = Assert.Throws<InvalidShareException>(() => UnsealShare.Parse(changed));

        AssertDoesNotEcho(text, exception);
    }

    [Fact]
    public void Parse_TooLong_IsRejected()
    {
        using var share = new UnsealShare(FixedSetId, 2, 1, new byte[UnsealShare.MaxSecretLength]);
        var text = share.Encode() + "AAAA";
        Assert.Throws<InvalidShareException>(() => UnsealShare.Parse(text));
    }

    [Fact]
    public void Parse_InvalidCharacter_MessageGivesPositionNotCharacter()
    {
        var text = FixedText();
        var changed = text[..10] + "*" + text[11..];
        var exception = Assert.Throws<InvalidShareException>(() => UnsealShare.Parse(changed));
        Assert.Contains("position 11", exception.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("*", exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(2, 3, 2, "format version 2")]
    [InlineData(0, 3, 2, "format version 0")]
    [InlineData(1, 0, 2, "threshold or index is zero")]
    [InlineData(1, 3, 0, "threshold or index is zero")]
    public void Parse_ValidChecksumButBadFields_IsRejected(byte version, byte threshold, byte x, string expectedMessagePart)
    {
        byte[] content = [version, .. FixedSetId, threshold, x, .. FixedY];
        var text = "cofs1_" + Base64Url.EncodeToString([.. content, .. SHA256.HashData(content).AsSpan(0, 4)]);

        var exception = Assert.Throws<InvalidShareException>(() => UnsealShare.Parse(text));

        Assert.Contains(expectedMessagePart, exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_Null_ThrowsArgumentNullException()
    {
        Assert.Throws<ArgumentNullException>(() => UnsealShare.Parse(null!));
    }

    [Fact]
    public void InvalidShareException_IsFormatException()
    {
        Assert.IsAssignableFrom<FormatException>(Assert.Throws<InvalidShareException>(() => UnsealShare.Parse("nope")));
    }

    [Fact]
    public void Constructor_InvalidFields_Throw()
    {
        Assert.ThrowsAny<ArgumentException>(() => new UnsealShare(new byte[7], 2, 1, FixedY));
        Assert.ThrowsAny<ArgumentException>(() => new UnsealShare(FixedSetId, 0, 1, FixedY));
        Assert.ThrowsAny<ArgumentException>(() => new UnsealShare(FixedSetId, 2, 0, FixedY));
        Assert.ThrowsAny<ArgumentException>(() => new UnsealShare(FixedSetId, 2, 1, []));
        Assert.ThrowsAny<ArgumentException>(() => new UnsealShare(FixedSetId, 2, 1, new byte[UnsealShare.MaxSecretLength + 1]));
    }

    [Fact]
    public void Dispose_ZeroesYAndBlocksFurtherUse()
    {
        var share = new UnsealShare(FixedSetId, 3, 2, FixedY);
        var held = (byte[])typeof(UnsealShare).GetField("_y", BindingFlags.NonPublic | BindingFlags.Instance)!.GetValue(share)!;
        Assert.Equal(FixedY, held);

        share.Dispose();

        Assert.All(held, b => Assert.Equal(0, b));
        Assert.Throws<ObjectDisposedException>(() => share.Y.Length);
        Assert.Throws<ObjectDisposedException>(() => share.Encode());
    }

    [Fact]
    public void SplitToText_Shares_ShareOneSetIdAndThresholdWithDistinctX()
    {
        var secret = RandomNumberGenerator.GetBytes(32);
        var texts = UnsealShare.SplitToText(secret, 5, 3);

        Assert.Equal(5, texts.Count);
        var shares = texts.Select(UnsealShare.Parse).ToList();
        Assert.All(texts, t => Assert.StartsWith("cofs1_", t, StringComparison.Ordinal));
        Assert.Single(shares.Select(s => Convert.ToHexString(s.SetId)).Distinct());
        Assert.All(shares, s => Assert.Equal(3, s.Threshold));
        Assert.Equal([1, 2, 3, 4, 5], shares.Select(s => (int)s.X));
        Assert.All(shares, s => Assert.Equal(secret.Length, s.Y.Length));
    }

    [Fact]
    public void SplitToText_TwoSplits_HaveDifferentSetIds()
    {
        var secret = RandomNumberGenerator.GetBytes(32);
        using var first = UnsealShare.Parse(UnsealShare.SplitToText(secret, 3, 2)[0]);
        using var second = UnsealShare.Parse(UnsealShare.SplitToText(secret, 3, 2)[0]);
        Assert.NotEqual(first.SetId.ToArray(), second.SetId.ToArray());
    }

    [Fact]
    public void SplitToText_InvalidParameters_Throw()
    {
        Assert.ThrowsAny<ArgumentException>(() => UnsealShare.SplitToText([], 3, 2));
        Assert.ThrowsAny<ArgumentException>(() => UnsealShare.SplitToText([1], 3, 4));
        Assert.ThrowsAny<ArgumentException>(() => UnsealShare.SplitToText([1], 3, 1));
        Assert.ThrowsAny<ArgumentException>(() => UnsealShare.SplitToText(new byte[UnsealShare.MaxSecretLength + 1], 3, 2));
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(3, 2)]
    [InlineData(5, 3)]
    public void UnsealProgress_ThresholdShares_CompleteAndCombineToSecret(int count, int threshold)
    {
        var secret = RandomNumberGenerator.GetBytes(32);
        var texts = UnsealShare.SplitToText(secret, count, threshold);
        var progress = new UnsealProgress();
        Assert.Equal(0, progress.Threshold);
        Assert.False(progress.IsComplete);

        // Take the last shares first, to show the order and the particular indices do not matter.
        foreach (var text in texts.Reverse().Take(threshold))
        {
            Assert.False(progress.IsComplete);
            using var share = UnsealShare.Parse(text);
            Assert.Equal(UnsealAddResult.Accepted, progress.Add(share));
        }

        Assert.True(progress.IsComplete);
        Assert.Equal(threshold, progress.Provided);
        Assert.Equal(threshold, progress.Threshold);
        Assert.Equal(secret, progress.Combine());
    }

    [Fact]
    public void UnsealProgress_BelowThreshold_CombineThrows()
    {
        var texts = UnsealShare.SplitToText(RandomNumberGenerator.GetBytes(32), 5, 3);
        var progress = new UnsealProgress();
        Assert.Throws<InvalidOperationException>(() => progress.Combine());

        progress.Add(UnsealShare.Parse(texts[0]));
        progress.Add(UnsealShare.Parse(texts[1]));

        Assert.False(progress.IsComplete);
        Assert.Throws<InvalidOperationException>(() => progress.Combine());
    }

    [Fact]
    public void UnsealProgress_SameShareTwice_CountsOnce()
    {
        var texts = UnsealShare.SplitToText(RandomNumberGenerator.GetBytes(32), 3, 2);
        var progress = new UnsealProgress();

        Assert.Equal(UnsealAddResult.Accepted, progress.Add(UnsealShare.Parse(texts[0])));
        Assert.Equal(UnsealAddResult.Duplicate, progress.Add(UnsealShare.Parse(texts[0])));

        // Pasted again with whitespace around it: still the same share.
        Assert.Equal(UnsealAddResult.Duplicate, progress.Add(UnsealShare.Parse(" " + texts[0] + "\n")));
        Assert.Equal(1, progress.Provided);
        Assert.False(progress.IsComplete);
    }

    [Fact]
    public void UnsealProgress_SameIndexDifferentY_ReturnsConflictAndDoesNotCount()
    {
        var texts = UnsealShare.SplitToText(RandomNumberGenerator.GetBytes(32), 3, 2);
        using var genuine = UnsealShare.Parse(texts[0]);
        var otherY = genuine.Y.ToArray();
        otherY[0] ^= 0xFF;
        using var forged = new UnsealShare(genuine.SetId, genuine.Threshold, genuine.X, otherY);
        var progress = new UnsealProgress();

        Assert.Equal(UnsealAddResult.Accepted, progress.Add(genuine));
        Assert.Equal(UnsealAddResult.Conflict, progress.Add(forged));
        Assert.Equal(1, progress.Provided);
    }

    [Fact]
    public void UnsealProgress_ShareFromAnotherSplit_ReturnsWrongSet()
    {
        var secret = RandomNumberGenerator.GetBytes(32);
        var current = UnsealShare.SplitToText(secret, 3, 2);
        var previous = UnsealShare.SplitToText(secret, 3, 2);
        var progress = new UnsealProgress();

        Assert.Equal(UnsealAddResult.Accepted, progress.Add(UnsealShare.Parse(current[0])));
        Assert.Equal(UnsealAddResult.WrongSet, progress.Add(UnsealShare.Parse(previous[1])));
        Assert.Equal(1, progress.Provided);
        Assert.False(progress.IsComplete);

        Assert.Equal(UnsealAddResult.Accepted, progress.Add(UnsealShare.Parse(current[2])));
        Assert.Equal(secret, progress.Combine());
    }

    [Fact]
    public void UnsealProgress_SameSetIdButOtherThresholdOrLength_ReturnsWrongSet()
    {
        var progress = new UnsealProgress();
        using var first = new UnsealShare(FixedSetId, 3, 1, FixedY);
        using var otherThreshold = new UnsealShare(FixedSetId, 2, 2, FixedY);
        using var otherLength = new UnsealShare(FixedSetId, 3, 3, FixedY.AsSpan(0, 16));

        Assert.Equal(UnsealAddResult.Accepted, progress.Add(first));
        Assert.Equal(UnsealAddResult.WrongSet, progress.Add(otherThreshold));
        Assert.Equal(UnsealAddResult.WrongSet, progress.Add(otherLength));
        Assert.Equal(1, progress.Provided);
    }

    [Fact]
    public void UnsealProgress_MoreThanThreshold_StillCombinesToSecret()
    {
        var secret = RandomNumberGenerator.GetBytes(32);
        var progress = new UnsealProgress();
        foreach (var text in UnsealShare.SplitToText(secret, 5, 3))
        {
            Assert.Equal(UnsealAddResult.Accepted, progress.Add(UnsealShare.Parse(text)));
        }

        Assert.Equal(5, progress.Provided);
        var combined = progress.Combine();
        Assert.Equal(secret, combined);

        // The result is the caller's own copy: zeroing it does not disturb a second combination.
        CryptographicOperations.ZeroMemory(combined);
        Assert.Equal(secret, progress.Combine());
    }

    [Fact]
    public void UnsealProgress_AddAfterShareDisposed_KeepsItsOwnCopy()
    {
        var secret = RandomNumberGenerator.GetBytes(32);
        var texts = UnsealShare.SplitToText(secret, 3, 2);
        var progress = new UnsealProgress();
        foreach (var text in texts.Take(2))
        {
            var share = UnsealShare.Parse(text);
            progress.Add(share);
            share.Dispose();
        }

        Assert.Equal(secret, progress.Combine());
    }

    [Fact]
    public void UnsealProgress_Reset_ZeroesHeldSharesAndStartsOver()
    {
        var secret = RandomNumberGenerator.GetBytes(32);
        var progress = new UnsealProgress();
        foreach (var text in UnsealShare.SplitToText(secret, 3, 2).Take(2))
        {
            progress.Add(UnsealShare.Parse(text));
        }

        var field = typeof(UnsealProgress).GetField("_shares", BindingFlags.NonPublic | BindingFlags.Instance);
        Assert.NotNull(field);
        var held = ((Dictionary<byte, byte[]>)field.GetValue(progress)!).Values.ToList();
        Assert.Equal(2, held.Count);
        Assert.All(held, y => Assert.Contains(y, b => b != 0));

        progress.Reset();

        Assert.All(held, y => Assert.All(y, b => Assert.Equal(0, b)));
        Assert.Equal(0, progress.Provided);
        Assert.Equal(0, progress.Threshold);
        Assert.False(progress.IsComplete);
        Assert.Throws<InvalidOperationException>(() => progress.Combine());

        // After a reset a share from a different split starts a new attempt instead of being refused.
        var other = UnsealShare.SplitToText(secret, 4, 3);
        Assert.Equal(UnsealAddResult.Accepted, progress.Add(UnsealShare.Parse(other[3])));
        Assert.Equal(3, progress.Threshold);
    }

    [Fact]
    public void UnsealProgress_ConcurrentAdds_CountEachShareOnce()
    {
        var secret = RandomNumberGenerator.GetBytes(32);
        var shares = UnsealShare.SplitToText(secret, 5, 3).Select(UnsealShare.Parse).ToArray();
        var progress = new UnsealProgress();
        var results = new ConcurrentBag<UnsealAddResult>();

        Parallel.For(0, 2000, i => results.Add(progress.Add(shares[i % shares.Length])));

        Assert.Equal(5, results.Count(r => r == UnsealAddResult.Accepted));
        Assert.Equal(1995, results.Count(r => r == UnsealAddResult.Duplicate));
        Assert.Equal(5, progress.Provided);
        Assert.Equal(secret, progress.Combine());
    }

    private static string FixedText()
    {
        using var share = new UnsealShare(FixedSetId, 3, 2, FixedY);
        return share.Encode();
    }

    private static void AssertDoesNotEcho(string shareText, Exception exception)
    {
        // Neither the share nor any recognisable piece of it (8 characters or more) may appear in the message.
        var message = exception.Message;
        Assert.DoesNotContain(shareText, message, StringComparison.Ordinal);
        var body = shareText.StartsWith("cofs1_", StringComparison.Ordinal) ? shareText[6..] : shareText;
        for (var start = 0; start + 8 <= body.Length; start++)
        {
            Assert.DoesNotContain(body.Substring(start, 8), message, StringComparison.Ordinal);
        }
    }
}
