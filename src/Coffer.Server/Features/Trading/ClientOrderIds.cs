using System.Security.Cryptography;
using System.Text;

namespace Coffer.Server.Features.Trading;

/// <summary>
/// The client order id of an order Coffer places, derived from the user and the request's idempotency key: the same key
/// always names the same order, so after a crash the order is found again on the exchange by this id. A UUID (RFC 9562
/// version 8, the bits from SHA-256) in its 36-character form fits every exchange's rule: Binance
/// <c>^[a-zA-Z0-9-_]{1,36}$</c>, Kraken <c>cl_ord_id</c> (a UUID, or free text of at most 18 characters), Coinbase
/// <c>client_order_id</c>.
/// </summary>
internal static class ClientOrderIds
{
    public static string For(Guid userId, string idempotencyKey)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"coffer-order\n{userId:N}\n{idempotencyKey}"));
        var bytes = hash.AsSpan(0, 16).ToArray();
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x80);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes, bigEndian: true).ToString("D");
    }
}
