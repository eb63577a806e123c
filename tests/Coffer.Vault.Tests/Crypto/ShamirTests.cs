using System.Numerics;
using System.Security.Cryptography;
using Coffer.Vault.Crypto;

namespace Coffer.Vault.Tests.Crypto;

public sealed class ShamirTests
{
    // 32 random bytes: the chance that a wrong interpolation hits the secret by luck is 2^-256.
    private const int SecretLength = 32;

    [Theory]
    [InlineData(1, 1)]
    [InlineData(3, 2)]
    [InlineData(5, 3)]
    [InlineData(6, 4)]
    public void Combine_EverySubsetOfThresholdOrMoreShares_ReturnsSecret(int shares, int threshold)
    {
        var secret = RandomNumberGenerator.GetBytes(SecretLength);
        var split = Shamir.Split(secret, shares, threshold);

        var tried = 0;
        foreach (var subset in Subsets(shares).Where(s => s.Count >= threshold))
        {
            Assert.Equal(secret, Shamir.Combine(Points(split, subset)));
            tried++;
        }

        // Sum over k >= threshold of C(shares, k): proves the enumeration covered every subset.
        Assert.Equal(Enumerable.Range(threshold, shares - threshold + 1).Sum(k => Binomial(shares, k)), tried);
    }

    [Theory]
    [InlineData(3, 2)]
    [InlineData(5, 3)]
    [InlineData(6, 4)]
    public void Combine_EverySubsetBelowThreshold_DoesNotReturnSecret(int shares, int threshold)
    {
        var secret = RandomNumberGenerator.GetBytes(SecretLength);
        var split = Shamir.Split(secret, shares, threshold);

        var tried = 0;
        foreach (var subset in Subsets(shares).Where(s => s.Count < threshold))
        {
            Assert.NotEqual(secret, Shamir.Combine(Points(split, subset)));
            tried++;
        }

        Assert.Equal(Enumerable.Range(1, threshold - 1).Sum(k => Binomial(shares, k)), tried);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(3, 2)]
    [InlineData(255, 2)]
    [InlineData(255, 255)]
    public void Split_ValidParameters_ReturnsSharesWithXOneToN(int shares, int threshold)
    {
        var secret = RandomNumberGenerator.GetBytes(5);
        var split = Shamir.Split(secret, shares, threshold);

        Assert.Equal(shares, split.Length);
        for (var i = 0; i < shares; i++)
        {
            Assert.Equal(i + 1, split[i][0]);
            Assert.Equal(secret.Length + 1, split[i].Length);
        }

        // The first threshold shares are enough, whatever the size of the set.
        Assert.Equal(secret, Shamir.Combine(Points(split, Enumerable.Range(0, threshold).ToList())));
    }

    [Fact]
    public void Split_SameSecretTwice_UsesFreshCoefficients()
    {
        var secret = RandomNumberGenerator.GetBytes(SecretLength);
        var first = Shamir.Split(secret, 3, 2);
        var second = Shamir.Split(secret, 3, 2);
        Assert.NotEqual(first[0], second[0]);
    }

    [Fact]
    public void Split_ThresholdTwo_NoShareEqualsSecret()
    {
        var secret = RandomNumberGenerator.GetBytes(SecretLength);
        foreach (var share in Shamir.Split(secret, 5, 2))
        {
            Assert.NotEqual(secret, share[1..]);
        }
    }

    [Fact]
    public void Combine_HandComputedLine_ReturnsConstantTerm()
    {
        // f(x) = 0x53 + 0xCA*x over GF(2^8): f(1) = 0x99, f(2) = 0x53 ^ xtime(0xCA) = 0x53 ^ 0x8F = 0xDC, f(3) = 0x16.
        Assert.Equal(new byte[] { 0x53 }, Shamir.Combine([(1, [0x99]), (2, [0xDC])]));
        Assert.Equal(new byte[] { 0x53 }, Shamir.Combine([(3, [0x16]), (1, [0x99])]));
        Assert.Equal(new byte[] { 0x53 }, Shamir.Combine([(2, [0xDC]), (3, [0x16]), (1, [0x99])]));
    }

    [Fact]
    public void Combine_HandComputedQuadratic_ReturnsConstantTerm()
    {
        // f(x) = 0x42 + 0x17*x + 0xA5*x^2: f(1) = 0xF0, f(2) = 0xCE, f(3) = 0x7C (computed by hand-written long multiplication).
        Assert.Equal(new byte[] { 0x42 }, Shamir.Combine([(1, [0xF0]), (2, [0xCE]), (3, [0x7C])]));
        Assert.NotEqual(new byte[] { 0x42 }, Shamir.Combine([(1, [0xF0]), (2, [0xCE])]));
    }

