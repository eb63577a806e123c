using System.Net;
using Coffer.Exchanges.Tests.Conformance;
using Coffer.Exchanges.Tests.Support;
using Coffer.Exchanges.Transport;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Coffer.Exchanges.Tests.Core;

public sealed class ExchangeTransportTests
{
    private static readonly RateLimitRule Weight = RateLimitRule.SlidingWindow("weight", RateLimitScope.Ip, 1000, TimeSpan.FromMinutes(1), "test");
    private static readonly RateCost[] OneWeight = [new("weight", 1)];

    [Fact]
    public async Task TooManyRequests_PausesTheBudgetForRetryAfter_AndIsTransient()
    {
        var clock = new ManualClock();
        using var http = new HttpClient(new ScriptedHandler(_ => (HttpStatusCode.TooManyRequests, "{}")));
        var transport = Transport(http, clock, out var budget);

        var error = await Assert.ThrowsAsync<ExchangeException>(() => transport.SendAsync(Get, OneWeight, default));

        Assert.Equal(ExchangeErrorKind.RateLimited, error.Kind);
        Assert.True(error.IsTransient);
        Assert.NotNull(budget.PausedUntil);
    }

    [Fact]
    public async Task RetryAfterHeader_SetsThePause()
    {
        var clock = new ManualClock();
        using var http = new HttpClient(new HeaderHandler(HttpStatusCode.TooManyRequests, "Retry-After", "17"));
        var transport = Transport(http, clock, out var budget);

        var error = await Assert.ThrowsAsync<ExchangeException>(() => transport.SendAsync(Get, OneWeight, default));

        Assert.Equal(TimeSpan.FromSeconds(17), error.RetryAfter);
        Assert.Equal(clock.GetUtcNow() + TimeSpan.FromSeconds(17), budget.PausedUntil);
    }

    [Fact]
    public async Task Ban_IsARateLimitError_AndTheAddressWaits()
    {
        var clock = new ManualClock();
        using var http = new HttpClient(new HeaderHandler((HttpStatusCode)418, "Retry-After", "120"));
        var transport = Transport(http, clock, out var budget);

        var error = await Assert.ThrowsAsync<ExchangeException>(() => transport.SendAsync(Get, OneWeight, default));

        Assert.Equal(ExchangeErrorKind.RateLimited, error.Kind);
        Assert.Equal("418", error.ExchangeCode);
        Assert.NotNull(budget.PausedUntil);
    }

    [Fact]
    public async Task ConnectionRefused_IsExchangeUnavailable()
    {
        using var http = new HttpClient();
        var transport = Transport(http, new ManualClock(), out _);

        var error = await Assert.ThrowsAsync<ExchangeException>(() => transport.SendAsync(
            _ => ValueTask.FromResult(new HttpRequestMessage(HttpMethod.Get, "http://127.0.0.1:1/api")), OneWeight, default));

        Assert.Equal(ExchangeErrorKind.ExchangeUnavailable, error.Kind);
        Assert.True(error.IsTransient);
    }

    [Fact]
    public async Task Success_ReturnsBody_FeedsUsage_AndLogsNoQuery()
    {
        var logs = new CapturingLoggerProvider();
        using var factory = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(logs));
        using var http = new HttpClient(new HeaderHandler(HttpStatusCode.OK, "X-Used", "42"));
        var budget = new RequestBudgets(new ManualClock()).For("x", "key", "host", [Weight]);
        var transport = new ExchangeTransport("x", http, budget, new ExchangeClock(TimeProvider.System), factory.CreateLogger("t"), (response, b) => b.Observe("weight", double.Parse(response.Header("X-Used")!, System.Globalization.CultureInfo.InvariantCulture)));

        var response = await transport.SendAsync(
            _ => ValueTask.FromResult(new HttpRequestMessage(HttpMethod.Get, "http://exchange.test/api/v3/account?timestamp=1&signature=deadbeefcafe")), OneWeight, default);

        Assert.Equal(200, response.StatusCode);
        Assert.Equal(42, budget["weight"].Used);
        Assert.Contains(logs.Lines, l => l.Contains("/api/v3/account", StringComparison.Ordinal));
        Assert.DoesNotContain(logs.Lines, l => l.Contains("deadbeefcafe", StringComparison.Ordinal));
    }

    [Fact]
    public void ClockOffset_IsServerTimeMinusTheMidpointOfTheRoundTrip()
    {
        var clock = new ManualClock();
        var exchangeClock = new ExchangeClock(clock);
        var sent = clock.GetUtcNow();

        exchangeClock.Observe(sent + TimeSpan.FromSeconds(3), sent, sent + TimeSpan.FromMilliseconds(200));

        Assert.Equal(TimeSpan.FromMilliseconds(2900), exchangeClock.Offset);
        Assert.Equal(clock.GetUtcNow() + TimeSpan.FromMilliseconds(2900), exchangeClock.Now);
    }

    [Theory]
    [InlineData(30_000)] // the answer could have been made anywhere in half a minute
    [InlineData(-500)] // the local clock was stepped back during the call
    public void ClockOffset_KeepsTheLastMeasurement_WhenTheRoundTripCannotBeTrusted(int roundTripMs)
    {
        var clock = new ManualClock();
        var exchangeClock = new ExchangeClock(clock);
        var sent = clock.GetUtcNow();
        exchangeClock.Observe(sent + TimeSpan.FromSeconds(3), sent, sent + TimeSpan.FromMilliseconds(200));
        var measuredAt = exchangeClock.MeasuredAt;

        exchangeClock.Observe(sent + TimeSpan.FromHours(3), sent, sent + TimeSpan.FromMilliseconds(roundTripMs));

        Assert.Equal(TimeSpan.FromMilliseconds(2900), exchangeClock.Offset);
        Assert.Equal(measuredAt, exchangeClock.MeasuredAt);
    }

    private static ValueTask<HttpRequestMessage> Get(CancellationToken cancellationToken) =>
        ValueTask.FromResult(new HttpRequestMessage(HttpMethod.Get, "http://exchange.test/api"));

    private static ExchangeTransport Transport(HttpClient http, ManualClock clock, out RequestBudget budget)
    {
        budget = new RequestBudgets(clock).For("x", "key", "host", [Weight]);
        return new ExchangeTransport("x", http, budget, new ExchangeClock(clock), NullLogger.Instance);
    }

    private sealed class HeaderHandler(HttpStatusCode status, string header, string value) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = new HttpResponseMessage(status) { Content = new StringContent("{}") };
            response.Headers.TryAddWithoutValidation(header, value);
            return Task.FromResult(response);
        }
    }
}
