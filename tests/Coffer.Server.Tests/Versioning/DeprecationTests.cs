using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Coffer.Server.Features.Tokens;
using Coffer.Server.Features.Versioning;
using Coffer.Server.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Coffer.Server.Tests.Versioning;

/// <summary>
/// The deprecated <c>GET /api/v1/tokens/{accessor}/log</c> and its successor <c>/access-log</c>: the RFC 9745 and
/// RFC 8594 fields on every response, unchanged behaviour until the sunset, 410 <c>gone</c> after it. The server runs on
/// a manual clock set relative to the real dates, so the tests do not depend on the day they run.
/// </summary>
public sealed partial class DeprecationTests : IAsyncLifetime
{
    private readonly TestData _data = new();
    private readonly ManualClock _clock = new();
    private ServerInstance _server = null!;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        _data.Dispose();
    }

    [Fact]
    public async Task DeprecatedLog_BeforeSunset_AnswersWithExactParseableFields()
    {
        var (admin, accessor) = await StartAtAsync(TokenEndpoints.LogDeprecated.AddDays(1));

        using var response = await GetAsync($"/api/v1/tokens/{accessor}/log?limit=5", admin);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var deprecation = response.Headers.GetValues("Deprecation").Single();
        var sunset = response.Headers.GetValues("Sunset").Single();
        Assert.Equal("@1796083200", deprecation);
        Assert.Equal("Thu, 01 Jul 2027 00:00:00 GMT", sunset);
        var deprecatedAt = DateTimeOffset.FromUnixTimeSeconds(long.Parse(deprecation[1..], NumberStyles.None, CultureInfo.InvariantCulture));
        var sunsetAt = DateTimeOffset.ParseExact(sunset, "r", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
        Assert.Equal(TokenEndpoints.LogDeprecated, deprecatedAt);
        Assert.Equal(TokenEndpoints.LogSunset, sunsetAt);
        Assert.True(sunsetAt >= deprecatedAt);
        var links = Links(response);
        Assert.Equal($"/api/v1/tokens/{accessor}/access-log", links["successor-version"]);
        Assert.Equal("/openapi/v1.json", links["deprecation"]);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(JsonValueKind.Array, body.GetProperty("items").ValueKind);
    }

    [Fact]
    public async Task SuccessorLink_ResolvesToAWorkingRoute_ThatIsNotDeprecated()
    {
        var (admin, accessor) = await StartAtAsync(TokenEndpoints.LogDeprecated.AddDays(1));
        using var old = await GetAsync($"/api/v1/tokens/{accessor}/log?limit=5", admin);

        using var successor = await GetAsync(Links(old)["successor-version"] + "?limit=5", admin);

        Assert.Equal(HttpStatusCode.OK, successor.StatusCode);
        Assert.False(successor.Headers.Contains("Deprecation"));
        Assert.False(successor.Headers.Contains("Sunset"));
        var oldBody = await old.Content.ReadFromJsonAsync<JsonElement>();
        var newBody = await successor.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(Names(oldBody), Names(newBody));
    }

    [Fact]
    public async Task DeprecatedLog_ErrorResponse_CarriesTheFieldsToo()
    {
        var (_, accessor) = await StartAtAsync(TokenEndpoints.LogDeprecated.AddDays(1));

        using var response = await GetAsync($"/api/v1/tokens/{accessor}/log", token: null);

        await ProblemAssert.AssertAsync(response, HttpStatusCode.Unauthorized, "unauthorized");
        Assert.Equal("@1796083200", response.Headers.GetValues("Deprecation").Single());
        Assert.Equal("Thu, 01 Jul 2027 00:00:00 GMT", response.Headers.GetValues("Sunset").Single());
    }

    [Fact]
    public async Task DeprecatedLog_AfterSunset_410GoneNamingTheSuccessor_SuccessorStillWorks()
    {
        var (admin, accessor) = await StartAtAsync(TokenEndpoints.LogSunset.AddSeconds(1));

        using var gone = await GetAsync($"/api/v1/tokens/{accessor}/log", admin);

        var problem = await ProblemAssert.AssertAsync(gone, HttpStatusCode.Gone, "gone");
        Assert.Contains($"/api/v1/tokens/{accessor}/access-log", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal("@1796083200", gone.Headers.GetValues("Deprecation").Single());
        Assert.Equal("Thu, 01 Jul 2027 00:00:00 GMT", gone.Headers.GetValues("Sunset").Single());
        Assert.Equal($"/api/v1/tokens/{accessor}/access-log", Links(gone)["successor-version"]);
        using var successor = await GetAsync($"/api/v1/tokens/{accessor}/access-log", admin);
        Assert.Equal(HttpStatusCode.OK, successor.StatusCode);
    }

    [Fact]
    public async Task DeprecatedLog_AtTheSunsetInstant_IsGone()
    {
        var (admin, accessor) = await StartAtAsync(TokenEndpoints.LogSunset.AddSeconds(-1));
        using (var before = await GetAsync($"/api/v1/tokens/{accessor}/log", admin))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        _clock.Advance(TimeSpan.FromSeconds(1));
        using var at = await GetAsync($"/api/v1/tokens/{accessor}/log", admin);

        await ProblemAssert.AssertAsync(at, HttpStatusCode.Gone, "gone");
    }

    [Fact]
    public void Deprecated_SunsetBeforeDeprecation_FailsWhileMapping()
    {
        var app = WebApplication.CreateSlimBuilder().Build();
        var route = app.MapGet("/api/v1/example", () => "ok");
        var deprecation = new DateTimeOffset(2027, 1, 1, 0, 0, 0, TimeSpan.Zero);

        var error = Assert.Throws<InvalidOperationException>(() => route.Deprecated(deprecation, deprecation.AddSeconds(-1), "/api/v1/example2"));

        Assert.Contains("earlier than its deprecation", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Deprecated_SuccessorOutsideTheApi_FailsWhileMapping()
    {
        var app = WebApplication.CreateSlimBuilder().Build();
        var route = app.MapGet("/api/v1/example", () => "ok");
        var deprecation = new DateTimeOffset(2027, 1, 1, 0, 0, 0, TimeSpan.Zero);

        Assert.Throws<InvalidOperationException>(() => route.Deprecated(deprecation, deprecation.AddDays(90), "https://elsewhere.example/"));
    }

    [Fact]
    public void Successor_RouteValuesAreEscapedIntoTheTemplate()
    {
        var metadata = new DeprecationMetadata(DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, "/api/v1/tokens/{accessor}/access-log");

        var path = metadata.SuccessorFor(new Microsoft.AspNetCore.Routing.RouteValueDictionary { ["accessor"] = "a b/c" });

        Assert.Equal("/api/v1/tokens/a%20b%2Fc/access-log", path);
    }

    /// <summary>Starts the server with the clock at <paramref name="at"/>, initializes it; the admin token and its accessor.</summary>
    private async Task<(string Admin, string Accessor)> StartAtAsync(DateTimeOffset at)
    {
        _clock.Advance(at - _clock.GetUtcNow());
        _server = await ServerInstance.StartAsync(_data.Settings(), _clock.Install());
        var (_, admin) = await _server.InitAndUnsealAsync();
        var self = await _server.GetJsonAsync("/api/v1/tokens/self", admin);
        return (admin, self.GetProperty("accessor").GetString()!);
    }

    private async Task<HttpResponseMessage> GetAsync(string path, string? token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (token is not null)
        {
            request.Headers.Authorization = new("Bearer", token);
        }

        return await _server.Client.SendAsync(request);
    }

    /// <summary>The Link field (RFC 8288) by relation type.</summary>
    private static Dictionary<string, string> Links(HttpResponseMessage response) =>
        LinkPattern().Matches(string.Join(", ", response.Headers.GetValues("Link")))
            .ToDictionary(m => m.Groups["rel"].Value, m => m.Groups["target"].Value, StringComparer.Ordinal);

    private static List<string> Names(JsonElement element) => [.. element.EnumerateObject().Select(p => p.Name)];

    [GeneratedRegex("<(?<target>[^>]*)>\\s*;\\s*rel=\"(?<rel>[^\"]+)\"")]
    private static partial Regex LinkPattern();
}
