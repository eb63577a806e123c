using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;

namespace Coffer.Web.Tests.Support;

/// <summary>
/// The test's authenticator app: TOTP (RFC 6238) with HMAC-SHA-1, 6 digits, 30-second steps, from the base32 seed the
/// security centre shows. The server accepts a code from one step either side of now, and each step only once, later
/// steps only (a replayed or older step is refused): so every code handed out is for a step after the last one used,
/// waiting for the clock when the window does not reach that far yet.
/// </summary>
internal sealed class Authenticator(byte[] seed)
{
    private const int StepSeconds = 30;
    private long _lastStep = long.MinValue;

    public static Authenticator FromBase32(string seed) => new(Base32Decode(seed));

    /// <summary>A code the server has not seen yet, for a step inside its window (waits up to one step when needed).</summary>
    public async Task<string> NextCodeAsync()
    {
        while (true)
        {
            var now = StepAt(DateTimeOffset.UtcNow);
            var step = Math.Max(now, _lastStep + 1);

            // Step now+1 is inside the window (RFC 6238 §5.2: one step of network delay), so two codes are available at
            // once; a code for now+2 is not accepted, so past that the test waits for the clock.
            if (step <= now + 1)
            {
                _lastStep = step;
                return Code(seed, step);
            }

            var nextBoundary = DateTimeOffset.FromUnixTimeSeconds((now + 1) * StepSeconds);
            var wait = nextBoundary - DateTimeOffset.UtcNow + TimeSpan.FromMilliseconds(250);
            await Task.Delay(wait > TimeSpan.Zero ? wait : TimeSpan.FromMilliseconds(50));
        }
    }

    public static long StepAt(DateTimeOffset time) => time.ToUnixTimeSeconds() / StepSeconds;

    /// <summary>HOTP (RFC 4226 §5.3) of one TOTP step: HMAC-SHA-1 of the big-endian counter, dynamic truncation, 6 digits.</summary>
    public static string Code(byte[] key, long step)
    {
        Span<byte> counter = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(counter, step);
#pragma warning disable CA5350 // RFC 6238's default and what every authenticator app computes; not our choice to make here.
        var mac = HMACSHA1.HashData(key, counter);
#pragma warning restore CA5350
        var offset = mac[^1] & 0x0f;
        var binary = ((mac[offset] & 0x7f) << 24) | (mac[offset + 1] << 16) | (mac[offset + 2] << 8) | mac[offset + 3];
        return (binary % 1_000_000).ToString("D6", CultureInfo.InvariantCulture);
    }

    /// <summary>RFC 4648 §6 base32, case and spaces, dashes and padding ignored (authenticator apps show it grouped).</summary>
    public static byte[] Base32Decode(string text)
    {
        const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        var bytes = new List<byte>();
        int buffer = 0, bits = 0;
        foreach (var c in text.ToUpperInvariant())
        {
            if (c is ' ' or '-' or '=')
            {
                continue;
            }

            var value = Alphabet.IndexOf(c, StringComparison.Ordinal);
            if (value < 0)
            {
                throw new FormatException($"'{c}' is not a base32 character.");
            }

            buffer = (buffer << 5) | value;
            bits += 5;
            if (bits >= 8)
            {
                bits -= 8;
                bytes.Add((byte)((buffer >> bits) & 0xff));
            }
        }

        return [.. bytes];
    }
}
