using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Coffer.Sandbox.Engine;

namespace Coffer.Sandbox.Coinbase;

/// <summary>
/// Coinbase's identifiers: products <c>BASE-QUOTE</c>; orders, trades, accounts and portfolios as UUIDs. Order and trade
/// UUIDs carry the engine's number in their last 62 bits behind a hashed prefix, so they read back without a table and a
/// made-up UUID is simply not found.
/// </summary>
internal sealed class CoinbaseIds(MatchingEngine engine)
{
    private readonly Dictionary<string, Market> _byProduct = engine.Markets.ToDictionary(ProductId, StringComparer.Ordinal);

    public static string ProductId(Market market) => market.Base + "-" + market.Quote;

    public static string ProductId(string unified) => unified.Replace('/', '-');

    /// <summary>Case-sensitive: product ids are upper case on the wire.</summary>
    public Market? FindProduct(string productId) => _byProduct.GetValueOrDefault(productId);

    public static string OrderId(long id) => Encode("order", id);

    public static long? ParseOrderId(string text) => Decode("order", text);

    public static string TradeId(long id) => Encode("trade", id);

    public static string Named(string kind, string name)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(kind + ":" + name));
        hash[6] = (byte)((hash[6] & 0x0F) | 0x40);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return Format(hash.AsSpan(0, 16));
    }

    private static string Encode(string kind, long id)
    {
        Span<byte> bytes = stackalloc byte[16];
        SHA256.HashData(Encoding.UTF8.GetBytes(kind + ":" + id.ToString(CultureInfo.InvariantCulture))).AsSpan(0, 8).CopyTo(bytes);
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x40);
        var tail = (ulong)id | 0x8000_0000_0000_0000UL;
        for (var i = 0; i < 8; i++)
        {
            bytes[15 - i] = (byte)(tail >> (8 * i));
        }

        return Format(bytes);
    }

    private static long? Decode(string kind, string text)
    {
        if (text.Length != 36 || !Guid.TryParseExact(text, "D", out _))
        {
            return null;
        }

        var hex = text.Replace("-", "", StringComparison.Ordinal);
        if (!ulong.TryParse(hex.AsSpan(16), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var tail) || (tail >> 62) != 2)
        {
            return null;
        }

        var id = (long)(tail & 0x3FFF_FFFF_FFFF_FFFFUL);
        return string.Equals(Encode(kind, id), text, StringComparison.Ordinal) ? id : null;
    }

    private static string Format(ReadOnlySpan<byte> bytes)
    {
        var hex = Convert.ToHexStringLower(bytes);
        return $"{hex[..8]}-{hex[8..12]}-{hex[12..16]}-{hex[16..20]}-{hex[20..32]}";
    }
}
