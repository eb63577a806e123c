using System.Diagnostics;
using System.Globalization;
using System.Net;
using Microsoft.Extensions.Logging;

namespace Coffer.Exchanges.Transport;

/// <summary>An exchange's answer: status, headers and body, read in full.</summary>
internal sealed record ExchangeResponse(HttpStatusCode Status, System.Net.Http.Headers.HttpResponseHeaders Headers, string Body)
{
    public int StatusCode => (int)Status;

    public string? Header(string name) => Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;
}

/// <summary>
/// The one way connectors reach an exchange: spends from the shared <see cref="RequestBudget"/> first, builds (and so
/// signs and timestamps) the request only once it may go, sends it with a timeout, feeds the exchange's usage headers
/// back into the budget, and turns 429/418, 5xx, timeouts and broken connections into <see cref="ExchangeException"/>s.
/// Logs method, path, status and latency — never the query (Binance signs in it), headers or bodies.
/// </summary>
/// <param name="throttled">
/// For exchanges that refuse for rate with HTTP 200 and an error body (Kraken): true for such an answer, so it does not
/// count as a success that resets the back-off; the connector penalizes the budget itself.
/// </param>
internal sealed partial class ExchangeTransport(
    string exchange,
    HttpClient http,
    RequestBudget budget,
    ExchangeClock clock,
    ILogger logger,
    Action<ExchangeResponse, RequestBudget>? observeUsage = null,
    Func<ExchangeResponse, bool>? throttled = null,
    ExchangeMetrics? metrics = null)
{
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(15);

    public RequestBudget Budget => budget;

    public ExchangeClock Clock => clock;

    public string Exchange => exchange;

    public async Task<ExchangeResponse> SendAsync(Func<CancellationToken, ValueTask<HttpRequestMessage>> build, IReadOnlyList<RateCost> costs, CancellationToken cancellationToken)
    {
        await budget.AcquireAsync(costs, cancellationToken);
        using var request = await build(cancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(RequestTimeout);
        var started = Stopwatch.GetTimestamp();
        var path = request.RequestUri?.AbsolutePath ?? "?";
        ExchangeResponse response;
        var outcome = "cancelled";
        var isThrottled = false;
        try
        {
            using var message = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, timeout.Token);
            var body = await message.Content.ReadAsStringAsync(timeout.Token);
            response = new ExchangeResponse(message.StatusCode, message.Headers, body);
            isThrottled = throttled?.Invoke(response) == true;
            outcome = ExchangeMetrics.OutcomeOf(response.StatusCode, isThrottled);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            outcome = "timeout";
            LogFailed(logger, exchange, request.Method.Method, path, "timeout");
            throw new ExchangeException(exchange, ExchangeErrorKind.ExchangeUnavailable, $"{exchange} did not answer within {RequestTimeout.TotalSeconds} s.", inner: ex);
        }
        catch (HttpRequestException ex)
        {
            outcome = "unreachable";
            LogFailed(logger, exchange, request.Method.Method, path, ex.HttpRequestError.ToString());
            throw new ExchangeException(exchange, ExchangeErrorKind.ExchangeUnavailable, $"Could not reach {exchange} ({ex.HttpRequestError}).", inner: ex);
        }
        finally
        {
            metrics?.Record(exchange, outcome, Stopwatch.GetElapsedTime(started));
        }

        var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        LogCall(logger, exchange, request.Method.Method, path, response.StatusCode, elapsed);
        observeUsage?.Invoke(response, budget);
        if (response.StatusCode is 429 or 418)
        {
            var pause = budget.Penalize(RetryAfter(response));
            if (response.StatusCode == 418)
            {
                LogBanned(logger, exchange, pause.TotalSeconds);
            }

            throw new ExchangeException(exchange, ExchangeErrorKind.RateLimited, $"{exchange} asked Coffer to slow down (HTTP {response.StatusCode}); every request to it waits {Math.Ceiling(pause.TotalSeconds)} s.", response.StatusCode.ToString(CultureInfo.InvariantCulture), transient: true, retryAfter: pause);
        }

        if (!isThrottled)
        {
            budget.Succeeded();
        }

        return response;
    }

    /// <summary>Retry-After as seconds or an HTTP date (RFC 9110 §10.2.3).</summary>
    internal TimeSpan? RetryAfter(ExchangeResponse response)
    {
        var value = response.Headers.RetryAfter;
        if (value?.Delta is { } delta)
        {
            return delta;
        }

        return value?.Date is { } date ? date - clock.Time.GetUtcNow() : null;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Exchange} {Method} {Path} -> {Status} in {Milliseconds:0.0} ms")]
    private static partial void LogCall(ILogger logger, string exchange, string method, string path, int status, double milliseconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Exchange} {Method} {Path} failed: {Reason}")]
    private static partial void LogFailed(ILogger logger, string exchange, string method, string path, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Exchange} banned this address (HTTP 418); every request waits {Seconds} s")]
    private static partial void LogBanned(ILogger logger, string exchange, double seconds);
}
