using System.Text.Json.Nodes;
using Coffer.Cli.Tests.Infrastructure;

namespace Coffer.Cli.Tests.Tokens;

public sealed class TokenLogTests
{
    [Fact]
    public async Task Log_DefaultLimit_AsksForTheLatestHundredAndShowsThemNewestFirst()
    {
        await using var server = await FakeTokenServer.StartAsync();
        server.On("GET", "/api/v1/tokens/acc_bot/access-log?limit=100", 200, Page(null, Entry(9, "GET", "/api/v1/tokens/self", 200), Entry(8, "POST", "/api/v1/tokens/", 400)));

        var result = await CliRunner.RunAsync(server.Environment(), "token", "log", "acc_bot");

        Assert.Equal(0, result.ExitCode);
        var request = server.SingleRequest();
        Assert.Equal(("GET", "Bearer " + FakeTokenServer.CallerToken), (request.Method, request.Authorization));
        foreach (var header in new[] { "Time", "Method", "Route", "Status", "Latency", "Client IP", "User agent" })
        {
            Assert.Contains(header, result.Stdout, StringComparison.Ordinal);
        }

        var self = result.Stdout.IndexOf("/api/v1/tokens/self", StringComparison.Ordinal);
        var create = result.Stdout.IndexOf("/api/v1/tokens/ ", StringComparison.Ordinal);
        Assert.InRange(self, 0, create);
        Assert.Matches(@"2030-01-02 03:04:09Z\s+│\s+GET\s+│\s+/api/v1/tokens/self\s+│\s+200\s+│\s+1\.5 ms\s+│\s+198\.51\.100\.7\s+│\s+coffer-cli/1\.0", result.Stdout);
        Assert.DoesNotContain(FakeTokenServer.CallerToken, result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Log_LimitAcrossPages_FollowsNextWithBeforeUntilTheLimit()
    {
        await using var server = await FakeTokenServer.StartAsync();
        server.On("GET", "/api/v1/tokens/acc_bot/access-log?limit=3", 200, Page(8, Entry(9, "GET", "/a", 200), Entry(8, "GET", "/b", 200)));
        server.On("GET", "/api/v1/tokens/acc_bot/access-log?limit=1&before=8", 200, Page(7, Entry(7, "GET", "/c", 200)));

        var result = await CliRunner.RunAsync(server.Environment(), "token", "log", "acc_bot", "--limit", "3", "--format", "json");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(["/api/v1/tokens/acc_bot/access-log?limit=3", "/api/v1/tokens/acc_bot/access-log?limit=1&before=8"], server.Requests.Select(r => r.PathAndQuery));
        var entries = JsonNode.Parse(result.Stdout)!.AsArray();
        Assert.Equal([9L, 8L, 7L], entries.Select(e => e!["id"]!.GetValue<long>()));
        Assert.True(JsonNode.DeepEquals(Entry(7, "GET", "/c", 200), entries[2]));
    }

    [Fact]
    public async Task Log_LargeLimit_PagesInTheServersLargestPages()
    {
        await using var server = await FakeTokenServer.StartAsync();
        server.On("GET", "/api/v1/tokens/acc_bot/access-log?limit=1000", 200, Page(50, Entry(51, "GET", "/a", 200)));
        server.On("GET", "/api/v1/tokens/acc_bot/access-log?limit=1000&before=50", 200, Page(null, Entry(50, "GET", "/b", 200)));

        var result = await CliRunner.RunAsync(server.Environment(), "token", "log", "acc_bot", "--limit", "2000", "--format", "json");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(2, server.Requests.Count);
        Assert.Equal(2, JsonNode.Parse(result.Stdout)!.AsArray().Count);
    }

    [Fact]
    public async Task Log_CursorThatDoesNotGoDown_StopsInsteadOfLooping()
    {
        await using var server = await FakeTokenServer.StartAsync();
        server.On("GET", "/api/v1/tokens/acc_bot/access-log?limit=10", 200, Page(8, Entry(9, "GET", "/a", 200)));
        server.On("GET", "/api/v1/tokens/acc_bot/access-log?limit=9&before=8", 200, Page(8, Entry(8, "GET", "/b", 200)));

        var result = await CliRunner.RunAsync(server.Environment(), "token", "log", "acc_bot", "--limit", "10", "--format", "json");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(2, server.Requests.Count);
    }

    [Fact]
    public async Task Log_Self_FindsTheCallingTokensAccessorFirst()
    {
        await using var server = await FakeTokenServer.StartAsync();
        server.On("GET", "/api/v1/tokens/self", 200, FakeTokenServer.View("acc_me"));
        server.On("GET", "/api/v1/tokens/acc_me/access-log?limit=100", 200, Page(null, Entry(1, "GET", "/api/v1/tokens/self", 200)));

        var result = await CliRunner.RunAsync(server.Environment(), "token", "log", "self", "--format", "json");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(["/api/v1/tokens/self", "/api/v1/tokens/acc_me/access-log?limit=100"], server.Requests.Select(r => r.PathAndQuery));
        Assert.Single(JsonNode.Parse(result.Stdout)!.AsArray());
    }

    [Fact]
    public async Task Log_NothingRecorded_SaysSo()
    {
        await using var server = await FakeTokenServer.StartAsync();
        server.On("GET", "/api/v1/tokens/acc_bot/access-log?limit=100", 200, Page(null));

        var result = await CliRunner.RunAsync(server.Environment(), "token", "log", "acc_bot");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("No requests recorded.", result.Stdout.Trim());
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("ten")]
    public async Task Log_BadLimit_UsageErrorWithoutRequest(string limit)
    {
        await using var server = await FakeTokenServer.StartAsync();

        var result = await CliRunner.RunAsync(server.Environment(), "token", "log", "acc_bot", "--limit", limit);

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("--limit must be a whole number of at least 1", result.Stderr, StringComparison.Ordinal);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task Log_NotFound_ShowsTheProblem()
    {
        await using var server = await FakeTokenServer.StartAsync();
        server.OnProblem("GET", "/api/v1/tokens/acc_other/access-log?limit=100", 404, "not-found", "No such resource.", "No token with this accessor among yours.");

        var result = await CliRunner.RunAsync(server.Environment(), "token", "log", "acc_other", "--format", "json");

        Assert.Equal(ExitCodes.Failure, result.ExitCode);
        Assert.Equal("urn:coffer:problem:not-found", JsonNode.Parse(result.Stdout)!["type"]!.GetValue<string>());
    }

    private static JsonObject Page(long? next, params JsonObject[] entries) => new()
    {
        ["items"] = new JsonArray([.. entries]),
        ["next"] = next,
    };

    private static JsonObject Entry(long id, string method, string route, int status) => new()
    {
        ["id"] = id,
        ["occurred_at"] = $"2030-01-02T03:04:0{id % 10}.250+00:00",
        ["client_ip"] = "198.51.100.7",
        ["user_agent"] = "coffer-cli/1.0",
        ["method"] = method,
        ["route"] = route,
        ["status"] = status,
        ["latency_ms"] = 1.46,
    };
}
