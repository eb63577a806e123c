using System.Net.Http.Headers;
using System.Net.Mime;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Coffer.Cli.Client;

namespace Coffer.Cli.Trading;

/// <summary>
/// The requests <see cref="CofferApiClient"/> cannot make: headers of the request's own (<c>Idempotency-Key</c>, an
/// <c>Accept</c> of NDJSON), response headers that change the meaning (<c>Idempotent-Replayed</c>), and a POST whose
/// answer is read line by line as it streams. Same transport, trust and error messages as <see cref="CofferApiClient"/>.
/// </summary>
internal sealed class RawApiClient : IDisposable
{
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(10);

    private readonly HttpClient _http;
    private readonly ClientSettings _settings;
    private readonly CertificateTrust? _trust;

    private RawApiClient(HttpClient http, ClientSettings settings, CertificateTrust? trust)
    {
        _http = http;
        _settings = settings;
        _trust = trust;
        _http.BaseAddress = settings.Address;

        // Each request sets its own deadline (see SendAsync): a refresh of many connections streams for longer than any other call.
        _http.Timeout = Timeout.InfiniteTimeSpan;
        _http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("coffer-cli", ThisAssembly.Version));
    }

    /// <param name="handler">A replacement transport (not disposed); null builds the HTTPS transport that honours <c>COFFER_CACERT</c>.</param>
    public static RawApiClient Create(ClientSettings settings, HttpMessageHandler? handler)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (handler is not null)
        {
            return new RawApiClient(new HttpClient(handler, disposeHandler: false), settings, trust: null);
        }

        var trust = settings.CaCertificatePath is null ? CertificateTrust.System() : CertificateTrust.FromPemFile(settings.CaCertificatePath);
        var transport = new SocketsHttpHandler
        {
            ConnectTimeout = ConnectTimeout,

            // The API never redirects; following one could carry a request (and its token) somewhere unexpected.
            AllowAutoRedirect = false,
        };
        transport.SslOptions.RemoteCertificateValidationCallback = trust.Validate;
        return new RawApiClient(new HttpClient(transport, disposeHandler: true), settings, trust);
    }

    /// <summary>
    /// Sends <paramref name="body"/> to <paramref name="path"/> with <paramref name="headers"/> and COFFER_TOKEN; a
    /// successful answer is handed to <paramref name="read"/> as soon as its headers arrive, a failure is read as a problem.
    /// </summary>
    public async Task<RawResponse<T>> SendAsync<T>(
        HttpMethod method,
        string path,
        JsonObject? body,
        IReadOnlyDictionary<string, string> headers,
        string accept,
        TimeSpan deadline,
        Func<HttpResponseMessage, CancellationToken, Task<T>> read,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(headers);
        ArgumentNullException.ThrowIfNull(read);
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(accept));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(MediaTypeNames.Application.ProblemJson));
        if (Token() is { } token)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        foreach (var (name, value) in headers)
        {
            request.Headers.Add(name, value);
        }

        if (body is not null)
        {
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, MediaTypeNames.Application.Json);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(deadline);
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            if (!response.IsSuccessStatusCode)
            {
                return new RawResponse<T>((int)response.StatusCode, default, Problem(response, await response.Content.ReadAsStringAsync(timeout.Token)), response.Headers);
            }

            return new RawResponse<T>((int)response.StatusCode, await read(response, timeout.Token), null, response.Headers);
        }
        catch (HttpRequestException ex)
        {
            throw new CliException(ConnectionErrors.Describe(ex, _settings, _trust));
        }
        catch (IOException ex)
        {
            throw new CliException($"The answer from {_settings.DisplayAddress} was cut off before it was complete ({ex.Message}).");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new CliException($"The server at {_settings.DisplayAddress} did not answer within {deadline.TotalSeconds:0} seconds.");
        }
    }

    /// <summary>A successful answer's body as one JSON object (empty for no body).</summary>
    public static async Task<JsonObject> ReadObjectAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(response);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (string.IsNullOrWhiteSpace(text))
        {
            return [];
        }

        try
        {
            return JsonNode.Parse(text) as JsonObject ?? throw new CliException("The server's answer is not a JSON object; is COFFER_ADDR a Coffer server?");
        }
        catch (JsonException)
        {
            throw new CliException("The server answered with something that is not JSON; is COFFER_ADDR a Coffer server?");
        }
    }

    public void Dispose()
    {
        _http.Dispose();
        _trust?.Dispose();
    }

    private string? Token()
    {
        var token = _settings.Token;

        // Only visible ASCII is legal in a header value (RFC 9110 §5.5); say so rather than fail with the value in an exception.
        return token is not null && token.Any(c => c is < '!' or > '~')
            ? throw new CliException("COFFER_TOKEN contains characters that cannot be sent in an HTTP header; check how it was copied.")
            : token;
    }

    private JsonObject Problem(HttpResponseMessage response, string text)
    {
        var status = (int)response.StatusCode;
        try
        {
            if (!string.IsNullOrWhiteSpace(text) && JsonNode.Parse(text) is JsonObject json && json["title"] is not null)
            {
                return json;
            }
        }
        catch (JsonException)
        {
            // Not a problem document; synthesized below.
        }

        // As CofferApiClient does (RFC 9457 §4.2.1, "about:blank"), so output stays uniform.
        return new JsonObject
        {
            ["type"] = "about:blank",
            ["title"] = response.ReasonPhrase is { Length: > 0 } reason ? reason : $"HTTP {status}",
            ["status"] = status,
            ["detail"] = $"The server at {_settings.DisplayAddress} answered HTTP {status} without a problem document; is COFFER_ADDR a Coffer server?",
        };
    }
}

/// <summary>A raw answer: the status, what <c>read</c> made of a success or the problem, and the response headers.</summary>
internal sealed record RawResponse<T>(int Status, T? Result, JsonObject? Problem, HttpResponseHeaders Headers)
{
    public bool IsSuccess => Problem is null;
}
