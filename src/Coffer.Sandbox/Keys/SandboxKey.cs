using System.Net;

namespace Coffer.Sandbox.Keys;

/// <summary>An API key the sandbox issued (or imported for a known-answer test), bound to one engine account.</summary>
internal sealed record SandboxKey(
    SandboxExchange Exchange,
    string ApiKey,
    string Secret,
    string Account,
    KeyPermissions Permissions,
    IReadOnlyList<IPAddress> IpAllowlist,
    DateTimeOffset CreatedAt)
{
    public bool Can(KeyPermissions permission) => (Permissions & permission) == permission;

    public bool AllowsAddress(IPAddress? remote)
    {
        if (IpAllowlist.Count == 0)
        {
            return true;
        }

        if (remote is null)
        {
            return false;
        }

        var address = remote.IsIPv4MappedToIPv6 ? remote.MapToIPv4() : remote;
        return IpAllowlist.Any(allowed => allowed.Equals(address));
    }
}
