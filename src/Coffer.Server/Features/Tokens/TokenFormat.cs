using System.Security.Cryptography;
using System.Text;

namespace Coffer.Server.Features.Tokens;

/// <summary>
/// Coffer token strings: <c>cof_&lt;kind&gt;_&lt;random&gt;_&lt;checksum&gt;</c>. The prefix lets secret scanners find leaked
/// tokens; 256 random bits make guessing hopeless; the checksum (first 4 bytes of SHA-256 over everything before it,
/// base62) rejects typos and truncations before any database lookup. Only the SHA-256 of the whole string is stored.
/// </summary>
internal static class TokenFormat
{
    public const string Prefix = "cof_";
    private const string Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private const int RandomBytes = 32;
    private const int RandomChars = 43; // ceil(256 / log2(62))
    private const int ChecksumChars = 6; // 32 bits in base62

    private static readonly string[] KindList = ["trader", "session", "api", "credential", "oauth", "wrap", "grant", "refresh", "code", "client"];
    private static readonly System.Buffers.SearchValues<char> Base62Chars = System.Buffers.SearchValues.Create(Alphabet);

    public static readonly IReadOnlySet<string> Kinds = new HashSet<string>(KindList, StringComparer.Ordinal);

    /// <summary>Mints a new token of <paramref name="kind"/>.</summary>
    public static string Create(string kind)
    {
        if (!Kinds.Contains(kind))
        {
            throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown token kind.");
        }

        Span<byte> random = stackalloc byte[RandomBytes];
        RandomNumberGenerator.Fill(random);
        var body = $"{Prefix}{kind}_{Base62(random, RandomChars)}";
        CryptographicOperations.ZeroMemory(random);
        return $"{body}_{Checksum(body)}";
    }

    /// <summary>A public accessor: random, unrelated to the token, safe to log and show.</summary>
    public static string CreateAccessor()
    {
        Span<byte> random = stackalloc byte[16];
        RandomNumberGenerator.Fill(random);
        return "acc_" + Base62(random, 22);
    }

    /// <summary>
    /// True when <paramref name="token"/> has the shape and a valid checksum; <paramref name="kind"/> is its kind.
    /// Runs on every authenticated request, so it works on spans and allocates nothing but the kind it returns.
    /// </summary>
    public static bool TryParse(string? token, out string kind)
    {
        kind = string.Empty;
        if (token is null || token.Length > 128 || !token.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }

        var afterPrefix = token.AsSpan(Prefix.Length);
        var kindLength = afterPrefix.IndexOf('_');
        if (kindLength <= 0 || KindOf(afterPrefix[..kindLength]) is not { } found)
        {
            return false;
        }

        var rest = afterPrefix[(kindLength + 1)..];
        if (rest.Length != RandomChars + 1 + ChecksumChars || rest[RandomChars] != '_'
            || rest[..RandomChars].ContainsAnyExcept(Base62Chars) || rest[(RandomChars + 1)..].ContainsAnyExcept(Base62Chars))
        {
            return false;
        }

        Span<char> expected = stackalloc char[ChecksumChars];
        Checksum(token.AsSpan(0, token.Length - ChecksumChars - 1), expected);
        if (!CryptographicOperations.FixedTimeEquals(
            System.Runtime.InteropServices.MemoryMarshal.AsBytes(expected),
            System.Runtime.InteropServices.MemoryMarshal.AsBytes(rest[(RandomChars + 1)..])))
        {
            return false;
        }

        kind = found;
        return true;
    }

    /// <summary>What is stored: SHA-256 of the token string. Lookups compare hashes, never tokens.</summary>
    public static byte[] Hash(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));

    private static string Checksum(string body)
    {
        Span<char> checksum = stackalloc char[ChecksumChars];
        Checksum(body, checksum);
        return new string(checksum);
    }

    /// <summary>The first 32 bits of SHA-256 over the ASCII body, as six base62 digits (big-endian, zero-padded).</summary>
    private static void Checksum(ReadOnlySpan<char> body, Span<char> destination)
    {
        Span<byte> ascii = stackalloc byte[128];
        var length = Encoding.ASCII.GetBytes(body, ascii);
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(ascii[..length], hash);
        var value = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(hash);
        for (var i = ChecksumChars - 1; i >= 0; i--)
        {
            destination[i] = Alphabet[(int)(value % 62)];
            value /= 62;
        }
    }

    private static string? KindOf(ReadOnlySpan<char> text)
    {
        foreach (var kind in KindList)
        {
            if (text.SequenceEqual(kind))
            {
                return kind;
            }
        }

        return null;
    }

    /// <summary>Big-endian base62 of <paramref name="bytes"/>, left-padded to <paramref name="length"/> characters.</summary>
    private static string Base62(ReadOnlySpan<byte> bytes, int length)
    {
        var value = new System.Numerics.BigInteger(bytes, isUnsigned: true, isBigEndian: true);
        var chars = new char[length];
        for (var i = length - 1; i >= 0; i--)
        {
            value = System.Numerics.BigInteger.DivRem(value, 62, out var remainder);
            chars[i] = Alphabet[(int)remainder];
        }

        return new string(chars);
    }
}