    [Theory]
    // FIPS-197 §4.2: {57}·{83} = {c1}; §4.2.1: {57}·{13} = {fe} and the xtime chain {57}·{02}, {04}, {08}, {10}.
    [InlineData(0x57, 0x83, 0xC1)]
    [InlineData(0x57, 0x13, 0xFE)]
    [InlineData(0x57, 0x02, 0xAE)]
    [InlineData(0x57, 0x04, 0x47)]
    [InlineData(0x57, 0x08, 0x8E)]
    [InlineData(0x57, 0x10, 0x07)]
    [InlineData(0x00, 0xFF, 0x00)]
    [InlineData(0x01, 0xB7, 0xB7)]
    public void Multiply_FipsKnownProducts_Match(byte a, byte b, byte expected)
    {
        Assert.Equal(expected, Shamir.Multiply(a, b));
        Assert.Equal(expected, Shamir.Multiply(b, a));
    }

    [Fact]
    public void Multiply_AllPairs_MatchCarrylessProductReducedBy0x11B()
    {
        for (var a = 0; a < 256; a++)
        {
            for (var b = 0; b < 256; b++)
            {
                Assert.Equal(ReferenceMultiply(a, b), Shamir.Multiply((byte)a, (byte)b));
            }
        }
    }

    [Fact]
    public void Inverse_EveryNonZeroElement_MultipliesToOne()
    {
        var inverses = new HashSet<byte>();
        for (var a = 1; a < 256; a++)
        {
            var inverse = Shamir.Inverse((byte)a);
            Assert.Equal(1, Shamir.Multiply((byte)a, inverse));
            inverses.Add(inverse);
        }

        // Inversion is a permutation of the non-zero elements.
        Assert.Equal(255, inverses.Count);
        Assert.DoesNotContain((byte)0, inverses);
    }

    [Fact]
    public void Inverse_KnownValue_Matches()
    {
        // {53}·{ca} = {01} in the AES field, the pair commonly used to illustrate inversion for the S-box (FIPS-197 §5.1.1).
        Assert.Equal(0xCA, Shamir.Inverse(0x53));
        Assert.Equal(0, Shamir.Inverse(0));
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(0, 1)]
    [InlineData(1, 0)]
    [InlineData(3, 0)]
    [InlineData(3, 1)]
    [InlineData(3, 4)]
    [InlineData(256, 2)]
    [InlineData(255, 256)]
    [InlineData(-1, 1)]
    [InlineData(2, -1)]
    public void Split_InvalidShareCounts_Throws(int shares, int threshold)
    {
        Assert.ThrowsAny<ArgumentException>(() => Shamir.Split([1, 2, 3], shares, threshold));
    }

    [Fact]
    public void Split_EmptySecret_Throws()
    {
        Assert.Throws<ArgumentException>(() => Shamir.Split([], 3, 2));
    }

    [Fact]
    public void Combine_InvalidShares_Throw()
    {
        Assert.Throws<ArgumentNullException>(() => Shamir.Combine(null!));
        Assert.Throws<ArgumentException>(() => Shamir.Combine([]));
        Assert.Throws<ArgumentException>(() => Shamir.Combine([(0, [1]), (1, [2])]));
        Assert.Throws<ArgumentException>(() => Shamir.Combine([(1, [1]), (1, [2])]));
        Assert.Throws<ArgumentException>(() => Shamir.Combine([(1, [1]), (2, [2, 3])]));
        Assert.Throws<ArgumentException>(() => Shamir.Combine([(1, []), (2, [])]));
        Assert.Throws<ArgumentException>(() => Shamir.Combine([(1, [1]), (2, null!)]));
    }

    private static int ReferenceMultiply(int a, int b)
    {
        // Carry-less multiplication into 15 bits, then reduction by 0x11B from the top bit down.
        var product = 0;
        for (var i = 0; i < 8; i++)
        {
            if ((b & (1 << i)) != 0)
            {
                product ^= a << i;
            }
        }

        for (var bit = 14; bit >= 8; bit--)
        {
            if ((product & (1 << bit)) != 0)
            {
                product ^= 0x11B << (bit - 8);
            }
        }

        return product;
    }

    private static List<(byte X, byte[] Y)> Points(byte[][] split, IReadOnlyList<int> indices) =>
        indices.Select(i => (split[i][0], split[i][1..])).ToList();

    private static IEnumerable<List<int>> Subsets(int n)
    {
        for (var mask = 1; mask < 1 << n; mask++)
        {
            yield return Enumerable.Range(0, n).Where(i => (mask & (1 << i)) != 0).ToList();
        }
    }

    private static int Binomial(int n, int k)
    {
        BigInteger result = 1;
        for (var i = 0; i < k; i++)
        {
            result = result * (n - i) / (i + 1);
        }

        return (int)result;
    }
}
