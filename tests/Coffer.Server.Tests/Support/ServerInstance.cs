using System.Net.Http.Json;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Coffer.Server.Hosting;
using Coffer.Vault;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Coffer.Server.Tests.Support;

/// <summary>
/// A real <c>coffer server</c> in the test process: Kestrel on a loopback port, HTTPS with the certificate it
/// generated, the configured database and key provider. Clients trust exactly that certificate, as COFFER_CACERT does.
/// </summary>
internal sealed class ServerInstance : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ServerInstance(WebApplication app, ServerSettings settings, Uri address, string console)
    {
        _app = app;
        Settings = settings;
        Address = address;
        Console = console;
        Client = CreateClient(settings, address);
    }

    private int _disposed;

    public ServerSettings Settings { get; }

    public Uri Address { get; }

    /// <summary>What the server printed at start.</summary>
    public string Console { get; }

    public HttpClient Client { get; }

    public CofferVault Vault => _app.Services.GetRequiredService<CofferVault>();

    public IServiceProvider Services => _app.Services;

    public static JsonSerializerOptions Json { get; } = CreateJson();

    /// <param name="configure">Changes to the host before it is built, e.g. a manual clock in place of TimeProvider.System.</param>
    public static async Task<ServerInstance> StartAsync(ServerSettings settings, Action<WebApplicationBuilder>? configure = null)
    {
        var console = new StringWriter();
        var app = await ServerHost.StartAsync(settings with { Listen = "127.0.0.1:0" }, console, CancellationToken.None, configure);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new ServerInstance(app, settings, new Uri(address), console.ToString());
    }

    /// <summary>Stops this server and starts a new one on the same data (a process restart, as far as Coffer can tell).</summary>
    public async Task<ServerInstance> RestartAsync()
    {
        await DisposeAsync();
        return await StartAsync(Settings);
    }

    /// <param name="useCookies">False: the client keeps no cookies, and a test sets the Cookie header itself.</param>
    /// <param name="followRedirects">False: a redirect is answered to the test as it is (OAuth's authorization endpoint).</param>
    public static HttpClient CreateClient(ServerSettings settings, Uri address, Action<SslClientAuthenticationOptions>? tls = null, bool useCookies = true, bool followRedirects = true)
    {
        var trusted = X509CertificateLoader.LoadCertificateFromFile(settings.TlsCertificatePath ?? settings.GeneratedCertificatePath);
        var handler = new SocketsHttpHandler
        {
            UseCookies = useCookies,
            AllowAutoRedirect = followRedirects,
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, _, _) => TrustsOnly(trusted, certificate),
            },
        };
        tls?.Invoke(handler.SslOptions);
        return new HttpClient(handler) { BaseAddress = address };
    }

    public async Task<JsonElement> GetJsonAsync(string path, string? token = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (token is not null)
        {
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        }

        using var response = await Client.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    public async Task<HttpResponseMessage> PostJsonAsync(string path, object? body, string? token = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, options: Json);
        }

        if (token is not null)
        {
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        }

        return await Client.SendAsync(request);
    }

    public async Task<HttpResponseMessage> PostRawAsync(string path, string content, string contentType = "application/json", string? token = null, bool expectContinue = false)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new StringContent(content, System.Text.Encoding.UTF8, contentType),
        };

        // With Expect: 100-continue the server can refuse a body before it is sent, as it does for oversized ones.
        request.Headers.ExpectContinue = expectContinue;
        if (token is not null)
        {
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        }

        return await Client.SendAsync(request);
    }

    /// <summary>Initializes (shamir) and unseals; returns the shares and the admin token.</summary>
    public async Task<(IReadOnlyList<string> Shares, string AdminToken)> InitAndUnsealAsync(int shares = 3, int threshold = 2)
    {
        using var response = await PostJsonAsync("/api/v1/sys/init", new { shares, threshold });
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        var list = body.GetProperty("shares").EnumerateArray().Select(s => s.GetString()!).ToList();
        foreach (var share in list.Take(threshold))
        {
            using var unseal = await PostJsonAsync("/api/v1/sys/unseal", new { share });
            unseal.EnsureSuccessStatusCode();
        }

        return (list, body.GetProperty("admin_token").GetString()!);
    }

    public async ValueTask DisposeAsync()
    {
        // Idempotent: a test that stops its server early (to hand the data directory to a real process) is disposed again.
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
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

    private static JsonSerializerOptions CreateJson()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        ServerHost.ConfigureJson(options);
        return options;
    }
}
