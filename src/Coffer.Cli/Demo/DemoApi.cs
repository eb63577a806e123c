using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Coffer.Cli.Client;

namespace Coffer.Cli.Demo;

/// <summary>
/// The demo's hands: Coffer's public <c>/api/v1</c> over HTTPS (trusting exactly the server's own certificate), and the
/// sandbox's control API over plain loopback HTTP. Everything the demo sets up goes through these, as a person's tools would.
/// </summary>
internal sealed class DemoApi : IDisposable
{
    private readonly CertificateTrust _trust;
    private readonly HttpClient _coffer;
    private readonly HttpClient _sandbox;
    private readonly IReadOnlyDictionary<string, Uri> _exchanges;

    /// <param name="exchanges">Each sandbox exchange's base URL by name; the first also serves the control API.</param>
    public DemoApi(Uri server, string certificatePath, IReadOnlyDictionary<string, Uri> exchanges)
    {
        _exchanges = exchanges;
        _trust = CertificateTrust.FromPemFile(certificatePath);
        var transport = new SocketsHttpHandler { AllowAutoRedirect = false };
        transport.SslOptions.RemoteCertificateValidationCallback = _trust.Validate;
        _coffer = new HttpClient(transport) { BaseAddress = server, Timeout = TimeSpan.FromSeconds(60) };
        _coffer.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("coffer-demo", ThisAssembly.Version));
        _sandbox = new HttpClient { BaseAddress = exchanges.Values.First(), Timeout = TimeSpan.FromSeconds(30) };
    }

    public Uri SandboxUrl(string exchange) => _exchanges[exchange];

    /// <summary>Calls Coffer; a non-2xx answer is a <see cref="CliException"/> with the problem's detail.</summary>
    public async Task<JsonObject> CallAsync(
        HttpMethod method, string path, string? token, object? body = null, string? stepUp = null, string? idempotencyKey = null, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        if (stepUp is not null)
        {
            request.Headers.Add("Coffer-Step-Up", stepUp);
        }

        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        using var response = await _coffer.SendAsync(request, cancellationToken);
        return await ReadAsync(response, $"{method} {path}", cancellationToken);
    }

    /// <summary>Calls the sandbox's control API (<c>/sandbox/…</c>).</summary>
    public async Task<JsonNode?> ControlAsync(string path, object body, CancellationToken cancellationToken)
    {
        using var response = await _sandbox.PostAsJsonAsync(path, body, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new CliException($"The sandbox refused POST {path}: {(int)response.StatusCode} {text}");
        }

        return JsonNode.Parse(text);
    }

    public void Dispose()
    {
        _coffer.Dispose();
        _sandbox.Dispose();
        _trust.Dispose();
    }

    private static async Task<JsonObject> ReadAsync(HttpResponseMessage response, string what, CancellationToken cancellationToken)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        JsonNode? parsed = null;
        if (text.Length > 0 && response.Content.Headers.ContentType?.MediaType is "application/json" or "application/problem+json")
        {
            try
            {
                parsed = JsonNode.Parse(text);
            }
            catch (JsonException)
            {
                parsed = null;
            }
        }

        if (!response.IsSuccessStatusCode)
        {
            var detail = parsed?["detail"]?.GetValue<string>() ?? parsed?["title"]?.GetValue<string>() ?? text;
            throw new CliException($"Coffer refused {what}: {(int)response.StatusCode} {detail}");
        }

        return parsed as JsonObject ?? [];
    }
}
