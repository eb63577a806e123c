using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Coffer.Server.Features.Identity;

/// <summary>
/// HOTP (RFC 4226) and TOTP (RFC 6238), written out here rather than taken from a library so that every step is
/// visible and tested against the RFCs' own tables (shared/conformance/vectors/rfc.json). Coffer's authenticator
/// codes are TOTP with HMAC-SHA-1, 6 digits and 30-second steps from T0 = 0: what every authenticator app speaks.
/// </summary>
internal static class Totp
{
    /// <summary>X in RFC 6238 §4.1: the time step in seconds (ASVS 6.5.5: a TOTP lives at most 30 seconds).</summary>
    public const int StepSeconds = 30;

    public const int Digits = 6;

    /// <summary>Steps accepted either side of now: "at most one time step is allowed as the network delay" (RFC 6238 §5.2).</summary>
    public const int Window = 1;

    /// <summary>Seed length: 160 bits, as RFC 4226 §4 (R6) recommends; NIST SP 800-63B-4 asks for at least 112.</summary>
    public const int SeedBytes = 20;

    private const string Base32Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

    /// <summary>T = floor((unix time − T0) / X) (RFC 6238 §4.2), 64-bit so that 2038 is no limit.</summary>
    public static long StepAt(DateTimeOffset time)
    {
        var seconds = time.ToUnixTimeSeconds();
        return seconds >= 0 ? seconds / StepSeconds : ((seconds + 1) / StepSeconds) - 1;
    }

    /// <summary>The counter as HOTP hashes it: 8 bytes, big-endian (RFC 4226 §5.2).</summary>
    public static byte[] Counter(long counter)
    {
        var bytes = new byte[8];
        BinaryPrimitives.WriteInt64BigEndian(bytes, counter);
        return bytes;
    }

    /// <summary>HMAC of the counter under <paramref name="key"/> with the given hash (RFC 4226 §5.3 step 1; RFC 6238 §1.2 adds SHA-256/512).</summary>
    public static byte[] Hmac(ReadOnlySpan<byte> key, long counter, HashAlgorithmName algorithm)
    {
        var message = Counter(counter);
#pragma warning disable CA5350 // HMAC-SHA-1 is RFC 4226/6238's default and what authenticator apps use.
        return algorithm.Name switch
        {
            "SHA1" => HMACSHA1.HashData(key, message),
            "SHA256" => HMACSHA256.HashData(key, message),
            "SHA512" => HMACSHA512.HashData(key, message),
            _ => throw new ArgumentOutOfRangeException(nameof(algorithm), algorithm.Name, "TOTP uses SHA1, SHA256 or SHA512."),
        };
#pragma warning restore CA5350
    }

    /// <summary>
    /// Dynamic truncation (RFC 4226 §5.3 steps 2–3 and Appendix C): the low 4 bits of the last byte pick an offset, the
    /// 4 bytes there with the top bit masked off form a 31-bit number, taken mod 10^digits and left-padded with zeros.
    /// </summary>
    public static string Truncate(ReadOnlySpan<byte> hmac, int digits)
    {
        var offset = hmac[^1] & 0x0f;
        var binary = BinaryPrimitives.ReadInt32BigEndian(hmac.Slice(offset, 4)) & 0x7fffffff;
        var modulus = 1;
        for (var i = 0; i < digits; i++)
        {
            modulus *= 10;
        }

        return (binary % modulus).ToString(System.Globalization.CultureInfo.InvariantCulture).PadLeft(digits, '0');
    }

    /// <summary>HOTP(K, C) (RFC 4226 §5.3).</summary>
    public static string Hotp(ReadOnlySpan<byte> key, long counter, int digits = Digits, HashAlgorithmName? algorithm = null) =>
        Truncate(Hmac(key, counter, algorithm ?? HashAlgorithmName.SHA1), digits);

    /// <summary>TOTP(K, time) = HOTP(K, T) (RFC 6238 §4.2).</summary>
    public static string Compute(ReadOnlySpan<byte> key, DateTimeOffset time, int digits = Digits, HashAlgorithmName? algorithm = null) =>
        Hotp(key, StepAt(time), digits, algorithm);

    /// <summary>Whether <paramref name="code"/> is six ASCII digits: anything else is refused before any HMAC is computed.</summary>
    public static bool IsWellFormed(string? code) => code is { Length: Digits } && code.All(char.IsAsciiDigit);

    /// <summary>Compares two codes in constant time (the comparison must not tell how many leading digits matched).</summary>
    public static bool CodesEqual(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(a), Encoding.ASCII.GetBytes(b));

    /// <summary>RFC 4648 base32 without padding, as otpauth:// URIs carry the seed.</summary>
    public static string Base32(ReadOnlySpan<byte> bytes)
    {
        var text = new StringBuilder((bytes.Length * 8 + 4) / 5);
        int buffer = 0, bits = 0;
        foreach (var b in bytes)
        {
            buffer = (buffer << 8) | b;
            bits += 8;
            while (bits >= 5)
            {
                text.Append(Base32Alphabet[(buffer >> (bits - 5)) & 31]);
                bits -= 5;
            }
        }

        if (bits > 0)
        {
            text.Append(Base32Alphabet[(buffer << (5 - bits)) & 31]);
        }

        return text.ToString();
    }

    /// <summary>Decodes RFC 4648 base32 (case-insensitive, padding and spaces ignored); null if it is not base32.</summary>
    public static byte[]? FromBase32(string text)
    {
        var output = new List<byte>(text.Length * 5 / 8);
        int buffer = 0, bits = 0;
        foreach (var c in text)
        {
            if (c is '=' or ' ')
            {
                continue;
            }

            var value = Base32Alphabet.IndexOf(char.ToUpperInvariant(c), StringComparison.Ordinal);
            if (value < 0)
            {
                return null;
            }

            buffer = (buffer << 5) | value;
            bits += 5;
            if (bits >= 8)
            {
                output.Add((byte)(buffer >> (bits - 8)));
                bits -= 8;
            }
        }

        return [.. output];
    }

    /// <summary>
    /// The Key URI authenticator apps scan (Google Authenticator's otpauth:// format): label "Issuer:account", the seed in
    /// base32, and the parameters spelled out although they are the defaults.
    /// </summary>
    public static string OtpAuthUri(string issuer, string account, ReadOnlySpan<byte> seed) =>
        $"otpauth://totp/{Uri.EscapeDataString(issuer)}:{Uri.EscapeDataString(account)}?secret={Base32(seed)}&issuer={Uri.EscapeDataString(issuer)}&algorithm=SHA1&digits={Digits}&period={StepSeconds}";
}
