using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Coffer.Server.Features.Perimeter;
using Coffer.Server.Tests.Support;

namespace Coffer.Server.Tests.Perimeter;

public sealed class RateLimitTests : IAsyncLifetime
{
    private readonly TestData _data = new();
    private ServerInstance _server = null!;
    private string _admin = null!;

    public async Task InitializeAsync()
    {
        // Long windows and small quotas, so the test never races a window boundary.
        _server = await ServerInstance.StartAsync(_data.Settings() with { RateLimits = new RateLimitSettings(Interactive: 50, Api: 3, Anonymous: 20, PerIp: 1000, WindowSeconds: 300) });
        (_, _admin) = await _server.InitAndUnsealAsync();
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _data.Dispose();
    }

    [Fact]
    public async Task ApiToken_OverItsQuota_429WithRetryAfterAndRateLimitFields_OtherTokensUnaffected()
    {
        var first = await CreateApiTokenAsync();
        var second = await CreateApiTokenAsync();

        for (var i = 0; i < 3; i++)
        {
            using var ok = await GetSelfAsync(first);
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
            // The daily quota (DailyQuotaTests) is the list's second member, after the window's.
            Assert.Equal("\"api\";q=3;w=300, \"daily\";q=20000;w=86400", ok.Headers.GetValues("RateLimit-Policy").Single());
            Assert.StartsWith($"\"api\";r={2 - i};t=300, \"daily\";r={19_999 - i};t=", ok.Headers.GetValues("RateLimit").Single(), StringComparison.Ordinal);
        }

        using var refused = await GetSelfAsync(first);
        await ProblemAssert.AssertAsync(refused, HttpStatusCode.TooManyRequests, "rate-limited");
        Assert.True(int.Parse(refused.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture) > 0);
        Assert.StartsWith("\"api\";r=0;", refused.Headers.GetValues("RateLimit").Single(), StringComparison.Ordinal);

        using var other = await GetSelfAsync(second);
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
    }

    [Fact]
    public async Task Anonymous_OverThePerIpQuota_429NeverServiceUnavailable()
    {
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 25; i++)
        {
            using var response = await _server.Client.GetAsync(new Uri("/api/v1/sys/health", UriKind.Relative));
            statuses.Add(response.StatusCode);
        }

        Assert.DoesNotContain(HttpStatusCode.ServiceUnavailable, statuses);
        Assert.Contains(HttpStatusCode.TooManyRequests, statuses);
        Assert.Equal(statuses.Count(s => s == HttpStatusCode.OK), statuses.TakeWhile(s => s == HttpStatusCode.OK).Count());
    }

    [Fact]
    public async Task Cors_PreflightFromAnotherOrigin_GetsNoAllowOrigin()
    {
        using var request = new HttpRequestMessage(HttpMethod.Options, "/api/v1/tokens/self");
        request.Headers.Add("Origin", "https://evil.example");
        request.Headers.Add("Access-Control-Request-Method", "GET");
        request.Headers.Add("Access-Control-Request-Headers", "authorization");

        using var response = await _server.Client.SendAsync(request);

        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
        Assert.False(response.IsSuccessStatusCode);
    }

    private async Task<string> CreateApiTokenAsync()
    {
        using var response = await _server.PostJsonAsync("/api/v1/tokens", new { scopes = new[] { "tokens:read" } }, _admin);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;
    }

    private async Task<HttpResponseMessage> GetSelfAsync(string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/tokens/self");
        request.Headers.Authorization = new("Bearer", token);
        return await _server.Client.SendAsync(request);
    }
}
