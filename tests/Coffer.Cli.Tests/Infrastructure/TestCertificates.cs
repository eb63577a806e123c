using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Coffer.Cli.Tests.Infrastructure;

internal static class TestCertificates
{
    /// <summary>A throwaway self-signed ECDSA P-256 TLS server certificate, shaped like the one the server generates.</summary>
    public static X509Certificate2 CreateSelfSigned(string? dnsName = null, IPAddress? ipAddress = null)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=Coffer test server", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        if (dnsName is not null)
        {
            names.AddDnsName(dnsName);
        }

        if (ipAddress is not null)
        {
            names.AddIpAddress(ipAddress);
        }

        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        var now = DateTimeOffset.UtcNow;
        using var certificate = request.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(1));

        // Round-trip through PKCS#12 so the private key is in a form SslStream can use on every platform.
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), password: null);
    }

    /// <summary>Writes the certificate (never the key) as PEM, as the server writes <c>tls/coffer.crt</c>.</summary>
    public static string WritePem(X509Certificate2 certificate, string directory)
    {
        var path = Path.Combine(directory, "coffer.crt");
        File.WriteAllText(path, certificate.ExportCertificatePem());
        return path;
    }
}
