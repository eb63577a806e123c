using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Coffer.Server.Hosting;

/// <summary>
/// The server's TLS certificate: the configured one, or a self-signed ECDSA P-256 certificate generated into the
/// data directory on first run. Its PEM is what clients trust through <c>COFFER_CACERT</c>.
/// </summary>
internal static class TlsCertificate
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromDays(825);
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Loads or generates the certificate. <paramref name="generated"/> is true when it was created now.</summary>
    public static X509Certificate2 Load(ServerSettings settings, TimeProvider time, out bool generated)
    {
        generated = false;
        if (settings.TlsCertificatePath is { } certPath && settings.TlsKeyPath is { } keyPath)
        {
            return LoadPem(certPath, keyPath);
        }

        var cert = settings.GeneratedCertificatePath;
        var key = settings.GeneratedKeyPath;
        if (File.Exists(cert) && File.Exists(key))
        {
            var existing = LoadPem(cert, key);
            if (existing.NotAfter.ToUniversalTime() > time.GetUtcNow().UtcDateTime.AddDays(7))
            {
                return existing;
            }

            existing.Dispose();
        }

        Generate(ListenEndpoint.Parse(settings.Listen).Address, cert, key, time);
        generated = true;
        return LoadPem(cert, key);
    }

    private static X509Certificate2 LoadPem(string certPath, string keyPath)
    {
        try
        {
            return X509Certificate2.CreateFromPemFile(certPath, keyPath);
        }
        catch (Exception ex) when (ex is CryptographicException or IOException or UnauthorizedAccessException)
        {
            throw new SettingsException($"The TLS certificate {certPath} (key {keyPath}) cannot be loaded: {ex.Message}");
        }
    }

    private static void Generate(IPAddress listen, string certPath, string keyPath, TimeProvider time)
    {
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=Coffer (self-signed)", ecdsa, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        names.AddIpAddress(IPAddress.IPv6Loopback);
        if (!IPAddress.IsLoopback(listen) && !listen.Equals(IPAddress.Any) && !listen.Equals(IPAddress.IPv6Any))
        {
            names.AddIpAddress(listen);
        }

        names.AddDnsName(Dns.GetHostName());
        request.CertificateExtensions.Add(names.Build());

        // Self-signed, so it is its own trust anchor: clients pin exactly this certificate with COFFER_CACERT.
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: true, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyCertSign, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        var now = time.GetUtcNow();
        using var certificate = request.CreateSelfSigned(now.AddMinutes(-5), now.Add(Lifetime));

        Directory.CreateDirectory(Path.GetDirectoryName(certPath)!);
        WriteFile(keyPath, ecdsa.ExportPkcs8PrivateKeyPem(), secret: true);
        WriteFile(certPath, certificate.ExportCertificatePem() + "\n", secret: false);
    }

    private static void WriteFile(string path, string contents, bool secret)
    {
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (secret && !OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = OwnerOnly;
        }

        using var stream = new FileStream(path, options);
        using var writer = new StreamWriter(stream);
        writer.Write(contents);
    }
}
