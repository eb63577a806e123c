using System.Globalization;
using Coffer.Server.Hosting;

namespace Coffer.Server.Features.Identity;

/// <summary>
/// Who Coffer is to an authenticator (W3C WebAuthn Level 3 §5.1.2, §7.1): the relying party id every passkey is scoped
/// to, and the exact origins a ceremony's client data may name. Both come from settings, never from the request: the
/// Host and Origin headers are the client's to choose, while the origin inside the client data is signed by the
/// authenticator, so checking it against configuration is what stops a phishing site from relaying a ceremony.
/// </summary>
internal sealed record PasskeyRelyingParty(string RpId, IReadOnlySet<string> Origins)
{
    /// <summary>Resolves and checks the settings; a mistake fails at start with the variable's name.</summary>
    public static PasskeyRelyingParty From(ServerSettings settings)
    {
        var origins = new HashSet<string>(StringComparer.Ordinal);
        var configured = settings.PasskeyOrigins.Count > 0 ? settings.PasskeyOrigins : [DefaultOrigin(settings.Listen)];
        foreach (var entry in configured)
        {
            origins.Add(Normalize(entry) ?? throw new SettingsException($"COFFER_PASSKEY_ORIGINS must list origins such as https://coffer.example.com (scheme, host and optional port, no path), not '{entry}'."));
        }

        var rpId = settings.PasskeyRpId ?? new Uri(origins.First()).IdnHost;
        if (rpId.Length == 0 || Uri.CheckHostName(rpId) != UriHostNameType.Dns)
        {
            throw new SettingsException($"COFFER_PASSKEY_RP_ID must be a domain name such as coffer.example.com (WebAuthn does not allow IP addresses), not '{rpId}'.");
        }

        foreach (var origin in origins)
        {
            // WebAuthn §5.1.2: the RP ID must equal the origin's effective domain or be a registrable suffix of it.
            var host = new Uri(origin).IdnHost;
            if (host != rpId && !host.EndsWith("." + rpId, StringComparison.Ordinal))
            {
                throw new SettingsException($"The passkey origin {origin} is not on the relying party id {rpId} (COFFER_PASSKEY_RP_ID): its host must be {rpId} or end in .{rpId}.");
            }
        }

        return new PasskeyRelyingParty(rpId, origins);
    }

    /// <summary>True when <paramref name="origin"/> (from the signed client data) is one of the configured origins.</summary>
    public bool Allows(string? origin, bool crossOrigin) => !crossOrigin && Normalize(origin) is { } normalized && Origins.Contains(normalized);

    /// <summary>"HTTPS://Coffer.Example.com:443" → "https://coffer.example.com"; anything but a bare https origin → null.</summary>
    internal static string? Normalize(string? origin)
    {
        if (origin is null || !Uri.TryCreate(origin.Trim(), UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttps
            || uri.PathAndQuery != "/" || uri.Fragment.Length > 0 || uri.UserInfo.Length > 0 || origin.TrimEnd().EndsWith('/'))
        {
            return null;
        }

        return uri.IsDefaultPort ? $"https://{uri.IdnHost}" : string.Create(CultureInfo.InvariantCulture, $"https://{uri.IdnHost}:{uri.Port}");
    }

    private static string DefaultOrigin(string listen)
    {
        var port = ListenEndpoint.Parse(listen).Port;
        return port == 443 ? "https://localhost" : string.Create(CultureInfo.InvariantCulture, $"https://localhost:{port}");
    }
}
