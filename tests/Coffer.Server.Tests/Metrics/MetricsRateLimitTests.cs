using System.Net;
using Coffer.Server.Features.Perimeter;
using Coffer.Server.Tests.Audit;
using Coffer.Server.Tests.Support;

namespace Coffer.Server.Tests.Metrics;

/// <summary>Rate-limited requests in <c>/metrics</c>, on a server with a tiny API quota and a long window.</summary>
public sealed class MetricsRateLimitTests : IAsyncLifetime
{
    private readonly TestData _data = new();
    private ServerInstance _server = null!;
    private string _admin = null!;

    public async Task InitializeAsync()
    {
        _server = await ServerInstance.StartAsync(_data.Settings() with { RateLimits = new RateLimitSettings(Interactive: 50, Api: 3, Anonymous: 20, PerIp: 1000, WindowSeconds: 300) });
        (_, _admin) = await _server.InitAndUnsealAsync();
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _data.Dispose();
    }

    [Fact]
    public async Task Metrics_ApiTokenOverItsQuota_CountedByPolicyAndAs429UnderItsRoute()
    {
        var (token, accessor) = await _server.TokenAsync("tokens:read");
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            using var response = await _server.GetAsync("/api/v1/tokens/self", token);
            statuses.Add(response.StatusCode);
        }

        using var scrape = await _server.GetAsync("/metrics", _admin);
        var text = await scrape.Content.ReadAsStringAsync();

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], statuses);
        var families = Exposition.Parse(text);
        Assert.Equal(1, families.Value("coffer_rate_limited_requests_total", ("policy", "api")));
        Assert.Equal(1, families.Value("coffer_http_requests_total", ("method", "GET"), ("route", "/api/v1/tokens/self"), ("status", "429")));
        Assert.Equal(3, families.Value("coffer_http_requests_total", ("method", "GET"), ("route", "/api/v1/tokens/self"), ("status", "200")));
        Assert.DoesNotContain(accessor, text, StringComparison.Ordinal);
    }
}
