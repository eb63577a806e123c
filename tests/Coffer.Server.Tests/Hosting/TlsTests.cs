using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Coffer.Server.Tests.Support;

namespace Coffer.Server.Tests.Hosting;

public sealed class TlsTests : ServerTest
{

    [Fact]
    public void Certificate_Generated_IsSelfSignedEcdsaP256ForLoopback()
    {
        using var certificate = X509CertificateLoader.LoadCertificateFromFile(Server.Settings.GeneratedCertificatePath);

        using var key = certificate.GetECDsaPublicKey();
        Assert.NotNull(key);
        Assert.Equal(256, key.KeySize);
        Assert.Equal(certificate.Subject, certificate.Issuer);
        var names = certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single();
        Assert.Contains(System.Net.IPAddress.Loopback, names.EnumerateIPAddresses());
        Assert.Contains("localhost", names.EnumerateDnsNames());
        Assert.True(OperatingSystem.IsWindows() || File.GetUnixFileMode(Server.Settings.GeneratedKeyPath) == (UnixFileMode.UserRead | UnixFileMode.UserWrite));
    }

    [Fact]
    public async Task Restart_ReusesTheSameCertificate()
    {
        var before = await File.ReadAllTextAsync(Server.Settings.GeneratedCertificatePath);

        Server = await Server.RestartAsync();

        Assert.Equal(before, await File.ReadAllTextAsync(Server.Settings.GeneratedCertificatePath));
        Assert.DoesNotContain("Generated a self-signed", Server.Console, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(SslProtocols.Tls12)]
    [InlineData(SslProtocols.Tls13)]
    public async Task Handshake_Tls12OrTls13_Accepted(SslProtocols protocol)
    {
        Assert.Equal(protocol, await HandshakeAsync(protocol));
    }

    /// <summary>TLS 1.1 (0x300) and TLS 1.0 (0xC0), offered on purpose, by value: the server must refuse them.</summary>
    [Theory]
    [InlineData(0x300)]
    [InlineData(0xC0)]
    public async Task Handshake_BelowTls12_Refused(int protocol)
    {
        await Assert.ThrowsAnyAsync<Exception>(() => HandshakeAsync((SslProtocols)protocol));
    }

    [Fact]
    public async Task Client_WithoutTrustingTheCertificate_IsRefused()
    {
        using var client = new HttpClient { BaseAddress = Server.Address };

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync(new Uri("/api/v1/sys/health", UriKind.Relative)));

        Assert.IsType<AuthenticationException>(error.InnerException);
    }

    [Fact]
    public async Task PlainHttp_OnTheHttpsPort_GetsNoApiResponse()
    {
        using var client = new HttpClient { BaseAddress = new Uri("http://" + Server.Address.Authority) };

        await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync(new Uri("/api/v1/sys/health", UriKind.Relative)));
    }

    private async Task<SslProtocols> HandshakeAsync(SslProtocols protocol)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(Server.Address.Host, Server.Address.Port);
        await using var tls = new SslStream(tcp.GetStream(), leaveInnerStreamOpen: false);
        var trusted = X509CertificateLoader.LoadCertificateFromFile(Server.Settings.GeneratedCertificatePath);
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = "localhost",
            EnabledSslProtocols = protocol,
            RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate is not null && certificate.GetCertHashString() == trusted.GetCertHashString(),
        });
        return tls.SslProtocol;
    }
}
