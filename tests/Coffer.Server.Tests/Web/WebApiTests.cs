using System.Net;
using Coffer.Server.Features.Identity;
using Coffer.Server.Tests.Support;

namespace Coffer.Server.Tests.Web;

public sealed class WebApiTests : WebTest
{
    [Fact]
    public async Task Me_Session_ReturnsExactlyTheAppsShape()
    {
        var session = await SignUpAsync("alice");

        using var response = await SendAsync(HttpMethod.Get, "/api/v1/auth/me", null, session);
        var me = await JsonAsync(response);

        Assert.Equal(["currency", "frozen", "roles", "scopes", "second_factors", "session", "user_id", "username"], me.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal("alice", me.GetProperty("username").GetString());
        Assert.Equal(["trader"], me.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        Assert.Contains("orders:write", me.GetProperty("scopes").EnumerateArray().Select(s => s.GetString()));
        Assert.Equal(["accessor", "expires_at", "kind"], me.GetProperty("session").EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal("session", me.GetProperty("session").GetProperty("kind").GetString());
        Assert.False(me.GetProperty("frozen").GetBoolean());
        Assert.Equal(["passkeys", "recovery_codes_left", "totp"], me.GetProperty("second_factors").EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.False(me.GetProperty("second_factors").GetProperty("totp").GetBoolean());
        Assert.Equal("USD", me.GetProperty("currency").GetString());
    }

    [Fact]
    public async Task Me_RootTokenAfterTotp_ShowsRootAndSecondFactors()
    {
        var session = await SignUpAsync("bob");
        await EnrolTotpAsync(session);

        using var admin = await SendAsync(HttpMethod.Get, "/api/v1/auth/me", null, AdminToken);
        using var bob = await SendAsync(HttpMethod.Get, "/api/v1/auth/me", null, session);

        var root = await JsonAsync(admin);
        Assert.Equal("trader", root.GetProperty("session").GetProperty("kind").GetString());
        Assert.Equal(["admin"], root.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        var factors = (await JsonAsync(bob)).GetProperty("second_factors");
        Assert.True(factors.GetProperty("totp").GetBoolean());
        Assert.Equal(10, factors.GetProperty("recovery_codes_left").GetInt32());
    }

    [Fact]
    public async Task Me_Unauthenticated_401AndApiToken_403()
    {
        var session = await SignUpAsync("carol");
        using var create = await SendAsync(HttpMethod.Post, "/api/v1/tokens", new { scopes = new[] { "portfolio:read" }, kind = "api" }, session);
        var api = (await JsonAsync(create, HttpStatusCode.Created)).GetProperty("token").GetString()!;

        using var anonymous = await SendAsync(HttpMethod.Get, "/api/v1/auth/me");
        using var tool = await SendAsync(HttpMethod.Get, "/api/v1/auth/me", null, api);

        await ProblemAssert.AssertAsync(anonymous, HttpStatusCode.Unauthorized, "unauthorized");
        await ProblemAssert.AssertAsync(tool, HttpStatusCode.Forbidden, "forbidden");
    }

    [Fact]
    public async Task SignIns_AfterFailureAndSuccess_NewestFirstWithDeviceAndPaging()
    {
        await SignUpAsync("dave");
        Clock.Advance(TimeSpan.FromMinutes(1));
        using (var wrong = await BrowserSendAsync(HttpMethod.Post, "/api/v1/auth/signin", new { username = "dave", password = "wrong wrong wrong wrong" }))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }

        using (var right = await BrowserSendAsync(HttpMethod.Post, "/api/v1/auth/signin", new { username = "dave", password = UserPassword }))
        {
            await JsonAsync(right);
        }

        Clock.Advance(TimeSpan.FromMinutes(1));
        var session = await SignInTokenAsync("dave");
        using var response = await SendAsync(HttpMethod.Get, "/api/v1/auth/signins", null, session);
        var items = (await JsonAsync(response)).GetProperty("items").EnumerateArray().ToList();

        // Sign-up issues a session without a sign-in; the three attempts are here, newest first.
        Assert.Equal(["success", "success", "failure"], items.Select(i => i.GetProperty("outcome").GetString()));
        Assert.Equal("password", items[2].GetProperty("method").GetString());
        Assert.Equal("InvalidCredentials", items[2].GetProperty("reason").GetString());
        Assert.Equal("test-browser/1.0", items[1].GetProperty("user_agent").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, items[2].GetProperty("user_agent").ValueKind);
        Assert.Equal("127.0.0.1", items[1].GetProperty("client_ip").GetString());
        Assert.True(items[1].GetProperty("new_device").GetBoolean());

        using var first = await SendAsync(HttpMethod.Get, "/api/v1/auth/signins?limit=2", null, session);
        var page = await JsonAsync(first);
        Assert.Equal(2, page.GetProperty("items").GetArrayLength());
        using var second = await SendAsync(HttpMethod.Get, "/api/v1/auth/signins?limit=2&before=" + page.GetProperty("next").GetString(), null, session);
        var rest = await JsonAsync(second);
        Assert.Equal("failure", rest.GetProperty("items")[0].GetProperty("outcome").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, rest.GetProperty("next").ValueKind);
    }

    [Fact]
    public async Task SignIns_OtherUsersAttempts_NotShown()
    {
        var session = await SignUpAsync("erin");
        await SignUpAsync("frank");
        (await SignInAsync("frank", "wrong wrong wrong wrong")).Dispose();
        (await SignInAsync("frank")).Dispose();

        using var response = await SendAsync(HttpMethod.Get, "/api/v1/auth/signins", null, session);

        Assert.Equal(0, (await JsonAsync(response)).GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task SignIns_BadPagingOrUnauthenticated_Refused()
    {
        var session = await SignUpAsync("grace");

        using var limit = await SendAsync(HttpMethod.Get, "/api/v1/auth/signins?limit=0", null, session);
        using var before = await SendAsync(HttpMethod.Get, "/api/v1/auth/signins?before=x", null, session);
        using var anonymous = await SendAsync(HttpMethod.Get, "/api/v1/auth/signins");

        await ProblemAssert.AssertAsync(limit, HttpStatusCode.BadRequest, "invalid-argument");
        await ProblemAssert.AssertAsync(before, HttpStatusCode.BadRequest, "invalid-argument");
        await ProblemAssert.AssertAsync(anonymous, HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Fact]
    public async Task Sessions_List_ShowsDeviceLastUseAndCurrent()
    {
        await SignUpAsync("heidi");
        var cookies = await CookieSignInAsync("heidi");
        var other = await SignInTokenAsync("heidi");

        using var response = await BrowserSendAsync(HttpMethod.Get, "/api/v1/auth/sessions", cookies: cookies);
        var items = (await JsonAsync(response)).GetProperty("items").EnumerateArray().ToList();

        var current = Assert.Single(items, i => i.GetProperty("current").GetBoolean());
        Assert.Equal("test-browser/1.0", current.GetProperty("user_agent").GetString());
        Assert.Equal("127.0.0.1", current.GetProperty("client_ip").GetString());
        Assert.NotEqual(System.Text.Json.JsonValueKind.Null, current.GetProperty("last_used_at").ValueKind);
        Assert.Equal(3, items.Count);
        Assert.All(items, i => Assert.True(i.TryGetProperty("created_at", out _)));
        Assert.NotNull(other);
    }

    [Fact]
    public async Task EndSession_OwnOtherSession_RevokesItOnly()
    {
        var first = await SignUpAsync("ivan");
        var second = await SignInTokenAsync("ivan");
        var secondAccessor = (await Server.GetJsonAsync("/api/v1/tokens/self", second)).GetProperty("accessor").GetString();

        using var response = await SendAsync(HttpMethod.Delete, "/api/v1/auth/sessions/" + secondAccessor, null, first);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusOfSelfAsync(second));
        Assert.Equal(HttpStatusCode.OK, await StatusOfSelfAsync(first));
    }

    [Fact]
    public async Task EndSession_CurrentCookieSession_ExpiresCookie()
    {
        await SignUpAsync("judy");
        var cookies = await CookieSignInAsync("judy");
        using var me = await BrowserSendAsync(HttpMethod.Get, "/api/v1/auth/me", cookies: cookies);
        var accessor = (await JsonAsync(me)).GetProperty("session").GetProperty("accessor").GetString();
        var (token, held) = await AntiforgeryAsync(cookies);

        using var response = await BrowserSendAsync(HttpMethod.Delete, "/api/v1/auth/sessions/" + accessor, null, held, token);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Contains(Coffer.Server.Features.Web.SessionCookie.Name, SetCookies(response).Keys);
    }

    [Fact]
    public async Task EndSession_AnotherUsersOrNotASession_404()
    {
        var kim = await SignUpAsync("kim");
        var leo = await SignUpAsync("leo");
        var leoAccessor = (await Server.GetJsonAsync("/api/v1/tokens/self", leo)).GetProperty("accessor").GetString();
        var kimRoot = (await Server.GetJsonAsync("/api/v1/tokens/self", kim)).GetProperty("parent").GetString();

        using var other = await SendAsync(HttpMethod.Delete, "/api/v1/auth/sessions/" + leoAccessor, null, kim);
        using var root = await SendAsync(HttpMethod.Delete, "/api/v1/auth/sessions/" + kimRoot, null, kim);
        using var anonymous = await SendAsync(HttpMethod.Delete, "/api/v1/auth/sessions/" + leoAccessor);

        await ProblemAssert.AssertAsync(other, HttpStatusCode.NotFound, "not-found");
        await ProblemAssert.AssertAsync(root, HttpStatusCode.NotFound, "not-found");
        await ProblemAssert.AssertAsync(anonymous, HttpStatusCode.Unauthorized, "unauthorized");
        Assert.Equal(HttpStatusCode.OK, await StatusOfSelfAsync(leo));
    }

    [Fact]
    public async Task AdminUsers_Admin_ListsUsersWithState()
    {
        var session = await SignUpAsync("mallory");
        await EnrolTotpAsync(session);
        await SignInTokenAsync("admin", AdminPassword);
        using (var freeze = await SendAsync(HttpMethod.Post, "/api/v1/account/freeze", new { }, session))
        {
            await JsonAsync(freeze);
        }

        using var response = await SendAsync(HttpMethod.Get, "/api/v1/admin/users", null, AdminToken);
        var items = (await JsonAsync(response)).GetProperty("items").EnumerateArray().ToList();

        var admin = Assert.Single(items, i => i.GetProperty("username").GetString() == "admin");
        var mallory = Assert.Single(items, i => i.GetProperty("username").GetString() == "mallory");
        Assert.Equal(["admin"], admin.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        Assert.NotEqual(System.Text.Json.JsonValueKind.Null, admin.GetProperty("last_sign_in_at").ValueKind);
        Assert.True(admin.GetProperty("has_password").GetBoolean());
        Assert.True(mallory.GetProperty("frozen").GetBoolean());
        Assert.True(mallory.GetProperty("has_two_factor").GetBoolean());
        Assert.False(mallory.GetProperty("locked").GetBoolean());
        Assert.False(mallory.GetProperty("disabled").GetBoolean());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, mallory.GetProperty("last_sign_in_at").ValueKind);
        Assert.DoesNotContain("password_hash", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AdminEndpoints_Trader_403AndAnonymous_401()
    {
        var session = await SignUpAsync("niaj");

        foreach (var path in new[] { "/api/v1/admin/users", "/api/v1/auth/invitations" })
        {
            using var trader = await SendAsync(HttpMethod.Get, path, null, session);
            using var anonymous = await SendAsync(HttpMethod.Get, path);
            await ProblemAssert.AssertAsync(trader, HttpStatusCode.Forbidden, "forbidden");
            await ProblemAssert.AssertAsync(anonymous, HttpStatusCode.Unauthorized, "unauthorized");
        }

        using var delete = await SendAsync(HttpMethod.Delete, "/api/v1/auth/invitations/" + Guid.NewGuid(), null, session);
        await ProblemAssert.AssertAsync(delete, HttpStatusCode.Forbidden, "forbidden");
    }

    [Fact]
    public async Task Invitations_ListAndWithdraw_PendingOnlyNeverTheCode()
    {
        var code = await InviteAsync(Roles.Viewer);
        await SignUpAsync("olivia");

        using var list = await SendAsync(HttpMethod.Get, "/api/v1/auth/invitations", null, AdminToken);
        var text = await list.Content.ReadAsStringAsync();
        var item = Assert.Single((await JsonAsync(list)).GetProperty("items").EnumerateArray());

        Assert.DoesNotContain(code, text, StringComparison.Ordinal);
        Assert.DoesNotContain("cof_invite_", text, StringComparison.Ordinal);
        Assert.Equal(["created_at", "created_by", "created_by_username", "expires_at", "id", "role"], item.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal("viewer", item.GetProperty("role").GetString());
        Assert.Equal("admin", item.GetProperty("created_by_username").GetString());

        var id = item.GetProperty("id").GetString();
        using var withdraw = await SendAsync(HttpMethod.Delete, "/api/v1/auth/invitations/" + id, null, AdminToken);
        using var again = await SendAsync(HttpMethod.Delete, "/api/v1/auth/invitations/" + id, null, AdminToken);
        using var signUp = await SendAsync(HttpMethod.Post, "/api/v1/auth/signup", new { invitation = code, username = "peggy", password = UserPassword });

        Assert.Equal(HttpStatusCode.NoContent, withdraw.StatusCode);
        await ProblemAssert.AssertAsync(again, HttpStatusCode.NotFound, "not-found");
        await ProblemAssert.AssertAsync(signUp, HttpStatusCode.BadRequest, "invitation-invalid");
    }

    [Fact]
    public async Task SetPassword_FirstRunWithAdminRootToken_Works()
    {
        // IdentityTest set the admin's first password with the init token as Bearer, as the setup page does; it signs in.
        using var response = await SignInAsync("admin", AdminPassword);

        await JsonAsync(response);
    }
}
