using System.Net;
using Coffer.Server.Data;
using Coffer.Server.Features.Identity;
using Coffer.Server.Features.Tokens;
using Coffer.Server.Hosting;
using Coffer.Server.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Coffer.Server.Tests.Identity;

public sealed class SignUpTests : IdentityTest
{
    [Fact]
    public async Task Init_CreatesTheAdminUser_WhoseTokenIsTheirRootAndWhoSetsAPassword()
    {
        var self = await Server.GetJsonAsync("/api/v1/tokens/self", AdminToken);
        Assert.Equal("trader", self.GetProperty("kind").GetString());
        Assert.Null(self.GetProperty("parent").GetString());

        // The password set in InitializeAsync with the init token; a second setting needs the current one.
        using (var change = await SendAsync(HttpMethod.Post, "/api/v1/auth/password", new { new_password = "a different passphrase entirely" }, AdminToken))
        {
            await ProblemAssert.AssertAsync(change, HttpStatusCode.BadRequest, "current-password-required");
        }

        var session = await SignInTokenAsync("admin", AdminPassword);
        var sessionSelf = await Server.GetJsonAsync("/api/v1/tokens/self", session);
        Assert.Equal(self.GetProperty("accessor").GetString(), sessionSelf.GetProperty("parent").GetString());
        Assert.Equal(self.GetProperty("user_id").GetString(), sessionSelf.GetProperty("user_id").GetString());
        Assert.Contains("admin", sessionSelf.GetProperty("scopes").EnumerateArray().Select(s => s.GetString()));
    }

