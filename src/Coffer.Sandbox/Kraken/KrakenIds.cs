namespace Coffer.Sandbox.Kraken;

/// <summary>
/// Kraken's transaction ids (<c>OQCLML-BW3P3-BUCMWZ</c> for orders, <c>T…</c> for trades): a reversible encoding of the
/// engine's numeric ids, scrambled by an odd multiplier so neighbouring orders do not look alike, with a three-character
/// check so a made-up id is refused as unknown rather than decoded to some other order.
/// </summary>
internal static class KrakenIds
{
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    private const ulong OrderMultiplier = 0x9E3779B97F4A7C15;
    private const ulong TradeMultiplier = 0xC2B2AE3D27D4EB4F;
    private const ulong PositionMultiplier = 0x165667B19E3779F9;

    public static string Order(long id) => Encode('O', (ulong)id, OrderMultiplier);

    public static string Trade(long id) => Encode('T', (ulong)id, TradeMultiplier);

    /// <summary>The <c>postxid</c> of a trade (Kraken's id of the book entry it matched): also a T… id, distinct from the trade's.</summary>
    public static string PostTrade(long id) => Encode('T', (ulong)id, PositionMultiplier);

    public static long? ParseOrder(string txid) => Decode('O', txid, OrderMultiplier);

    public static long? ParseTrade(string txid) => Decode('T', txid, TradeMultiplier);

    private static string Encode(char prefix, ulong id, ulong multiplier)
    {
        var scrambled = unchecked(id * multiplier);
        Span<char> body = stackalloc char[16];
        var check = Check(scrambled, multiplier);
        for (var i = 2; i >= 0; i--)
        {
            body[i] = Alphabet[(int)(check % 36)];
            check /= 36;
        }

        var value = scrambled;
        for (var i = 15; i >= 3; i--)
        {
            body[i] = Alphabet[(int)(value % 36)];
            value /= 36;
        }

        return $"{prefix}{body[..5]}-{body[5..10]}-{body[10..]}";
    }

    private static long? Decode(char prefix, string txid, ulong multiplier)
    {
        if (txid.Length != 19 || txid[0] != prefix || txid[6] != '-' || txid[12] != '-')
        {
            return null;
        }

        var body = string.Concat(txid.AsSpan(1, 5), txid.AsSpan(7, 5), txid.AsSpan(13, 6));
        ulong check = 0;
        ulong value = 0;
        for (var i = 0; i < 16; i++)
        {
            var digit = Alphabet.IndexOf(body[i], StringComparison.Ordinal);
            if (digit < 0)
            {
                return null;
            }

            if (i < 3)
            {
                check = (check * 36) + (ulong)digit;
            }
            else
            {
                // 36^13 exceeds 2^64: an overflowing value was never issued.
                var next = unchecked((value * 36) + (ulong)digit);
                if (value > (ulong.MaxValue - (ulong)digit) / 36)
                {
                    return null;
                }

                value = next;
            }
        }

        if (check != Check(value, multiplier))
        {
            return null;
        }

        var id = unchecked(value * Inverse(multiplier));
        return id <= long.MaxValue ? (long)id : null;
    }

    private static ulong Check(ulong scrambled, ulong multiplier) => unchecked((scrambled ^ (scrambled >> 29)) * multiplier >> 40) % (36 * 36 * 36);

    /// <summary>The multiplicative inverse modulo 2^64 of an odd number (Newton's iteration doubles the correct bits each step).</summary>
    private static ulong Inverse(ulong odd)
    {
        var inverse = odd;
        for (var i = 0; i < 5; i++)
        {
            inverse = unchecked(inverse * (2 - (odd * inverse)));
        }

        return inverse;
    }
}
