using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Coffer.Server.Tests.Support;

namespace Coffer.Server.Tests.Tokens;

public sealed class TokenApiTests : ServerTest
{
    private string _admin = null!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        (_, _admin) = await Server.InitAndUnsealAsync();
    }

    [Fact]
    public async Task Create_Child_ReturnsValueOnceAndLookupShowsParent()
    {
        var (token, accessor) = await CreateAsync(_admin, new { scopes = new[] { "tokens:read", "tokens:write" }, ttl_seconds = 3600, display_name = "bot" });
        var created = (await Server.GetJsonAsync("/api/v1/notifications", _admin)).GetProperty("items").EnumerateArray()
            .Single(n => n.GetProperty("kind").GetString() == "token.created");
        Assert.Contains(accessor, created.GetProperty("body").GetString(), StringComparison.Ordinal);

        var self = await Server.GetJsonAsync("/api/v1/tokens/self", token);
        var adminSelf = await Server.GetJsonAsync("/api/v1/tokens/self", _admin);
        Assert.Equal(accessor, self.GetProperty("accessor").GetString());
        Assert.Equal("api", self.GetProperty("kind").GetString());
        Assert.Equal(adminSelf.GetProperty("accessor").GetString(), self.GetProperty("parent").GetString());
        Assert.Equal(["tokens:read", "tokens:write"], self.GetProperty("scopes").EnumerateArray().Select(s => s.GetString()));
        Assert.Equal("bot", self.GetProperty("display_name").GetString());
        Assert.False(self.GetProperty("revoked").GetBoolean());
        var lookup = await Server.GetJsonAsync("/api/v1/tokens/" + accessor, _admin);
        Assert.DoesNotContain(token, lookup.GetRawText(), StringComparison.Ordinal);
        Assert.Matches("^cof_api_[0-9A-Za-z]{43}_[0-9A-Za-z]{6}$", token);
    }

    public static TheoryData<string, string> WiderThanParent() => new()
    {
        { """{"scopes":["audit:read"]}""", "scope" },
        { """{"scopes":["tokens:read"],"ttl_seconds":7200}""", "expire" },
        { """{"scopes":["tokens:read"],"ip_allowlist":["10.0.0.0/8"]}""", "IP ranges" },
        { """{"scopes":["tokens:read"],"max_uses":25}""", "max_uses" },
        { """{"scopes":["tokens:read"],"trading":{"max_order_notional":1001}}""", "max_order_notional" },
        { """{"scopes":["tokens:read"],"trading":{"exchanges":["binance","kraken"]}}""", "exchanges" },
    };

    [Theory]
    [MemberData(nameof(WiderThanParent))]
    public async Task Create_ChildWiderThanParent_RefusedWithProblemAndNothingCreated(string body, string reason)
    {
        var (parent, _) = await CreateAsync(_admin, new
        {
            scopes = new[] { "tokens:read", "tokens:write" },
            ttl_seconds = 3600,
            ip_allowlist = new[] { "127.0.0.0/8" },
            max_uses = 20,
            trading = new { exchanges = new[] { "binance" }, max_order_notional = 1000m },
        });
        var before = await CountTokensAsync();

        using var response = await Server.PostRawAsync("/api/v1/tokens", body, token: parent);

        var problem = await ProblemAssert.AssertAsync(response, HttpStatusCode.BadRequest, "token-wider-than-parent");
        Assert.Contains(reason, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(before, await CountTokensAsync());
    }

    [Fact]
    public async Task Create_ChildInheritsParentLimits_WhenItSetsNone()
    {
        var (parent, _) = await CreateAsync(_admin, new { scopes = new[] { "tokens:read", "tokens:write" }, ttl_seconds = 3600, ip_allowlist = new[] { "127.0.0.1" } });
        var parentView = await Server.GetJsonAsync("/api/v1/tokens/self", parent);

        var (child, _) = await CreateAsync(parent, new { scopes = new[] { "tokens:read" } });

        var view = await Server.GetJsonAsync("/api/v1/tokens/self", child);
        Assert.Equal(parentView.GetProperty("expires_at").GetDateTimeOffset(), view.GetProperty("expires_at").GetDateTimeOffset());
        Assert.Equal(["127.0.0.1/32"], view.GetProperty("ip_allowlist").EnumerateArray().Select(s => s.GetString()));
    }

    [Theory]
    [InlineData("""{"scopes":[]}""", "invalid-argument")]
    [InlineData("""{"scopes":["no:such"]}""", "invalid-argument")]
    [InlineData("""{"scopes":["tokens:read"],"kind":"trader"}""", "invalid-argument")]
    [InlineData("""{"scopes":["tokens:read"],"ttl_seconds":0}""", "invalid-argument")]
    [InlineData("""{"scopes":["tokens:read"],"max_uses":0}""", "invalid-argument")]
    [InlineData("""{"scopes":["tokens:read"],"ip_allowlist":["not-an-ip"]}""", "invalid-argument")]
    [InlineData("""{"scopes":["tokens:read"],"trading":{"max_order_notional":-1}}""", "invalid-argument")]
    [InlineData("""{"scopes":"tokens:read"}""", "invalid-request")]
    [InlineData("""{"scopes":["tokens:read"],"surprise":1}""", "invalid-request")]
    public async Task Create_BadInput_ProblemAndNothingCreated(string body, string slug)
    {
        var before = await CountTokensAsync();

        using var response = await Server.PostRawAsync("/api/v1/tokens", body, token: _admin);

        await ProblemAssert.AssertAsync(response, HttpStatusCode.BadRequest, slug);
        Assert.Equal(before, await CountTokensAsync());
    }

    [Fact]
    public async Task Create_WithoutTokensWriteScope_Forbidden()
    {
        var (reader, _) = await CreateAsync(_admin, new { scopes = new[] { "tokens:read" } });

        using var response = await Server.PostJsonAsync("/api/v1/tokens", new { scopes = new[] { "tokens:read" } }, reader);

        await ProblemAssert.AssertAsync(response, HttpStatusCode.Forbidden, "forbidden");
    }

    [Fact]
    public async Task MaxUses_TokenStopsAuthenticatingAfterItsLastUse()
    {
        var (limited, _) = await CreateAsync(_admin, new { scopes = new[] { "tokens:read" }, max_uses = 3 });

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(3, (await Server.GetJsonAsync("/api/v1/tokens/self", limited)).GetProperty("max_uses").GetInt32());
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/tokens/self");
        request.Headers.Authorization = new("Bearer", limited);
        using var fourth = await Server.Client.SendAsync(request);
        await ProblemAssert.AssertAsync(fourth, HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Fact]
    public async Task IpBoundToken_UsedFromAnotherAddress_403AndNoUseCounted()
    {
        var (bound, accessor) = await CreateAsync(_admin, new { scopes = new[] { "tokens:read" }, ip_allowlist = new[] { "203.0.113.0/24" }, max_uses = 5 });

        // Refused every time; recorded and notified once per address and window, however often it is replayed.
        for (var i = 0; i < 5; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/tokens/self");
            request.Headers.Authorization = new("Bearer", bound);
            using var response = await Server.Client.SendAsync(request);
            await ProblemAssert.AssertAsync(response, HttpStatusCode.Forbidden, "ip-not-allowed");
        }

        Assert.Equal(0, (await Server.GetJsonAsync("/api/v1/tokens/" + accessor, _admin)).GetProperty("uses").GetInt32());
        var notifications = await Server.GetJsonAsync("/api/v1/notifications", _admin);
        var denied = notifications.GetProperty("items").EnumerateArray().Single(n => n.GetProperty("kind").GetString() == "token.ip_denied");
        Assert.Contains(accessor, denied.GetProperty("body").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain(bound, notifications.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_ShowsOwnTokensByAccessorOnly_PagesAndHidesRevoked()
    {
        var created = new List<(string Token, string Accessor)>();
        for (var i = 0; i < 5; i++)
        {
            created.Add(await CreateAsync(_admin, new { scopes = new[] { "tokens:read" } }));
        }

        (await Server.PostJsonAsync($"/api/v1/tokens/{created[0].Accessor}/revoke", null, _admin)).Dispose();
        var seen = new List<string>();
        string? after = null;
        do
        {
            var page = await Server.GetJsonAsync("/api/v1/tokens?limit=2" + (after is null ? string.Empty : "&after=" + after), _admin);
            seen.AddRange(page.GetProperty("items").EnumerateArray().Select(t => t.GetProperty("accessor").GetString()!));
            Assert.DoesNotContain("cof_", page.GetRawText(), StringComparison.Ordinal);
            after = page.GetProperty("next").GetString();
        }
        while (after is not null);

        Assert.Equal(5, seen.Count); // four children and the admin's root
        Assert.DoesNotContain(created[0].Accessor, seen);
        var all = await Server.GetJsonAsync("/api/v1/tokens?include_revoked=true&limit=200", _admin);
        Assert.Equal(6, all.GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task Revoke_ByChildOfItsParent_ForbiddenAndParentStillWorks()
    {
        var (parent, parentAccessor) = await CreateAsync(_admin, new { scopes = new[] { "tokens:read", "tokens:write" } });
        var (child, _) = await CreateAsync(parent, new { scopes = new[] { "tokens:read", "tokens:write" } });

        using var response = await Server.PostJsonAsync($"/api/v1/tokens/{parentAccessor}/revoke", null, child);

        await ProblemAssert.AssertAsync(response, HttpStatusCode.Forbidden, "forbidden");
        Assert.False((await Server.GetJsonAsync("/api/v1/tokens/self", parent)).GetProperty("revoked").GetBoolean());
    }

    [Fact]
    public async Task Revoke_Self_RevokesSubtreeAndNextCallIs401()
    {
        var (parent, _) = await CreateAsync(_admin, new { scopes = new[] { "tokens:read", "tokens:write" } });
        var (child, _) = await CreateAsync(parent, new { scopes = new[] { "tokens:read" } });

        using var revoke = await Server.PostJsonAsync("/api/v1/tokens/self/revoke", null, parent);

        Assert.Equal(2, (await revoke.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("revoked").GetInt32());
        foreach (var token in new[] { parent, child })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/tokens/self");
            request.Headers.Authorization = new("Bearer", token);
            using var response = await Server.Client.SendAsync(request);
            await ProblemAssert.AssertAsync(response, HttpStatusCode.Unauthorized, "unauthorized");
        }
    }

    [Fact]
    public async Task LookupRevokeLog_AnotherUsersToken_404()
    {
        var tree = (Coffer.Server.Features.Tokens.TokenTree)Server.Services.GetService(typeof(Coffer.Server.Features.Tokens.TokenTree))!;
        var stranger = await tree.CreateRootAsync(Guid.NewGuid(), ["tokens:read", "tokens:write"], default);
        var (mine, _) = await CreateAsync(_admin, new { scopes = new[] { "tokens:read", "tokens:write" } });

        foreach (var (method, path) in new[] { ("GET", ""), ("POST", "/revoke"), ("GET", "/log") })
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), $"/api/v1/tokens/{stranger.Accessor}{path}");
            request.Headers.Authorization = new("Bearer", mine);
            using var response = await Server.Client.SendAsync(request);
            await ProblemAssert.AssertAsync(response, HttpStatusCode.NotFound, "not-found");
        }

        Assert.False((await Server.GetJsonAsync("/api/v1/tokens/self", stranger.Token)).GetProperty("revoked").GetBoolean());
    }

    [Fact]
    public async Task AccessLog_RecordsEachAuthenticatedRequestWithRouteTemplate_AndPages()
    {
        var (token, accessor) = await CreateAsync(_admin, new { scopes = new[] { "tokens:read" } });
        for (var i = 0; i < 3; i++)
        {
            await Server.GetJsonAsync("/api/v1/tokens/self", token);
        }

        using (var lookup = new HttpRequestMessage(HttpMethod.Get, "/api/v1/tokens/" + accessor))
        {
            lookup.Headers.Authorization = new("Bearer", token);
            lookup.Headers.UserAgent.ParseAdd("coffer-test/1.0");
            (await Server.Client.SendAsync(lookup)).Dispose();
        }

        await ((Coffer.Server.Features.Tokens.AccessLogWriter)Server.Services.GetService(typeof(Coffer.Server.Features.Tokens.AccessLogWriter))!).FlushAsync(default);
        var log = await Server.GetJsonAsync($"/api/v1/tokens/{accessor}/log?limit=2", _admin);

        var items = log.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(2, items.Count);
        Assert.Equal("/api/v1/tokens/{accessor}", items[0].GetProperty("route").GetString());
        Assert.Equal("coffer-test/1.0", items[0].GetProperty("user_agent").GetString());
        Assert.Equal("127.0.0.1", items[0].GetProperty("client_ip").GetString());
        Assert.Equal(200, items[0].GetProperty("status").GetInt32());
        Assert.Equal("GET", items[0].GetProperty("method").GetString());
        Assert.Equal("/api/v1/tokens/self", items[1].GetProperty("route").GetString());
        var next = log.GetProperty("next").GetInt64();
        var rest = await Server.GetJsonAsync($"/api/v1/tokens/{accessor}/log?before={next}", _admin);
        Assert.Equal(2, rest.GetProperty("items").GetArrayLength());
        Assert.Equal(JsonValueKind.Null, rest.GetProperty("next").ValueKind);
    }

    [Theory]
    [InlineData("/api/v1/tokens?limit=0")]
    [InlineData("/api/v1/tokens?limit=abc")]
    [InlineData("/api/v1/tokens/self/log?limit=100000")]
    public async Task List_BadQuery_400Problem(string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new("Bearer", _admin);

        using var response = await Server.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    private async Task<(string Token, string Accessor)> CreateAsync(string parent, object body)
    {
        using var response = await Server.PostJsonAsync("/api/v1/tokens", body, parent);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, text);
        var json = JsonDocument.Parse(text).RootElement;
        return (json.GetProperty("token").GetString()!, json.GetProperty("accessor").GetString()!);
    }

    private async Task<long> CountTokensAsync()
    {
        await using var connection = Coffer.Server.Data.Database.CreateConnection(Server.Settings);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM tokens";
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
