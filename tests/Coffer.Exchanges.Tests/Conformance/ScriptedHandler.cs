using System.Net;
using System.Text;

namespace Coffer.Exchanges.Tests.Conformance;

/// <summary>A request as it left the connector.</summary>
internal sealed record CapturedRequest(HttpMethod Method, Uri Uri, string? Body, string? ContentType, IReadOnlyDictionary<string, string> Headers);

/// <summary>
/// Stands where the exchange's HTTP endpoint would be, for the CCXT fixtures: records every request and answers each
/// with the fixture's raw exchange response (or a fixed body). The connectors, signing and parsing under test are real.
/// </summary>
internal sealed class ScriptedHandler(Func<CapturedRequest, (HttpStatusCode Status, string Body)> reply) : HttpMessageHandler
{
    private readonly List<CapturedRequest> _requests = [];

    public IReadOnlyList<CapturedRequest> Requests => _requests;

    public static ScriptedHandler Answering(string body, HttpStatusCode status = HttpStatusCode.OK) => new(_ => (status, body));

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
        var headers = request.Headers.ToDictionary(h => h.Key, h => string.Join(",", h.Value), StringComparer.OrdinalIgnoreCase);
        var captured = new CapturedRequest(request.Method, request.RequestUri!, body, request.Content?.Headers.ContentType?.MediaType, headers);
        lock (_requests)
        {
            _requests.Add(captured);
        }

        var (status, text) = reply(captured);
        return new HttpResponseMessage(status) { Content = new StringContent(text, Encoding.UTF8, "application/json"), RequestMessage = request };
    }
}
