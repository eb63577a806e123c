using System.Text;

namespace Coffer.Server.Tests.Identity.Passkeys;

/// <summary>
/// Just enough CBOR (RFC 8949) for a software authenticator: unsigned and negative integers, byte and text strings,
/// maps, in the deterministic encoding of §4.2.1 (shortest heads; map entries in the caller's order).
/// </summary>
internal static class Cbor
{
    public static byte[] Unsigned(ulong value) => Head(0, value);

    public static byte[] Integer(long value) => value >= 0 ? Head(0, (ulong)value) : Head(1, (ulong)(-1 - value));

    public static byte[] Bytes(ReadOnlySpan<byte> value) => [.. Head(2, (ulong)value.Length), .. value];

    public static byte[] Text(string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        return [.. Head(3, (ulong)bytes.Length), .. bytes];
    }

    /// <summary>A map of already-encoded keys and values.</summary>
    public static byte[] Map(params (byte[] Key, byte[] Value)[] entries)
    {
        var output = new List<byte>(Head(5, (ulong)entries.Length));
        foreach (var (key, value) in entries)
        {
            output.AddRange(key);
            output.AddRange(value);
        }

        return [.. output];
    }

    /// <summary>The initial byte (major type and argument) and the argument's following bytes, big-endian (§3).</summary>
    private static byte[] Head(int major, ulong argument)
    {
        var type = (byte)(major << 5);
        return argument switch
        {
            < 24 => [(byte)(type | (byte)argument)],
            <= byte.MaxValue => [(byte)(type | 24), (byte)argument],
            <= ushort.MaxValue => [(byte)(type | 25), (byte)(argument >> 8), (byte)argument],
            <= uint.MaxValue => [(byte)(type | 26), (byte)(argument >> 24), (byte)(argument >> 16), (byte)(argument >> 8), (byte)argument],
            _ => [(byte)(type | 27), .. BitConverter.IsLittleEndian ? BitConverter.GetBytes(argument).Reverse() : BitConverter.GetBytes(argument)],
        };
    }
}
