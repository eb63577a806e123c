using Coffer.Server.Hosting;

namespace Coffer.Cli.Client;

/// <summary>Where the server is, which certificate to trust for it and which token to present, resolved before any request.</summary>
/// <param name="CertificateHint">Where the server's generated certificate probably is, for error messages.</param>
internal sealed record ClientSettings(Uri Address, string? CaCertificatePath, string? Token, string CertificateHint)
{
    public const string DefaultAddress = "https://127.0.0.1:8443";

    /// <summary>The address as the user would write it, for messages.</summary>
    public string DisplayAddress => Address.AbsoluteUri.TrimEnd('/');

    /// <summary>Options win over <c>COFFER_ADDR</c>/<c>COFFER_CACERT</c>, which win over defaults; the token comes only from <c>COFFER_TOKEN</c>.</summary>
    public static ClientSettings Resolve(string? addressOption, string? caCertificateOption, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var address = ParseAddress(NonEmpty(addressOption) ?? NonEmpty(environment("COFFER_ADDR")) ?? DefaultAddress);
        var caCertificate = NonEmpty(caCertificateOption) ?? NonEmpty(environment("COFFER_CACERT"));
        return new ClientSettings(address, caCertificate, NonEmpty(environment("COFFER_TOKEN")), CertificateHintFor(environment));
    }

    private static Uri ParseAddress(string value)
    {
        // "127.0.0.1:8443" is how the server's --listen is written; accept it here too.
        var withScheme = value.Contains("://", StringComparison.Ordinal) ? value : "https://" + value;
        if (!Uri.TryCreate(withScheme, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host))
        {
            throw new CliException($"The server address must be a URL such as {DefaultAddress}, not '{value}' (check COFFER_ADDR or --addr).");
        }

        // Tokens and unseal shares must never cross the network in clear, and the server only speaks HTTPS anyway.
        if (uri.Scheme != Uri.UriSchemeHttps)
        {
            throw new CliException($"The server address must use https:// (Coffer serves HTTPS only), not '{value}' (check COFFER_ADDR or --addr).");
        }

        if (!string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment))
        {
            throw new CliException($"The server address cannot have a query or fragment: '{value}' (check COFFER_ADDR or --addr).");
        }

        // A trailing slash makes relative API paths resolve under a path prefix (a server behind a reverse proxy).
        return uri.AbsolutePath.EndsWith('/') ? uri : new Uri(uri.AbsoluteUri + "/");
    }

    private static string CertificateHintFor(Func<string, string?> environment)
    {
        // The same resolution the server uses, so the hint names the file it actually wrote when both share an environment.
        try
        {
            return SettingsResolver.Resolve(data: null, listen: null, dev: false, environment).GeneratedCertificatePath;
        }
        catch (SettingsException)
        {
            return Path.Combine("<data>", "tls", "coffer.crt");
        }
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
