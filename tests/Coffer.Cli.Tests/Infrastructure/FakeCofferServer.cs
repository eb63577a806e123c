using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Coffer.Cli.Tests.Infrastructure;

/// <summary>
/// A minimal implementation of the server's <c>/api/v1/sys</c> contract on a real loopback Kestrel with a throwaway
/// self-signed certificate, recording every request that reaches it.
/// </summary>
internal sealed class FakeCofferServer : IAsyncDisposable
{
    public const string AdminToken = "cof_trader_fakeadmintoken0123456789";

    private readonly X509Certificate2 _certificate;
    private readonly Lock _gate = new();
    private WebApplication? _app;

    private FakeCofferServer(X509Certificate2 certificate, string directory)
    {
        _certificate = certificate;
        Directory = directory;
        CaCertificatePath = TestCertificates.WritePem(certificate, directory);
    }

    /// <summary>https://127.0.0.1:PORT</summary>
    public string Address { get; private set; } = string.Empty;

    /// <summary>The server's certificate as PEM: what COFFER_CACERT should point at.</summary>
    public string CaCertificatePath { get; }

    public string Directory { get; }

    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

    public bool Initialized { get; set; }

    public bool Sealed { get; set; } = true;

    public int Shares { get; set; } = 5;

    public int Threshold { get; set; } = 3;

    public int UnsealProgress { get; set; }

    public int RootVersion { get; set; } = 1;

    public int MinDecryptionVersion { get; set; } = 1;

    public IReadOnlyList<string> IssuedShares { get; private set; } = [];

    /// <summary>When set, answers the next request with this status, content type and body instead of the contract.</summary>
    public (int Status, string ContentType, string Body)? NextResponse { get; set; }

    /// <summary>The environment a CLI user of this server would have: its address and its certificate.</summary>
    public Dictionary<string, string?> Environment(string? token = null) => new()
    {
        ["COFFER_ADDR"] = Address,
        ["COFFER_CACERT"] = CaCertificatePath,
        ["COFFER_TOKEN"] = token,
    };

