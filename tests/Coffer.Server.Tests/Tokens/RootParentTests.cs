using System.Net;
using System.Text.Json;
using Coffer.Server.Tests.Audit;
using Coffer.Server.Tests.Identity;
using Coffer.Server.Tests.Support;

namespace Coffer.Server.Tests.Tokens;

/// <summary>
/// <c>POST /api/v1/tokens</c> with <c>"parent":"root"</c>: a token a person makes in the web app hangs under their root
/// token, not under the 12-hour session, so it outlives sign-out and the session's expiry; only a session directly under
/// the root (or the root) may ask, always with step-up, never wider than the root. And <c>last_used_at</c> in the list.
/// </summary>
public abstract class RootParentTests : IdentityTest
{
    private static readonly string[] ReadOnly = ["portfolio:read"];
    private static readonly string[] Delegating = ["portfolio:read", "tokens:write"];
    private const long ThirtyDays = 30L * 24 * 3600;

    [Fact]
    public async Task Create_ParentRootFromSessionWithStepUp_SurvivesSignOutAndSessionExpiry()
    {
        var session = await SignUpAsync("tia");
        var (seed, _) = await EnrolTotpAsync(session);
        var sessionView = await Server.GetJsonAsync("/api/v1/tokens/self", session);
        var root = sessionView.GetProperty("parent").GetString()!;

        using var response = await SendAsync(HttpMethod.Post, "/api/v1/tokens", new { scopes = ReadOnly, ttl_seconds = ThirtyDays, parent = "root", display_name = "grid bot" }, session, stepUp: "totp=" + Code(seed));

        var created = await JsonAsync(response, HttpStatusCode.Created);
        var (bot, accessor, info) = (created.GetProperty("token").GetString()!, created.GetProperty("accessor").GetString()!, created.GetProperty("info"));
        Assert.Equal(root, info.GetProperty("parent").GetString());
        Assert.Equal("api", info.GetProperty("kind").GetString());
        Assert.True(info.GetProperty("expires_at").GetDateTimeOffset() > sessionView.GetProperty("expires_at").GetDateTimeOffset());

        // The audit record names the root as parent and the session as the creator; so does the notification.
        var record = (await Server.ListAllAsync(AdminToken)).Single(r => r.GetProperty("action").GetString() == "token.create" && r.GetProperty("target").GetString() == accessor);
        Assert.Equal(root, record.GetProperty("details").GetProperty("parent").GetString());
        Assert.Equal(sessionView.GetProperty("accessor").GetString(), record.GetProperty("details").GetProperty("created_by").GetString());
        var notice = (await Server.GetJsonAsync("/api/v1/notifications", session)).GetProperty("items").EnumerateArray()
            .Single(n => n.GetProperty("kind").GetString() == "token.created" && n.GetProperty("body").GetString()!.Contains(accessor, StringComparison.Ordinal));
        Assert.Contains("created by token " + sessionView.GetProperty("accessor").GetString(), notice.GetProperty("body").GetString(), StringComparison.Ordinal);
        Assert.Contains(root, notice.GetProperty("body").GetString(), StringComparison.Ordinal);

        // Sign-out revokes the session's subtree; the token is not in it.
        using (var signOut = await SendAsync(HttpMethod.Post, "/api/v1/auth/signout", null, session))
        {
            Assert.Equal(HttpStatusCode.NoContent, signOut.StatusCode);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, await StatusOfSelfAsync(session));
        Assert.Equal(HttpStatusCode.OK, await StatusOfSelfAsync(bot));

        // A new session expires after its 12 hours; the token lives on to its own expiry.
        Clock.NextTotpStep();
        var second = await SignInTokenAsync("tia", totpCode: Code(seed));
        Clock.Advance(TimeSpan.FromHours(13));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusOfSelfAsync(second));
        Assert.Equal(HttpStatusCode.OK, await StatusOfSelfAsync(bot));
        Clock.Advance(TimeSpan.FromDays(30));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusOfSelfAsync(bot));
    }

    [Fact]
    public async Task Create_ParentRootFromTheRootItself_ChildOfTheRoot()
    {
        var (seed, _) = await EnrolTotpAsync(AdminToken);
        var root = (await Server.GetJsonAsync("/api/v1/tokens/self", AdminToken)).GetProperty("accessor").GetString();

        using var response = await SendAsync(HttpMethod.Post, "/api/v1/tokens", new { scopes = ReadOnly, parent = "root" }, AdminToken, stepUp: "totp=" + Code(seed));

        Assert.Equal(root, (await JsonAsync(response, HttpStatusCode.Created)).GetProperty("info").GetProperty("parent").GetString());
    }

    [Fact]
    public async Task Create_ParentRootThatCanTrade_OneProofCoversBothReasonsForStepUp()
    {
        var session = await SignUpAsync("tom");
        var (seed, _) = await EnrolTotpAsync(session);
        var root = (await Server.GetJsonAsync("/api/v1/tokens/self", session)).GetProperty("parent").GetString();

        using var response = await SendAsync(HttpMethod.Post, "/api/v1/tokens", new { scopes = new[] { "orders:write", "portfolio:read" }, parent = "root" }, session, stepUp: "totp=" + Code(seed));

        var info = (await JsonAsync(response, HttpStatusCode.Created)).GetProperty("info");
        Assert.Equal(root, info.GetProperty("parent").GetString());
        Assert.Contains("orders:write", info.GetProperty("scopes").EnumerateArray().Select(s => s.GetString()));
    }

    [Fact]
    public async Task Create_ParentRootWithoutOrWithWrongStepUp_RefusedAndNothingCreated()
    {
        var session = await SignUpAsync("uli");
        var (seed, _) = await EnrolTotpAsync(session);
        var before = await CountTokensAsync();
        var body = new { scopes = ReadOnly, parent = "root" };

        using (var none = await SendAsync(HttpMethod.Post, "/api/v1/tokens", body, session))
        {
            await ProblemAssert.AssertAsync(none, HttpStatusCode.Forbidden, "step-up-required");
        }

        var wrong = Code(seed) == "000000" ? "111111" : "000000";
        using (var bad = await SendAsync(HttpMethod.Post, "/api/v1/tokens", body, session, stepUp: "totp=" + wrong))
        {
            await ProblemAssert.AssertAsync(bad, HttpStatusCode.Forbidden, "step-up-failed");
        }

        Assert.Equal(before, await CountTokensAsync());
    }

    [Fact]
    public async Task Create_ParentRootWithoutSecondFactorEnrolled_RefusedAndNothingCreated()
    {
        var session = await SignUpAsync("vera");
        var before = await CountTokensAsync();

        using var response = await SendAsync(HttpMethod.Post, "/api/v1/tokens", new { scopes = ReadOnly, parent = "root" }, session, stepUp: "totp=123456");

        await ProblemAssert.AssertAsync(response, HttpStatusCode.Forbidden, "second-factor-not-enrolled");
        Assert.Equal(before, await CountTokensAsync());
    }

    [Fact]
    public async Task Create_ParentRootFromApiToken_ForbiddenNothingCreatedAndTheCodeNotSpent()
    {
        var session = await SignUpAsync("wim");
        var (seed, _) = await EnrolTotpAsync(session);
        using var made = await SendAsync(HttpMethod.Post, "/api/v1/tokens", new { scopes = Delegating }, session);
        var api = (await JsonAsync(made, HttpStatusCode.Created)).GetProperty("token").GetString()!;

        // The API token cannot mint itself a "session" either (that kind comes only from signing in).
        var before = await CountTokensAsync();
        using (var minted = await SendAsync(HttpMethod.Post, "/api/v1/tokens", new { scopes = Delegating, kind = "session" }, api))
        {
            await ProblemAssert.AssertAsync(minted, HttpStatusCode.BadRequest, "invalid-argument");
        }

        var code = Code(seed);
        foreach (var caller in new[] { api })
        {
            using var response = await SendAsync(HttpMethod.Post, "/api/v1/tokens", new { scopes = ReadOnly, parent = "root" }, caller, stepUp: "totp=" + code);
            var problem = await ProblemAssert.AssertAsync(response, HttpStatusCode.Forbidden, "forbidden");
            Assert.Contains("Only a sign-in session or your account's root token", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        Assert.Equal(before, await CountTokensAsync());

        // Refused before step-up, so the code is still good for the person.
        using var ok = await SendAsync(HttpMethod.Post, "/api/v1/tokens", new { scopes = ReadOnly, parent = "root" }, session, stepUp: "totp=" + code);
        await JsonAsync(ok, HttpStatusCode.Created);
    }

    public static TheoryData<string, string, string> WiderThanRootOrNotApi() => new()
    {
        { """{"scopes":["admin"],"parent":"root"}""", "token-wider-than-parent", "admin" },
        { """{"scopes":["audit:read","portfolio:read"],"parent":"root"}""", "token-wider-than-parent", "audit:read" },
        { """{"scopes":["portfolio:read"],"parent":"root","kind":"session"}""", "invalid-argument", "API token" },
    };

    [Theory]
    [MemberData(nameof(WiderThanRootOrNotApi))]
    public async Task Create_ParentRootWiderThanRootOrNotAnApiToken_RefusedAndNothingCreated(string body, string slug, string reason)
    {
        var session = await SignUpAsync("xia");
        var (seed, _) = await EnrolTotpAsync(session);
        var before = await CountTokensAsync();

        using var response = await SendRawAsync(body, session, "totp=" + Code(seed));

        var problem = await ProblemAssert.AssertAsync(response, HttpStatusCode.BadRequest, slug);
        Assert.Contains(reason, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(before, await CountTokensAsync());
    }

    [Theory]
    [InlineData("""{"scopes":["portfolio:read"],"parent":"grandparent"}""", "invalid-argument")]
    [InlineData("""{"scopes":["portfolio:read"],"parent":"ROOT"}""", "invalid-argument")]
    [InlineData("""{"scopes":["portfolio:read"],"parent":""}""", "invalid-argument")]
    [InlineData("""{"scopes":["portfolio:read"],"parent":5}""", "invalid-request")]
    [InlineData("""{"scopes":["portfolio:read"],"parent":["root"]}""", "invalid-request")]
    public async Task Create_BadParentValue_400AndNothingCreated(string body, string slug)
    {
        var session = await SignUpAsync("yves");
        var (seed, _) = await EnrolTotpAsync(session);
        var before = await CountTokensAsync();

        using var response = await SendRawAsync(body, session, "totp=" + Code(seed));

        await ProblemAssert.AssertAsync(response, HttpStatusCode.BadRequest, slug);
        Assert.Equal(before, await CountTokensAsync());
    }

    [Theory]
    [InlineData("UPDATE tokens SET revoked_at = created_at WHERE kind = 'trader' AND accessor = '{root}'")]
    [InlineData("UPDATE users SET root_accessor = NULL WHERE root_accessor = '{root}'")]
    [InlineData("UPDATE users SET root_accessor = 'cof_acc_gone' WHERE root_accessor = '{root}'")]
    public async Task Create_ParentRootWhenTheRootIsRevokedOrMissing_FailsClosedAndNothingCreated(string breakRoot)
    {
        // Data no request can produce (revoking the root revokes the session too), as a restore or a bug might leave it.
        var session = await SignUpAsync("cal");
        var (seed, _) = await EnrolTotpAsync(session);
        var root = (await Server.GetJsonAsync("/api/v1/tokens/self", session)).GetProperty("parent").GetString()!;
        Assert.Equal(1, await Server.ExecuteSqlAsync(breakRoot.Replace("{root}", root, StringComparison.Ordinal)));
        var before = await CountTokensAsync();

        using var response = await SendAsync(HttpMethod.Post, "/api/v1/tokens", new { scopes = ReadOnly, parent = "root" }, session, stepUp: "totp=" + Code(seed));

        var problem = await ProblemAssert.AssertAsync(response, HttpStatusCode.Forbidden, "forbidden");
        Assert.Contains("root token is missing or revoked", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(before, await CountTokensAsync());
    }

    [Fact]
    public async Task Create_ParentSelfOrAbsent_StillAChildOfTheCaller()
    {
        var session = await SignUpAsync("zed");
        var accessor = (await Server.GetJsonAsync("/api/v1/tokens/self", session)).GetProperty("accessor").GetString();

        using var self = await SendAsync(HttpMethod.Post, "/api/v1/tokens", new { scopes = ReadOnly, parent = "self" }, session);
        using var absent = await SendAsync(HttpMethod.Post, "/api/v1/tokens", new { scopes = ReadOnly }, session);

        Assert.Equal(accessor, (await JsonAsync(self, HttpStatusCode.Created)).GetProperty("info").GetProperty("parent").GetString());
        Assert.Equal(accessor, (await JsonAsync(absent, HttpStatusCode.Created)).GetProperty("info").GetProperty("parent").GetString());
    }

    [Fact]
    public async Task Freeze_RevokesTokensUnderTheRoot()
    {
        var session = await SignUpAsync("abe");
        var (seed, _) = await EnrolTotpAsync(session);
        using var created = await SendAsync(HttpMethod.Post, "/api/v1/tokens", new { scopes = ReadOnly, ttl_seconds = ThirtyDays, parent = "root" }, session, stepUp: "totp=" + Code(seed));
        var bot = (await JsonAsync(created, HttpStatusCode.Created)).GetProperty("token").GetString()!;
        Assert.Equal(HttpStatusCode.OK, await StatusOfSelfAsync(bot));

        using (var freeze = await SendAsync(HttpMethod.Post, "/api/v1/account/freeze", null, session))
        {
            await JsonAsync(freeze);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, await StatusOfSelfAsync(bot));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusOfSelfAsync(session));
    }

    [Fact]
    public async Task List_LastUsedAt_NullBeforeUseThenTheTimeOfTheLastUse()
    {
        var session = await SignUpAsync("bea");
        var (seed, _) = await EnrolTotpAsync(session);
        using var created = await SendAsync(HttpMethod.Post, "/api/v1/tokens", new { scopes = ReadOnly, parent = "root" }, session, stepUp: "totp=" + Code(seed));
        var (bot, accessor) = TokenAndAccessor(await JsonAsync(created, HttpStatusCode.Created));
        using var limitedResponse = await SendAsync(HttpMethod.Post, "/api/v1/tokens", new { scopes = ReadOnly, max_uses = 5 }, session);
        var (limited, limitedAccessor) = TokenAndAccessor(await JsonAsync(limitedResponse, HttpStatusCode.Created));

        var unused = await ListedAsync(session, accessor);
        Assert.Equal(JsonValueKind.Null, unused.GetProperty("last_used_at").ValueKind);
        Assert.Equal(JsonValueKind.Null, (await ListedAsync(session, limitedAccessor)).GetProperty("last_used_at").ValueKind);

        var firstUse = Clock.GetUtcNow();
        Assert.Equal(HttpStatusCode.OK, await StatusOfSelfAsync(bot));
        Assert.Equal(HttpStatusCode.OK, await StatusOfSelfAsync(limited));
        AssertAbout(firstUse, (await ListedAsync(session, accessor)).GetProperty("last_used_at").GetDateTimeOffset());
        AssertAbout(firstUse, (await ListedAsync(session, limitedAccessor)).GetProperty("last_used_at").GetDateTimeOffset());

        // Later uses move it on (it is kept to within a minute, so a busy token is not a write per request).
        Clock.Advance(TimeSpan.FromMinutes(5));
        var later = Clock.GetUtcNow();
        Assert.Equal(HttpStatusCode.OK, await StatusOfSelfAsync(bot));
        AssertAbout(later, (await ListedAsync(session, accessor)).GetProperty("last_used_at").GetDateTimeOffset());
    }

    private static void AssertAbout(DateTimeOffset expected, DateTimeOffset actual) =>
        Assert.True((actual - expected).Duration() < TimeSpan.FromMilliseconds(1), $"Expected {expected:O}, got {actual:O}");

    private static (string Token, string Accessor) TokenAndAccessor(JsonElement created) =>
        (created.GetProperty("token").GetString()!, created.GetProperty("accessor").GetString()!);

    private async Task<JsonElement> ListedAsync(string token, string accessor) =>
        (await Server.GetJsonAsync("/api/v1/tokens?limit=200", token)).GetProperty("items").EnumerateArray()
            .Single(t => t.GetProperty("accessor").GetString() == accessor);

    private async Task<HttpResponseMessage> SendRawAsync(string body, string token, string stepUp)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/tokens")
        {
            Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new("Bearer", token);
        request.Headers.Add(Coffer.Server.Features.Identity.StepUp.Header, stepUp);
        return await Server.Client.SendAsync(request);
    }

    private Task<long> CountTokensAsync() => Server.ExecuteScalarAsync("SELECT COUNT(*) FROM tokens");
}

public sealed class RootParentSqliteTests : RootParentTests;

public sealed class RootParentPostgresTests : RootParentTests
{
    internal override bool OnPostgres => true;
}
