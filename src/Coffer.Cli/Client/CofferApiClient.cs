using System.Net.Http.Headers;
using System.Net.Mime;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Coffer.Cli.Client;

/// <summary>An HTTPS client of the server's <c>/api/v1</c>. One per command invocation.</summary>
internal sealed class CofferApiClient : IDisposable
{
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(10);

    // Every answer of this API is a small JSON object; anything bigger is not the Coffer server.
    private const int MaxResponseBytes = 1024 * 1024;

    private readonly HttpClient _http;
    private readonly ClientSettings _settings;
    private readonly CertificateTrust? _trust;

    private CofferApiClient(HttpClient http, ClientSettings settings, CertificateTrust? trust)
    {
        _http = http;
        _settings = settings;
        _trust = trust;
        _http.BaseAddress = settings.Address;
        _http.Timeout = RequestTimeout;
        _http.MaxResponseContentBufferSize = MaxResponseBytes;
        _http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("coffer-cli", ThisAssembly.Version));
        _http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue(MediaTypeNames.Application.Json));
        _http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue(MediaTypeNames.Application.ProblemJson));
    }

    /// <param name="handler">A replacement transport (not disposed); null builds the HTTPS transport that honours <c>COFFER_CACERT</c>.</param>
    public static CofferApiClient Create(ClientSettings settings, HttpMessageHandler? handler)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (handler is not null)
        {
            return new CofferApiClient(new HttpClient(handler, disposeHandler: false), settings, trust: null);
        }

        var trust = settings.CaCertificatePath is null ? CertificateTrust.System() : CertificateTrust.FromPemFile(settings.CaCertificatePath);
        var transport = new SocketsHttpHandler
        {
            ConnectTimeout = ConnectTimeout,

            // The API never redirects; following one could carry a request (and its token) somewhere unexpected.
            AllowAutoRedirect = false,
        };
        transport.SslOptions.RemoteCertificateValidationCallback = trust.Validate;
        return new CofferApiClient(new HttpClient(transport, disposeHandler: true), settings, trust);
    }

    public Task<ApiResponse> GetAsync(string path, TokenUse tokenUse, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Get, path, body: null, tokenUse, cancellationToken);

    /// <param name="stepUp">The <c>Coffer-Step-Up</c> proof of a sensitive action, e.g. <c>totp=123456</c>.</param>
    public Task<ApiResponse> PostAsync(string path, JsonObject? body, TokenUse tokenUse, CancellationToken cancellationToken, string? stepUp = null) =>
        SendAsync(HttpMethod.Post, path, body, tokenUse, cancellationToken, stepUp);

    /// <param name="stepUp">The <c>Coffer-Step-Up</c> proof of a sensitive action, e.g. <c>totp=123456</c>.</param>
    public Task<ApiResponse> PutAsync(string path, JsonObject body, TokenUse tokenUse, CancellationToken cancellationToken, string? stepUp = null) =>
        SendAsync(HttpMethod.Put, path, body, tokenUse, cancellationToken, stepUp);

    /// <summary>
    /// A form post to an OAuth endpoint (RFC 6749 §4.1.3), never with <c>COFFER_TOKEN</c>: the client authenticates itself,
    /// with HTTP Basic (<c>client_secret_basic</c>) when <paramref name="basic"/> is given. An OAuth error body
    /// (<c>{"error":...}</c>) is returned as it is; anything else that is not a success becomes a problem as usual.
    /// </summary>
    public async Task<ApiResponse> PostFormAsync(string path, IEnumerable<KeyValuePair<string, string>> form, (string Id, string Secret)? basic, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new FormUrlEncodedContent(form) };
        if (basic is { } credentials)
        {
            // RFC 6749 §2.3.1: both parts are form-urlencoded before they are joined and base64-encoded.
            var pair = Uri.EscapeDataString(credentials.Id) + ":" + Uri.EscapeDataString(credentials.Secret);
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(pair)));
        }

        try
        {
            using var response = await _http.SendAsync(request, cancellationToken);
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            if (!response.IsSuccessStatusCode && ParseObject(text) is { } json && json["error"] is JsonValue)
            {
                return new ApiResponse((int)response.StatusCode, json);
            }

            return Interpret(response, text);
        }
        catch (HttpRequestException ex)
        {
            throw new CliException(ConnectionErrors.Describe(ex, _settings, _trust));
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new CliException($"The server at {_settings.DisplayAddress} did not answer within {RequestTimeout.TotalSeconds:0} seconds.");
        }
    }

    public Task<ApiResponse> DeleteAsync(string path, TokenUse tokenUse, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Delete, path, body: null, tokenUse, cancellationToken);

    /// <summary>
    /// A GET whose successful body is handed to <paramref name="consume"/> as it arrives instead of being buffered (for
    /// exports, which can be far larger than any other answer), provided it is of <paramref name="mediaType"/>. A failure
    /// answer is read and returned as usual; the returned response's body is empty on success.
    /// </summary>
    public async Task<ApiResponse> GetStreamAsync(string path, string mediaType, TokenUse tokenUse, Func<Stream, CancellationToken, Task> consume, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(consume);
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (TokenFor(tokenUse) is { } token)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        try
        {
            // The request timeout covers the wait for the headers; a long export may then take as long as it takes.
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                return Interpret(response, await response.Content.ReadAsStringAsync(cancellationToken));
            }

            if (!string.Equals(response.Content.Headers.ContentType?.MediaType, mediaType, StringComparison.OrdinalIgnoreCase))
            {
                throw new CliException($"The server at {_settings.DisplayAddress} answered with something that is not {mediaType}; is COFFER_ADDR a Coffer server?");
            }

            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
            await consume(body, cancellationToken);
            return new ApiResponse((int)response.StatusCode, []);
        }
        catch (HttpRequestException ex)
        {
            throw new CliException(ConnectionErrors.Describe(ex, _settings, _trust));
        }
        catch (IOException ex)
        {
            // The connection broke off mid-body: what was received is incomplete.
            throw new CliException($"The answer from {_settings.DisplayAddress} was cut off before it was complete ({ex.Message}).");
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new CliException($"The server at {_settings.DisplayAddress} did not answer within {RequestTimeout.TotalSeconds:0} seconds.");
        }
    }

    public void Dispose()
    {
        _http.Dispose();
        _trust?.Dispose();
    }

    private async Task<ApiResponse> SendAsync(HttpMethod method, string path, JsonObject? body, TokenUse tokenUse, CancellationToken cancellationToken, string? stepUp = null)
    {
        using var request = new HttpRequestMessage(method, path);
        var token = TokenFor(tokenUse);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        if (stepUp is not null)
        {
            request.Headers.Add(Coffer.Server.Features.Identity.StepUp.Header, stepUp);
        }

        if (body is not null)
        {
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, MediaTypeNames.Application.Json);
        }

        try
        {
            using var response = await _http.SendAsync(request, cancellationToken);
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            return Interpret(response, text);
        }
        catch (HttpRequestException ex)
        {
            throw new CliException(ConnectionErrors.Describe(ex, _settings, _trust));
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new CliException($"The server at {_settings.DisplayAddress} did not answer within {RequestTimeout.TotalSeconds:0} seconds.");
        }
    }

    private string? TokenFor(TokenUse tokenUse)
    {
        if (tokenUse == TokenUse.None)
        {
            return null;
        }

        var token = _settings.Token;
        if (token is null)
        {
            return tokenUse == TokenUse.Required
                ? throw new CliException(
                    "COFFER_TOKEN is not set, and this command needs an admin token (the admin_token printed by `coffer operator init`). "
                    + "Set it without leaving it in shell history, e.g. `read -rs COFFER_TOKEN && export COFFER_TOKEN`.")
                : null;
        }

        // Only visible ASCII is legal in a header value (RFC 9110 §5.5); say so rather than fail with the value in an exception.
        if (token.Any(c => c is < '!' or > '~'))
        {
            throw new CliException("COFFER_TOKEN contains characters that cannot be sent in an HTTP header; check how it was copied.");
        }

        return token;
    }

    private ApiResponse Interpret(HttpResponseMessage response, string text)
    {
        var status = (int)response.StatusCode;
        var json = ParseObject(text);
        if (response.IsSuccessStatusCode)
        {
            // An empty body (e.g. 204) is a success with nothing to show.
            return json is not null || string.IsNullOrWhiteSpace(text)
                ? new ApiResponse(status, json ?? [])
                : throw new CliException($"The server at {_settings.DisplayAddress} answered with something that is not JSON; is COFFER_ADDR a Coffer server?");
        }

        if (json is not null && json["title"] is not null)
        {
            return new ApiResponse(status, json);
        }

        // Not a problem document (a proxy's HTML error page, say): synthesize one (RFC 9457 §4.2.1, "about:blank") so output stays uniform.
        return new ApiResponse(status, new JsonObject
        {
            ["type"] = "about:blank",
            ["title"] = response.ReasonPhrase is { Length: > 0 } reason ? reason : $"HTTP {status}",
            ["status"] = status,
            ["detail"] = $"The server at {_settings.DisplayAddress} answered HTTP {status} without a problem document; is COFFER_ADDR a Coffer server?",
        });
    }

    private static JsonObject? ParseObject(string text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(text) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
