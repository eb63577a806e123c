using System.Net;
using System.Net.Sockets;

namespace Coffer.Server.Features.Anomalies;

/// <summary>The rules' stable names: metric labels, audit actions (<c>anomaly.&lt;name&gt;</c>) and notification details.</summary>
internal static class AnomalyRules
{
    public const string NewIpRange = "new_ip_range";
    public const string AuthFailureBurst = "auth_failure_burst";
    public const string RateSpike = "rate_spike";
}

/// <summary>
/// One rule that fired. <paramref name="Subject"/> is what the cool-down is kept for (a token, a token and route, an
/// account, an address); <paramref name="UserId"/> is whom it concerns, null for an address nobody is known by.
/// Facts are the numbers and names for the audit record and the notification: never a token value.
/// </summary>
internal sealed record AnomalyFinding(
    string Rule,
    string Subject,
    Guid? UserId,
    string? Accessor,
    string? ClientIp,
    string Summary,
    IReadOnlyList<KeyValuePair<string, string>> Facts);

/// <summary>The client IP range a token is judged by: an IPv4 /24 or an IPv6 /48 (a typical site's allocation).</summary>
internal static class IpRange
{
    public static string? Of(IPAddress? address)
    {
        if (address is null)
        {
            return null;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        var prefix = address.AddressFamily == AddressFamily.InterNetwork ? 24 : 48;
        var bytes = address.GetAddressBytes();
        for (var bit = prefix; bit < bytes.Length * 8; bit++)
        {
            bytes[bit / 8] &= (byte)~(0x80 >> (bit % 8));
        }

        return $"{new IPAddress(bytes)}/{prefix}";
    }

    /// <summary>The address as audit records write it (IPv4-mapped IPv6 as plain IPv4).</summary>
    public static string? Text(IPAddress? address) =>
        address is null ? null : (address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address).ToString();
}
