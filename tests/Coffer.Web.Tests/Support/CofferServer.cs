using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;

namespace Coffer.Web.Tests.Support;

/// <summary>
/// <c>coffer server --dev</c> as its own process: a temp data directory, HTTPS on a free loopback port (port 0, the
/// address it prints is read back), the self-signed certificate it generated, and the admin token it prints once at first
/// start. Dev mode allows custom exchange URLs, so connections can point at the sandbox.
/// </summary>
internal sealed partial class CofferServer : IDisposable
{
    private readonly CofferProcess _process;

    private CofferServer(CofferProcess process, string dataDirectory, Uri address, string adminToken)
    {
        _process = process;
        DataDirectory = dataDirectory;
        Address = address;
        AdminToken = adminToken;
        Certificate = X509CertificateLoader.LoadCertificateFromFile(Path.Combine(dataDirectory, "tls", "coffer.crt"));
    }

    public string DataDirectory { get; }

    public Uri Address { get; }

    /// <summary>The admin's root token the dev server printed at first start (what the setup page takes).</summary>
    public string AdminToken { get; }

    /// <summary>The server's own self-signed certificate, the one thing the browser and HTTP clients trust.</summary>
    public X509Certificate2 Certificate { get; }

    public string Output => _process.Output;

    public static async Task<CofferServer> StartAsync(string dataDirectory, IReadOnlyDictionary<string, string>? environment = null)
    {
        var env = new Dictionary<string, string>
        {
            // The suite signs in more often than a person does; the limit itself is covered by the server's tests.
            ["COFFER_SIGNIN_RATE_PER_MINUTE"] = "1000",
        };
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            env[key] = value;
        }

        var process = CofferProcess.Start("coffer server", ["server", "--dev", "--data", dataDirectory, "--listen", "127.0.0.1:0"], dataDirectory, env);
        try
        {
            var address = new Uri((await process.WaitForAsync(Listening(), TimeSpan.FromSeconds(120))).Groups["address"].Value);
            var token = (await process.WaitForAsync(AdminTokenLine(), TimeSpan.FromSeconds(30))).Groups["token"].Value;
            await process.WaitForAsync(Unsealed(), TimeSpan.FromSeconds(30));
            return new CofferServer(process, dataDirectory, address, token);
        }
        catch
        {
            process.Dispose();
            throw;
        }
    }

    /// <summary>An HTTP client that trusts exactly this server's certificate, as COFFER_CACERT does.</summary>
    public HttpClient CreateClient() => CreateClient(Address, Certificate);

    public static HttpClient CreateClient(Uri address, X509Certificate2 trusted) =>
        new(new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, presented, _, _) => TrustsOnly(trusted, presented),
            },
        })
        { BaseAddress = address, Timeout = TimeSpan.FromSeconds(60) };

    /// <summary>Base64 SHA-256 of the certificate's SubjectPublicKeyInfo: what Chromium's --ignore-certificate-errors-spki-list takes.</summary>
    public static string SpkiHash(X509Certificate2 certificate) =>
        Convert.ToBase64String(SHA256.HashData(certificate.PublicKey.ExportSubjectPublicKeyInfo()));

    public void Dispose()
    {
        _process.Dispose();
        Certificate.Dispose();
    }

    private static bool TrustsOnly(X509Certificate2 trusted, X509Certificate? presented)
    {
        if (presented is null)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(trusted);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var certificate = new X509Certificate2(presented);
        return chain.Build(certificate);
    }

    [GeneratedRegex(@"listening on (?<address>https://[^\s]+)", RegexOptions.CultureInvariant)]
    private static partial Regex Listening();

    [GeneratedRegex(@"export COFFER_TOKEN=(?<token>cof_\S+)", RegexOptions.CultureInvariant)]
    private static partial Regex AdminTokenLine();

    [GeneratedRegex(@"^The vault is unsealed\.", RegexOptions.CultureInvariant)]
    private static partial Regex Unsealed();
}
