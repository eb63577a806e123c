using System.Text.Json.Nodes;
using Coffer.Cli.Tests.Infrastructure;

namespace Coffer.Cli.Tests.Tokens;

public sealed class TokenListTests
{
    private const string FirstPage = "/api/v1/tokens?limit=200";

    [Fact]
    public async Task List_SeveralPages_FollowsNextUntilDoneAndPrintsEveryToken()
    {
        await using var server = await FakeTokenServer.StartAsync();
        server.On("GET", FirstPage, 200, Page("acc_b", FakeTokenServer.View("acc_a"), FakeTokenServer.View("acc_b")));
        server.On("GET", FirstPage + "&after=acc_b", 200, Page(null, FakeTokenServer.View("acc_c")));

        var result = await CliRunner.RunAsync(server.Environment(), "token", "list");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal([FirstPage, FirstPage + "&after=acc_b"], server.Requests.Select(r => r.PathAndQuery));
        Assert.All(server.Requests, r => Assert.Equal(("GET", "Bearer " + FakeTokenServer.CallerToken), (r.Method, r.Authorization)));
        foreach (var accessor in new[] { "acc_a", "acc_b", "acc_c" })
        {
            Assert.Contains(accessor, result.Stdout, StringComparison.Ordinal);
        }

        Assert.DoesNotContain(FakeTokenServer.CallerToken, result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_Json_PrintsOneArrayOfEveryPagesItems()
    {
        await using var server = await FakeTokenServer.StartAsync();
        server.On("GET", FirstPage, 200, Page("acc_b", FakeTokenServer.View("acc_a"), FakeTokenServer.View("acc_b")));
        server.On("GET", FirstPage + "&after=acc_b", 200, Page(null, FakeTokenServer.View("acc_c")));

        var result = await CliRunner.RunAsync(server.Environment(), "token", "list", "--format", "json");

        Assert.Equal(0, result.ExitCode);
        var items = JsonNode.Parse(result.Stdout)!.AsArray();
        Assert.Equal(["acc_a", "acc_b", "acc_c"], items.Select(item => item!["accessor"]!.GetValue<string>()));
        Assert.True(JsonNode.DeepEquals(FakeTokenServer.View("acc_c"), items[2]));
    }

    [Fact]
    public async Task List_All_AsksForRevokedTokensToo()
    {
        await using var server = await FakeTokenServer.StartAsync();
        const string path = "/api/v1/tokens?include_revoked=true&limit=200";
        server.On("GET", path, 200, Page(null, FakeTokenServer.View("acc_gone", view =>
        {
            view["revoked"] = true;
            view["revoked_at"] = "2030-01-03T00:00:00+00:00";
        })));

        var result = await CliRunner.RunAsync(server.Environment(), "token", "list", "--all");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(path, server.SingleRequest().PathAndQuery);
        Assert.Contains("acc_gone", result.Stdout, StringComparison.Ordinal);
        Assert.Matches(@"acc_gone.*\byes\b", result.Stdout);
    }

    [Fact]
    public async Task List_Table_ShowsKindNameScopesExpiryUsesAndRevoked()
    {
        await using var server = await FakeTokenServer.StartAsync();
        server.On("GET", FirstPage, 200, Page(
            null,
            FakeTokenServer.View("acc_limited", view =>
            {
                view["kind"] = "session";
                view["display_name"] = "laptop [browser]";
                view["scopes"] = new JsonArray("orders:read", "portfolio:read");
                view["expires_at"] = "2030-05-06T07:08:09.5+02:00";
                view["max_uses"] = 10;
                view["uses"] = 3;
            }),
            FakeTokenServer.View("acc_open", view => view["uses"] = 42)));

        var result = await CliRunner.RunAsync(server.Environment(), "token", "list");

        Assert.Equal(0, result.ExitCode);
        foreach (var header in new[] { "Accessor", "Kind", "Name", "Scopes", "Expires", "Uses", "Revoked" })
        {
            Assert.Contains(header, result.Stdout, StringComparison.Ordinal);
        }

        var limited = Line(result.Stdout, "acc_limited");
        Assert.Contains("session", limited, StringComparison.Ordinal);
        Assert.Contains("laptop [browser]", limited, StringComparison.Ordinal);
        Assert.Contains("orders:read portfolio:read", limited, StringComparison.Ordinal);
        Assert.Contains("2030-05-06 05:08:09Z", limited, StringComparison.Ordinal);
        Assert.Contains("3 of 10", limited, StringComparison.Ordinal);
        Assert.Matches(@"\bno\b", limited);
        var open = Line(result.Stdout, "acc_open");
        Assert.Contains("never", open, StringComparison.Ordinal);
        Assert.Contains("42 (no limit)", open, StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_NoTokens_SaysSo()
    {
        await using var server = await FakeTokenServer.StartAsync();
        server.On("GET", FirstPage, 200, Page(null));

        var result = await CliRunner.RunAsync(server.Environment(), "token", "list");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("No tokens.", result.Stdout.Trim());
    }

    [Fact]
    public async Task List_ServerRepeatsACursor_StopsWithAnErrorInsteadOfLooping()
    {
        await using var server = await FakeTokenServer.StartAsync();
        server.On("GET", FirstPage, 200, Page("acc_b", FakeTokenServer.View("acc_a")));
        server.On("GET", FirstPage + "&after=acc_b", 200, Page("acc_b", FakeTokenServer.View("acc_b")));

        var result = await CliRunner.RunAsync(server.Environment(), "token", "list");

        Assert.Equal(ExitCodes.Failure, result.ExitCode);
        Assert.Contains("same page of tokens twice", result.Stderr, StringComparison.Ordinal);
        Assert.Equal(2, server.Requests.Count);
        Assert.Equal(string.Empty, result.Stdout);
    }

    [Fact]
    public async Task List_ProblemOnALaterPage_ShowsTheProblemAndNoPartialList()
    {
        await using var server = await FakeTokenServer.StartAsync();
        server.On("GET", FirstPage, 200, Page("acc_a", FakeTokenServer.View("acc_a")));
        server.OnProblem("GET", FirstPage + "&after=acc_a", 401, "unauthorized", "Authentication is required.", "Send a valid Coffer token.");

        var result = await CliRunner.RunAsync(server.Environment(), "token", "list");

        Assert.Equal(ExitCodes.Failure, result.ExitCode);
        Assert.Contains("Error: Authentication is required. — Send a valid Coffer token.", result.Stderr, StringComparison.Ordinal);
        Assert.Equal(string.Empty, result.Stdout);
    }

    [Fact]
    public async Task List_Forbidden_ShowsTheProblem()
    {
        await using var server = await FakeTokenServer.StartAsync();
        server.OnProblem("GET", FirstPage, 403, "forbidden", "Not allowed.", "This token's scopes do not allow this action.");

        var result = await CliRunner.RunAsync(server.Environment(), "token", "list");

        Assert.Equal(ExitCodes.Failure, result.ExitCode);
        Assert.Contains("Error: Not allowed. — This token's scopes do not allow this action.", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_AnswerWithoutItems_FailsClearly()
    {
        await using var server = await FakeTokenServer.StartAsync();
        server.On("GET", FirstPage, 200, new JsonObject { ["tokens"] = new JsonArray() });

        var result = await CliRunner.RunAsync(server.Environment(), "token", "list");

        Assert.Equal(ExitCodes.Failure, result.ExitCode);
        Assert.Contains("has no items list", result.Stderr, StringComparison.Ordinal);
    }

    internal static JsonObject Page(string? next, params JsonObject[] items) => new()
    {
        ["items"] = new JsonArray([.. items]),
        ["next"] = next,
    };

    private static string Line(string text, string containing) =>
        Assert.Single(text.Split('\n'), line => line.Contains(containing, StringComparison.Ordinal));
}
