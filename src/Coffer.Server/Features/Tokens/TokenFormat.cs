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

    public static readonly IReadOnlySet<string> Kinds = new HashSet<string>(StringComparer.Ordinal) { "trader", "session", "api", "credential", "oauth", "wrap" };

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

    /// <summary>True when <paramref name="token"/> has the shape and a valid checksum; <paramref name="kind"/> is its kind.</summary>
    public static bool TryParse(string? token, out string kind)
    {
        kind = string.Empty;
        if (token is null || token.Length > 128 || !token.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }

        var parts = token.Split('_');
        if (parts.Length != 4 || !Kinds.Contains(parts[1]) || parts[2].Length != RandomChars || parts[3].Length != ChecksumChars
            || !parts[2].All(IsBase62) || !parts[3].All(IsBase62))
        {
            return false;
        }

        var body = token[..^(ChecksumChars + 1)];
        if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Checksum(body)), Encoding.ASCII.GetBytes(parts[3])))
        {
            return false;
        }

        kind = parts[1];
        return true;
    }

    /// <summary>What is stored: SHA-256 of the token string. Lookups compare hashes, never tokens.</summary>
    public static byte[] Hash(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));

    private static string Checksum(string body)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.ASCII.GetBytes(body), hash);
        return Base62(hash[..4], ChecksumChars);
    }

    private static bool IsBase62(char c) => char.IsAsciiLetterOrDigit(c);

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
