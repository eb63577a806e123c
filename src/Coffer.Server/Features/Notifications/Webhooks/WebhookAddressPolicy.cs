using System.Net;
using System.Net.Sockets;

namespace Coffer.Server.Features.Notifications.Webhooks;

/// <summary>
/// Which webhook URLs and addresses Coffer may send to. A webhook URL is chosen by a user but requested by the server,
/// so without this a user could make Coffer reach what only Coffer can reach: loopback services, the private network,
/// cloud metadata at 169.254.169.254 (server-side request forgery, OWASP SSRF Prevention Cheat Sheet). Only https, only
/// public unicast addresses; the check runs when a channel is created and again at connect time, against the address
/// actually connected to, so a name that later resolves elsewhere (DNS rebinding) gains nothing.
/// <c>COFFER_WEBHOOKS_ALLOW_HTTP_LOOPBACK=1</c> additionally allows loopback addresses, over http too (tests, local tools).
/// </summary>
internal sealed class WebhookAddressPolicy(bool allowLoopback)
{
    public const int MaxUrlLength = 2048;

    public bool AllowLoopback { get; } = allowLoopback;

    /// <summary>Checks the shape of a URL (no resolution). Returns the reason it is refused, or null.</summary>
    public string? CheckUrl(string? url, out Uri? uri)
    {
        uri = null;
        if (string.IsNullOrWhiteSpace(url) || url.Length > MaxUrlLength || !Uri.TryCreate(url, UriKind.Absolute, out var parsed))
        {
            return $"The webhook URL must be an absolute https URL of at most {MaxUrlLength} characters.";
        }

        if (parsed.Scheme != Uri.UriSchemeHttps && !(parsed.Scheme == Uri.UriSchemeHttp && AllowLoopback))
        {
            return "Webhook URLs must use https.";
        }

        if (!string.IsNullOrEmpty(parsed.UserInfo))
        {
            return "A webhook URL must not carry a user name or password; requests are authenticated by their signature.";
        }

        if (!string.IsNullOrEmpty(parsed.Fragment))
        {
            return "A webhook URL must not have a fragment (#...).";
        }

        if (parsed.HostNameType is not (UriHostNameType.Dns or UriHostNameType.IPv4 or UriHostNameType.IPv6))
        {
            return "The webhook URL's host must be a host name or an IP address.";
        }

        uri = parsed;
        return null;
    }

    /// <summary>Whether an address may be connected to over <paramref name="scheme"/>.</summary>
    public bool IsAllowed(IPAddress address, string scheme)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (IPAddress.IsLoopback(address))
        {
            return AllowLoopback;
        }

        return scheme == Uri.UriSchemeHttps && IsPublic(address);
    }

    /// <summary>Resolves the URL's host and checks every address it resolves to. Returns the reason it is refused, or null.</summary>
    public async Task<string?> CheckResolvedAsync(Uri uri, CancellationToken cancellationToken)
    {
        IPAddress[] addresses;
        try
        {
            var host = uri.IdnHost.Trim('[', ']');
            addresses = IPAddress.TryParse(host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, cancellationToken);
        }
        catch (SocketException)
        {
            return $"The webhook host '{uri.Host}' does not resolve.";
        }

        if (addresses.Length == 0)
        {
            return $"The webhook host '{uri.Host}' does not resolve.";
        }

        return addresses.All(a => IsAllowed(a, uri.Scheme))
            ? null
            : uri.Scheme == Uri.UriSchemeHttp
                ? "Plain http webhooks may only go to loopback addresses."
                : "The webhook URL points at a loopback, private, link-local or otherwise reserved address; Coffer only sends webhooks to public addresses.";
    }

    /// <summary>Public unicast: not loopback, private (RFC 1918, RFC 4193), link-local, CGNAT, documentation, multicast or reserved.</summary>
    internal static bool IsPublic(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        Span<byte> b = stackalloc byte[16];
        if (!address.TryWriteBytes(b, out var length))
        {
            return false;
        }

        if (length == 4)
        {
            return !(b[0] == 0                                  // 0.0.0.0/8 "this network"
                || b[0] == 10                                   // 10/8 RFC 1918
                || (b[0] == 100 && (b[1] & 0xC0) == 64)         // 100.64/10 RFC 6598 shared (CGNAT)
                || b[0] == 127                                  // loopback
                || (b[0] == 169 && b[1] == 254)                 // link-local, cloud metadata
                || (b[0] == 172 && (b[1] & 0xF0) == 16)         // 172.16/12 RFC 1918
                || (b[0] == 192 && b[1] == 0 && b[2] == 0)      // 192.0.0/24 IETF protocol assignments
                || (b[0] == 192 && b[1] == 0 && b[2] == 2)      // TEST-NET-1
                || (b[0] == 192 && b[1] == 88 && b[2] == 99)    // 6to4 relay anycast
                || (b[0] == 192 && b[1] == 168)                 // 192.168/16 RFC 1918
                || (b[0] == 198 && (b[1] & 0xFE) == 18)         // 198.18/15 benchmarking
                || (b[0] == 198 && b[1] == 51 && b[2] == 100)   // TEST-NET-2
                || (b[0] == 203 && b[1] == 0 && b[2] == 113)    // TEST-NET-3
                || b[0] >= 224);                                // multicast, reserved, broadcast
        }

        // IPv6: only global unicast 2000::/3, minus the ranges inside it that are not really public or that embed an
        // IPv4 address the checks above would have to see (6to4, Teredo, NAT64 live elsewhere or are refused here).
        if ((b[0] & 0xE0) != 0x20)
        {
            return false; // ::, ::1, fc00::/7 ULA, fe80::/10 link-local, ff00::/8 multicast, 64:ff9b::/96 NAT64 …
        }

        return !((b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d && b[3] == 0xb8)   // 2001:db8::/32 documentation
            || (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0 && b[3] == 0)           // 2001::/32 Teredo
            || (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0 && (b[3] & 0xF0) == 0x10) // 2001:10::/28 ORCHID
            || (b[0] == 0x20 && b[1] == 0x02));                                   // 2002::/16 6to4
    }
}

/// <summary>The connect-time check refused every address the webhook host resolved to.</summary>
internal sealed class WebhookAddressRefusedException(string message) : Exception(message);
