using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Coffer.Cli.Client;

/// <summary>
/// Validates the server's TLS certificate, either against the system trust store or against exactly the certificates of a
/// PEM file (the server's self-signed certificate, or a private CA). Validation is never switched off: the host name must
/// match and the chain must end at a trusted root. The reason of the last rejection is kept for the error message.
/// </summary>
internal sealed class CertificateTrust : IDisposable
{
    // id-kp-serverAuth (RFC 5280 §4.2.1.12): the certificate must be meant for a TLS server.
    private static readonly Oid ServerAuthentication = new("1.3.6.1.5.5.7.3.1");

    private readonly X509Certificate2Collection? _roots;

    private CertificateTrust(string? path, X509Certificate2Collection? roots)
    {
        CaCertificatePath = path;
        _roots = roots;
    }

    /// <summary>The PEM file trusted instead of the system store, if any.</summary>
    public string? CaCertificatePath { get; }

    public TrustFailure? LastFailure { get; private set; }

    public static CertificateTrust System() => new(null, null);

    public static CertificateTrust FromPemFile(string path)
    {
        var roots = new X509Certificate2Collection();
        try
        {
            roots.ImportFromPemFile(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or CryptographicException)
        {
            throw new CliException($"Cannot read the CA certificate '{path}' (COFFER_CACERT or --cacert): {ex.Message}");
        }

        if (roots.Count == 0)
        {
            throw new CliException($"'{path}' (COFFER_CACERT or --cacert) contains no PEM certificate (-----BEGIN CERTIFICATE-----).");
        }

        return new CertificateTrust(path, roots);
    }

    /// <summary>A <see cref="RemoteCertificateValidationCallback"/>.</summary>
    public bool Validate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (certificate is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
        {
            return Reject(TrustFailureKind.NoCertificate, "no certificate");
        }

        // The runtime checked the name against the requested host; a custom root must not excuse a certificate for another host.
        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
        {
            return Reject(TrustFailureKind.NameMismatch, "name mismatch");
        }

        if (_roots is null)
        {
            return errors == SslPolicyErrors.None || Reject(TrustFailureKind.Untrusted, Describe(chain?.ChainStatus));
        }

        return ValidateAgainstRoots(certificate, chain);
    }

    public void Dispose()
    {
        if (_roots is not null)
        {
            foreach (var root in _roots)
            {
                root.Dispose();
            }
        }
    }

    private bool ValidateAgainstRoots(X509Certificate certificate, X509Chain? presented)
    {
        using var leaf = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        using var custom = new X509Chain();
        custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        custom.ChainPolicy.CustomTrustStore.AddRange(_roots!);

        // A self-signed certificate or private CA publishes no CRL or OCSP responder; trust is pinned to the PEM file instead.
        custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        custom.ChainPolicy.ApplicationPolicy.Add(ServerAuthentication);
        if (presented is not null)
        {
            // Intermediates the server sent in the handshake, so a chain leaf → intermediate → trusted root can be built.
            custom.ChainPolicy.ExtraStore.AddRange(presented.ChainPolicy.ExtraStore);
            foreach (var element in presented.ChainElements)
            {
                custom.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }

        return custom.Build(leaf) || Reject(TrustFailureKind.Untrusted, Describe(custom.ChainStatus));
    }

    private bool Reject(TrustFailureKind kind, string reason)
    {
        LastFailure = new TrustFailure(kind, reason);
        return false;
    }

    private static string Describe(X509ChainStatus[]? statuses) =>
        statuses is { Length: > 0 }
            ? string.Join(", ", statuses.Select(status => status.Status.ToString()).Distinct())
            : "chain could not be built";
}

internal enum TrustFailureKind
{
    NoCertificate,
    NameMismatch,
    Untrusted,
}

internal sealed record TrustFailure(TrustFailureKind Kind, string Reason);