    [Fact]
    public async Task SignUp_Invitation_CreatesAUserWithTheInvitedRolesScopesOnce()
    {
        var invitation = await InviteAsync(Roles.Viewer);
        Assert.StartsWith(IdentityEndpoints.InvitationPrefix, invitation, StringComparison.Ordinal);

        using var first = await SendAsync(HttpMethod.Post, "/api/v1/auth/signup", new { invitation, username = "vera", password = UserPassword });
        var body = await JsonAsync(first, HttpStatusCode.Created);
        Assert.Equal(["viewer"], body.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        var self = await Server.GetJsonAsync("/api/v1/tokens/self", body.GetProperty("token").GetString());
        var scopes = self.GetProperty("scopes").EnumerateArray().Select(s => s.GetString()!).ToList();
        Assert.Equal(Roles.ScopesOf([Roles.Viewer]), scopes);
        Assert.DoesNotContain("orders:write", scopes);

        // One tree: the session hangs from the one root recorded on the user, and there is no other root.
        await using (var db = await Server.Services.GetRequiredService<IDbContextFactory<CofferDb>>().CreateDbContextAsync())
        {
            var userId = Guid.Parse(body.GetProperty("user_id").GetString()!);
            var roots = await db.Set<TokenRow>().Where(t => t.UserId == userId && t.ParentAccessor == null).Select(t => t.Accessor).ToListAsync();
            var recorded = await db.Users.Where(u => u.Id == userId).Select(u => u.RootAccessor).SingleAsync() ?? "none recorded";
            Assert.Equal([recorded], roots);
            Assert.Equal(recorded, self.GetProperty("parent").GetString());
        }

        using var reused = await SendAsync(HttpMethod.Post, "/api/v1/auth/signup", new { invitation, username = "vera2", password = UserPassword });
        await ProblemAssert.AssertAsync(reused, HttpStatusCode.BadRequest, "invitation-invalid");
    }

    [Fact]
    public async Task SignUp_ExpiredOrUnknownInvitation_Refused()
    {
        var invitation = await InviteAsync();
        Clock.Advance(TimeSpan.FromDays(8));

        using var expired = await SendAsync(HttpMethod.Post, "/api/v1/auth/signup", new { invitation, username = "late", password = UserPassword });
        using var unknown = await SendAsync(HttpMethod.Post, "/api/v1/auth/signup", new { invitation = "cof_invite_made-up", username = "late", password = UserPassword });

        await ProblemAssert.AssertAsync(expired, HttpStatusCode.BadRequest, "invitation-invalid");
        await ProblemAssert.AssertAsync(unknown, HttpStatusCode.BadRequest, "invitation-invalid");
    }

    [Fact]
    public async Task SignUp_NoInvitationWhileClosed_Refused()
    {
        using var response = await SendAsync(HttpMethod.Post, "/api/v1/auth/signup", new { username = "walk-in", password = UserPassword });

        await ProblemAssert.AssertAsync(response, HttpStatusCode.Forbidden, "sign-up-closed");
    }

    [Theory]
    [InlineData("short pass")]
    [InlineData("passwordpassword")]
    [InlineData("aaaaaaaaaaaaaaaaaaaa")]
    [InlineData("wendy-is-my-name-here")]
    public async Task SignUp_WeakPassword_RefusedAndTheInvitationKept(string password)
    {
        var invitation = await InviteAsync();

        using var weak = await SendAsync(HttpMethod.Post, "/api/v1/auth/signup", new { invitation, username = "wendy", password });
        await ProblemAssert.AssertAsync(weak, HttpStatusCode.BadRequest, "password-rejected");
        using var ok = await SendAsync(HttpMethod.Post, "/api/v1/auth/signup", new { invitation, username = "wendy", password = UserPassword });
        await JsonAsync(ok, HttpStatusCode.Created);
    }

    [Fact]
    public async Task SignUp_TakenUsernameAnyCase_ConflictAndTheInvitationKept()
    {
        await SignUpAsync("xena");
        var invitation = await InviteAsync();

        using var taken = await SendAsync(HttpMethod.Post, "/api/v1/auth/signup", new { invitation, username = "XENA", password = UserPassword });
        await ProblemAssert.AssertAsync(taken, HttpStatusCode.Conflict, "username-taken");
        using var ok = await SendAsync(HttpMethod.Post, "/api/v1/auth/signup", new { invitation, username = "xena2", password = UserPassword });
        await JsonAsync(ok, HttpStatusCode.Created);
    }

    [Theory]
    [InlineData("ab")]
    [InlineData("has space")]
    [InlineData("üser")]
    public async Task SignUp_BadUsername_InvalidArgument(string username)
    {
        var invitation = await InviteAsync();

        using var response = await SendAsync(HttpMethod.Post, "/api/v1/auth/signup", new { invitation, username, password = UserPassword });

        await ProblemAssert.AssertAsync(response, HttpStatusCode.BadRequest, "invalid-argument");
    }

    [Fact]
    public async Task Invite_NotAnAdminOrUnknownRole_Refused()
    {
        var session = await SignUpAsync("yuri");

        using var notAdmin = await SendAsync(HttpMethod.Post, "/api/v1/auth/invitations", new { role = "trader" }, session);
        using var badRole = await SendAsync(HttpMethod.Post, "/api/v1/auth/invitations", new { role = "root" }, AdminToken);
        using var anonymous = await SendAsync(HttpMethod.Post, "/api/v1/auth/invitations", new { role = "trader" });

        await ProblemAssert.AssertAsync(notAdmin, HttpStatusCode.Forbidden, "forbidden");
        await ProblemAssert.AssertAsync(badRole, HttpStatusCode.BadRequest, "invalid-argument");
        await ProblemAssert.AssertAsync(anonymous, HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Fact]
    public void PasswordPolicy_Check_FollowsNistLengthAndBlocklist()
    {
        Assert.Null(PasswordPolicy.Check("fifteen chars!!", null));
        Assert.NotNull(PasswordPolicy.Check("fourteen chars", null));
        Assert.NotNull(PasswordPolicy.Check(new string('x', 100) + "y", null));
        Assert.NotNull(PasswordPolicy.Check("Correct Horse Battery Staple", null));
        Assert.NotNull(PasswordPolicy.Check(new string('a', 257) + "bc", null));

        // No composition rules: lower-case words alone are fine.
        Assert.Null(PasswordPolicy.Check("quiet lantern river stone", null));
    }
}

public sealed class OpenSignUpTests : IdentityTest
{
    internal override ServerSettings Configure(ServerSettings settings) => base.Configure(settings) with { OpenSignUp = true };

    [Fact]
    public async Task SignUp_OpenSignUpWithoutInvitation_CreatesATrader()
    {
        using var response = await SendAsync(HttpMethod.Post, "/api/v1/auth/signup", new { username = "walk-in", password = UserPassword });

        var body = await JsonAsync(response, HttpStatusCode.Created);
        Assert.Equal(["trader"], body.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
    }
}