    /// <param name="certificate">The TLS certificate to serve; by default a self-signed one for 127.0.0.1.</param>
    public static async Task<FakeCofferServer> StartAsync(X509Certificate2? certificate = null)
    {
        certificate ??= TestCertificates.CreateSelfSigned(ipAddress: IPAddress.Loopback);
        var directory = Path.Combine(Path.GetTempPath(), "coffer-cli-tests-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(directory);

        var server = new FakeCofferServer(certificate, directory);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(certificate)));
        var app = builder.Build();
        app.Run(server.HandleAsync);
        await app.StartAsync();
        server._app = app;
        server.Address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return server;
    }

    public RecordedRequest SingleRequest() => Assert.Single(Requests);

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        _certificate.Dispose();
        System.IO.Directory.Delete(Directory, recursive: true);
    }

    // One terminal handler rather than endpoints: it records every request, including those to paths the contract lacks.
    private async Task HandleAsync(HttpContext http)
    {
        using var reader = new StreamReader(http.Request.Body);
        var body = await reader.ReadToEndAsync(http.RequestAborted);
        var authorization = http.Request.Headers.Authorization.ToString();
        Requests.Enqueue(new RecordedRequest(http.Request.Method, http.Request.Path, authorization.Length > 0 ? authorization : null, body));
        var (status, contentType, text) = Answer(http, body);
        http.Response.StatusCode = status;
        http.Response.ContentType = contentType;
        await http.Response.WriteAsync(text, http.RequestAborted);
    }

    private (int Status, string ContentType, string Body) Answer(HttpContext http, string body)
    {
        lock (_gate)
        {
            if (NextResponse is { } scripted)
            {
                NextResponse = null;
                return scripted;
            }

            var json = string.IsNullOrWhiteSpace(body) ? [] : JsonNode.Parse(body) as JsonObject ?? [];
            return (http.Request.Method, http.Request.Path.Value) switch
            {
                ("GET", "/api/v1/sys/status") => Ok(Status(http)),
                ("POST", "/api/v1/sys/init") => Init(json),
                ("POST", "/api/v1/sys/unseal") => Unseal(json),
                ("POST", "/api/v1/sys/seal") => IsAdmin(http) ? Seal() : Unauthorized(),
                ("POST", "/api/v1/sys/rotate") => IsAdmin(http) ? Rotate(json) : Unauthorized(),
                _ => Problem(404, "not-found", "Not found", $"No endpoint {http.Request.Method} {http.Request.Path}."),
            };
        }
    }

    private (int, string, string) Init(JsonObject request)
    {
        if (Initialized)
        {
            return Problem(409, "already-initialized", "Already initialized", "This Coffer was initialized before; its shares cannot be issued again.");
        }

        Initialized = true;
        Shares = request["shares"]!.GetValue<int>();
        Threshold = request["threshold"]!.GetValue<int>();
        IssuedShares = [.. Enumerable.Range(1, Shares).Select(i => $"cofs1_fakeshare{i}_{Guid.NewGuid():N}")];
        return Ok(new JsonObject
        {
            ["shares"] = new JsonArray([.. IssuedShares.Select(share => JsonValue.Create(share))]),
            ["admin_token"] = AdminToken,
            ["admin_accessor"] = "acc_fake0001",
            ["provider"] = "shamir",
            ["sealed"] = true,
        });
    }

    private (int, string, string) Unseal(JsonObject request)
    {
        if (!Initialized)
        {
            return Problem(409, "not-initialized", "Not initialized", "Run `coffer operator init` first.");
        }

        if (request["reset"]?.GetValue<bool>() == true)
        {
            UnsealProgress = 0;
        }
        else if (request["share"]?.GetValue<string>() is not { } share || !share.StartsWith("cofs1_", StringComparison.Ordinal))
        {
            return Problem(400, "invalid-share", "Invalid unseal share", "That is not a Coffer unseal share.");
        }
        else if (Sealed && ++UnsealProgress >= Threshold)
        {
            Sealed = false;
            UnsealProgress = 0;
        }

        return Ok(Status(http: null));
    }

    private (int, string, string) Seal()
    {
        Sealed = true;
        return Ok(Status(http: null));
    }

    private (int, string, string) Rotate(JsonObject request)
    {
        RootVersion++;
        if (request["min_decryption_version"] is { } min)
        {
            MinDecryptionVersion = min.GetValue<int>();
        }

        return Ok(new JsonObject
        {
            ["root"] = new JsonObject { ["current"] = RootVersion, ["min_decryption"] = MinDecryptionVersion },
            ["rewrapped_user_keys"] = 7,
        });
    }

    private JsonObject Status(HttpContext? http) => new()
    {
        ["initialized"] = Initialized,
        ["sealed"] = Sealed,
        ["provider"] = "shamir",
        ["dev_only"] = false,
        ["shares"] = Shares,
        ["threshold"] = Threshold,
        ["unseal_progress"] = UnsealProgress,
        ["version"] = "0.1.0",
        ["key_versions"] = http is not null && IsAdmin(http) && !Sealed
            ? new JsonObject { ["root"] = new JsonObject { ["current"] = RootVersion, ["min_decryption"] = MinDecryptionVersion } }
            : null,
    };

    private static bool IsAdmin(HttpContext http) => http.Request.Headers.Authorization.ToString() == "Bearer " + AdminToken;

    private static (int, string, string) Unauthorized() =>
        Problem(401, "unauthorized", "Unauthorized", "This endpoint needs an admin token.");

    private static (int, string, string) Ok(JsonObject body) => (200, "application/json", body.ToJsonString());

    private static (int, string, string) Problem(int status, string slug, string title, string detail) =>
        (status, "application/problem+json", new JsonObject
        {
            ["type"] = "urn:coffer:problem:" + slug,
            ["title"] = title,
            ["status"] = status,
            ["detail"] = detail,
        }.ToJsonString());
}
