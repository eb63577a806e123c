using System.Globalization;
using Coffer.Server.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Coffer.Server.Features.OAuth;

/// <summary>
/// The authorization server's issuer identifier (RFC 8414 §2): COFFER_PUBLIC_URL when set, the address people and
/// clients reach Coffer at; otherwise <c>https://localhost:PORT</c> of the port the server listens on. Never taken from
/// the request's Host header, which the client chooses (a mix-up attacker could otherwise make Coffer name another issuer).
/// </summary>
internal sealed class OAuthIssuer(ServerSettings settings, IServer server)
{
    private string? _value;

    public string Value => _value ??= Resolve();

    /// <summary>An absolute URL on the issuer, e.g. <c>/oauth/token</c>.</summary>
    public string Url(string path) => Value + path;

    private string Resolve()
    {
        if (settings.PublicUrl is { } configured)
        {
            return configured;
        }

        var port = ListenEndpoint.Parse(settings.Listen).Port;
        if (port == 0 && server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() is { } bound
            && Uri.TryCreate(bound, UriKind.Absolute, out var address))
        {
            port = address.Port;
        }

        return port == 443 ? "https://localhost" : string.Create(CultureInfo.InvariantCulture, $"https://localhost:{port}");
    }
}
