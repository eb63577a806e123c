using System.Security.Cryptography;

namespace Coffer.Vault.Crypto;

/// <summary>
/// Shamir secret sharing (Shamir, "How to Share a Secret", CACM 1979) applied byte by byte over GF(2^8) with the AES
/// reduction polynomial x^8 + x^4 + x^3 + x + 1 (FIPS-197 §4.2). Each byte of the secret is the constant term of its
/// own random polynomial of degree threshold-1; share i holds the value of every polynomial at x = i.
/// </summary>
/// <remarks>
/// Field arithmetic runs in constant time: multiplication is a fixed eight-step shift-and-add loop driven by masks,
/// and inversion is a fixed chain of multiplications. Log/exp tables would be faster, but they index memory by
/// secret bytes, and the cache lines touched can leak those bytes to another process on the same machine.
/// </remarks>
internal static class Shamir
{
    /// <summary>x coordinates are the non-zero field elements, so there can be at most 255 shares.</summary>
    public const int MaxShares = 255;

    /// <summary>
    /// Splits <paramref name="secret"/> into <paramref name="shares"/> shares, any <paramref name="threshold"/> of
    /// which recover it.
    /// </summary>
    /// <returns>
    /// One array per share: byte 0 is the x coordinate (1..shares), the rest are the y bytes, as long as the secret.
    /// The caller owns the arrays and must zero them.
    /// </returns>
    /// <exception cref="ArgumentException">The secret is empty or the share counts are out of range.</exception>
    public static byte[][] Split(ReadOnlySpan<byte> secret, int shares, int threshold)
    {
        if (secret.IsEmpty)
        {
            throw new ArgumentException("The secret to split must not be empty.", nameof(secret));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(shares, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(shares, MaxShares);
        ArgumentOutOfRangeException.ThrowIfLessThan(threshold, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(threshold, shares);

        // A threshold of one with several shares would make every share a plain copy of the secret.
        if (shares > 1 && threshold < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(threshold), threshold, "With more than one share the threshold must be at least 2.");
        }

        var length = secret.Length;

        // Coefficient j (1..threshold-1) of the polynomial for secret byte b is at [(j - 1) * length + b]. Uniformly random
        // coefficients, the top one included, are what make any threshold-1 shares independent of the secret.
        var coefficients = new byte[(threshold - 1) * length];
        var result = new byte[shares][];
        try
        {
            RandomNumberGenerator.Fill(coefficients);
            for (var s = 0; s < shares; s++)
            {
                var x = (byte)(s + 1);
                var share = new byte[1 + length];
                share[0] = x;
                for (var b = 0; b < length; b++)
                {
                    // Horner's rule from the highest coefficient down to the constant term, the secret byte.
                    byte y = 0;
                    for (var j = threshold - 1; j >= 1; j--)
                    {
                        y = (byte)(Multiply(y, x) ^ coefficients[(j - 1) * length + b]);
                    }

                    share[1 + b] = (byte)(Multiply(y, x) ^ secret[b]);
                }

                result[s] = share;
            }
        }
        catch
        {
            foreach (var share in result)
            {
                if (share is not null)
                {
                    CryptographicOperations.ZeroMemory(share);
                }
            }

            throw;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(coefficients);
        }

        return result;
    }

    /// <summary>
    /// Recovers the secret from shares by Lagrange interpolation at x = 0. Given fewer shares than the threshold the
    /// result is unrelated to the secret; more than the threshold give the same secret.
    /// </summary>
    /// <returns>The secret. The caller owns it and must zero it.</returns>
    /// <exception cref="ArgumentException">No shares, a zero or repeated x, or y arrays of different or zero length.</exception>
    public static byte[] Combine(IReadOnlyList<(byte X, byte[] Y)> shares)
    {
        ArgumentNullException.ThrowIfNull(shares);
        if (shares.Count == 0)
        {
            throw new ArgumentException("At least one share is needed.", nameof(shares));
        }

        var length = shares[0].Y?.Length ?? 0;
        if (length == 0)
        {
            throw new ArgumentException("Shares must carry at least one y byte.", nameof(shares));
        }

        Span<bool> seen = stackalloc bool[256];
        seen.Clear();
        foreach (var (x, y) in shares)
        {
            if (y is null || y.Length != length)
            {
                throw new ArgumentException("All shares must carry the same number of y bytes.", nameof(shares));
            }

            // x = 0 would be the secret itself, and a repeated x makes the interpolation undefined.
            if (x == 0)
            {
                throw new ArgumentException("A share's x coordinate must not be zero.", nameof(shares));
            }

            if (seen[x])
            {
                throw new ArgumentException("Each share's x coordinate must be distinct.", nameof(shares));
            }

            seen[x] = true;
        }

        var secret = new byte[length];
        for (var i = 0; i < shares.Count; i++)
        {
            // Lagrange basis polynomial at 0: l_i(0) = prod_{j != i} (0 - x_j) / (x_i - x_j). In characteristic 2
            // subtraction is XOR, so this is prod x_j / (x_i ^ x_j).
            var xi = shares[i].X;
            byte numerator = 1;
            byte denominator = 1;
            for (var j = 0; j < shares.Count; j++)
            {
                if (j != i)
                {
                    var xj = shares[j].X;
                    numerator = Multiply(numerator, xj);
                    denominator = Multiply(denominator, (byte)(xi ^ xj));
                }
            }

            var basis = Multiply(numerator, Inverse(denominator));
            var y = shares[i].Y;
            for (var b = 0; b < length; b++)
            {
                secret[b] ^= Multiply(basis, y[b]);
            }
        }

        return secret;
    }

    /// <summary>Multiplication in GF(2^8) modulo x^8 + x^4 + x^3 + x + 1, in constant time.</summary>
    internal static byte Multiply(byte a, byte b)
    {
        int product = 0;
        int multiplicand = a;
        int multiplier = b;
        for (var i = 0; i < 8; i++)
        {
            // Add (XOR) the multiplicand when the current bit of the multiplier is set: -(bit) is all ones or zero.
            product ^= multiplicand & -(multiplier & 1);

            // xtime (FIPS-197 §4.2.1): multiply by x, and when the x^8 term appears reduce by the polynomial, whose low
            // byte is 0x1B; the high bit selects the reduction by mask rather than by branch.
            multiplicand = ((multiplicand << 1) ^ (0x1B & -(multiplicand >> 7))) & 0xFF;
            multiplier >>= 1;
        }

        return (byte)product;
    }

    /// <summary>
    /// Multiplicative inverse in GF(2^8) as a^254: the non-zero elements form a group of order 255, so a^255 = 1 and
    /// a^254 = a^-1. Zero maps to zero. The exponent is fixed, so the sequence of operations never depends on a.
    /// </summary>
    internal static byte Inverse(byte a)
    {
        // 254 = 2 + 4 + 8 + 16 + 32 + 64 + 128: multiply together a^2, a^4, ..., a^128 obtained by repeated squaring.
        var power = a;
        byte result = 1;
        for (var i = 0; i < 7; i++)
        {
            power = Multiply(power, power);
            result = Multiply(result, power);
        }

        return result;
    }
}
