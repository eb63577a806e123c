using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using Coffer.Cli.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Coffer.Cli.Tests.Tokens;

/// <summary>One request as the fake saw it, query string included (the token commands page with it).</summary>
internal sealed record TokenApiRequest(string Method, string PathAndQuery, string? Authorization, string Body);

/// <summary>
/// A scripted stand-in for the server's <c>/api/v1/tokens</c> on a real loopback Kestrel with a throwaway self-signed
/// certificate, as <see cref="FakeCofferServer"/> is for <c>/api/v1/sys</c>: each route answers what the test scripted
/// (its answers in turn, the last one repeating), anything else is a 404 problem, and every request is recorded.
/// </summary>
internal sealed class FakeTokenServer : IAsyncDisposable
{
    /// <summary>The calling token the tests put in COFFER_TOKEN; shaped like a real one so leaks are easy to spot.</summary>
    public const string CallerToken = "cof_api_FAKEcallertoken0123456789abcdefghijklmnopq_AbC123";

    private readonly X509Certificate2 _certificate;
    private readonly ConcurrentDictionary<string, ConcurrentQueue<(int Status, string ContentType, string Body)>> _routes = new(StringComparer.Ordinal);
    private readonly string _directory;
    private WebApplication? _app;

    private FakeTokenServer(X509Certificate2 certificate, string directory)
    {
        _certificate = certificate;
        _directory = directory;
        CaCertificatePath = TestCertificates.WritePem(certificate, directory);
    }

    public string Address { get; private set; } = string.Empty;

    public string CaCertificatePath { get; }

    public ConcurrentQueue<TokenApiRequest> Requests { get; } = new();

    public Dictionary<string, string?> Environment(string? token = CallerToken) => new()
    {
        ["COFFER_ADDR"] = Address,
        ["COFFER_CACERT"] = CaCertificatePath,
        ["COFFER_TOKEN"] = token,
    };

    public static async Task<FakeTokenServer> StartAsync()
    {
        var certificate = TestCertificates.CreateSelfSigned(ipAddress: IPAddress.Loopback);
        var directory = Path.Combine(Path.GetTempPath(), "coffer-cli-token-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var server = new FakeTokenServer(certificate, directory);
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

    /// <summary>Scripts the next answer to <paramref name="method"/> <paramref name="pathAndQuery"/> (e.g. "/api/v1/tokens?limit=200").</summary>
    public FakeTokenServer On(string method, string pathAndQuery, int status, JsonNode body) =>
        Script(method, pathAndQuery, status, "application/json", body.ToJsonString());

    public FakeTokenServer OnProblem(string method, string pathAndQuery, int status, string slug, string title, string detail) =>
        Script(method, pathAndQuery, status, "application/problem+json", Problem(status, slug, title, detail));

    public TokenApiRequest SingleRequest() => Assert.Single(Requests);

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        _certificate.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    /// <summary>A token view as the server writes it (snake_case), with overridable fields.</summary>
    public static JsonObject View(string accessor, Action<JsonObject>? change = null)
    {
        var view = new JsonObject
        {
            ["accessor"] = accessor,
            ["kind"] = "api",
            ["display_name"] = null,
            ["user_id"] = "6f1c2d3e-0000-4000-8000-000000000001",
            ["parent"] = "acc_parent0000000000000000",
            ["scopes"] = new JsonArray("tokens:read", "tokens:write"),
            ["created_at"] = "2030-01-02T03:04:05.678+00:00",
            ["expires_at"] = null,
            ["ip_allowlist"] = new JsonArray(),
            ["max_uses"] = null,
            ["uses"] = 0,
            ["trading"] = null,
            ["revoked"] = false,
            ["revoked_at"] = null,
        };
        change?.Invoke(view);
        return view;
    }

    private FakeTokenServer Script(string method, string pathAndQuery, int status, string contentType, string body)
    {
        _routes.GetOrAdd(method + " " + pathAndQuery, _ => new()).Enqueue((status, contentType, body));
        return this;
    }

    private async Task HandleAsync(HttpContext http)
    {
        using var reader = new StreamReader(http.Request.Body);
        var body = await reader.ReadToEndAsync(http.RequestAborted);
        var authorization = http.Request.Headers.Authorization.ToString();
        var pathAndQuery = http.Request.Path.Value + http.Request.QueryString.Value;
        Requests.Enqueue(new TokenApiRequest(http.Request.Method, pathAndQuery, authorization.Length > 0 ? authorization : null, body));

        var (status, contentType, text) = Answer(http.Request.Method + " " + pathAndQuery)
            ?? (404, "application/problem+json", Problem(404, "not-found", "No such resource.", $"The fake has nothing scripted for {http.Request.Method} {pathAndQuery}."));
        http.Response.StatusCode = status;
        http.Response.ContentType = contentType;
        await http.Response.WriteAsync(text, http.RequestAborted);
    }

    private (int, string, string)? Answer(string key)
    {
        if (!_routes.TryGetValue(key, out var answers))
        {
            return null;
        }

        // The last scripted answer stays, so a route scripted once answers every time.
        if (answers.Count > 1 && answers.TryDequeue(out var next))
        {
            return next;
        }

        return answers.TryPeek(out var last) ? last : null;
    }

    private static string Problem(int status, string slug, string title, string detail) => new JsonObject
    {
        ["type"] = "urn:coffer:problem:" + slug,
        ["title"] = title,
        ["status"] = status,
        ["detail"] = detail,
    }.ToJsonString();
}
