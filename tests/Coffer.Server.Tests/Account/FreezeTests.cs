using System.Net;
using Coffer.Server.Tests.Identity;
using Coffer.Server.Tests.Support;

namespace Coffer.Server.Tests.Account;

public sealed class FreezeTests : IdentityTest
{
    private static readonly string[] ReadOnly = ["portfolio:read"];
    private static readonly string[] Delegating = ["portfolio:read", "tokens:write"];

    [Fact]
    public async Task Freeze_AnyTokenOfTheUser_RevokesEveryTokenAndBlocksSignIn()
    {
        var first = await SignUpAsync("uma");
        var (seed, _) = await EnrolTotpAsync(first);
        var second = await SignInTokenAsync("uma", totpCode: Code(seed));
        using var created = await SendAsync(HttpMethod.Post, "/api/v1/tokens", new { scopes = Delegating }, second);
        var api = (await JsonAsync(created, HttpStatusCode.Created)).GetProperty("token").GetString()!;
        using var child = await SendAsync(HttpMethod.Post, "/api/v1/tokens", new { scopes = ReadOnly }, api);
        var grandchild = (await JsonAsync(child, HttpStatusCode.Created)).GetProperty("token").GetString()!;
        var other = await SignUpAsync("unrelated");

        // The least of them is enough to freeze: a read-only grandchild, from a phone.
        using var freeze = await SendAsync(HttpMethod.Post, "/api/v1/account/freeze", null, grandchild);
        var body = await JsonAsync(freeze);

        Assert.True(body.GetProperty("revoked").GetInt32() >= 5);
        foreach (var token in new[] { first, second, api, grandchild })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, await StatusOfSelfAsync(token));
        }

        Assert.Equal(HttpStatusCode.OK, await StatusOfSelfAsync(other));
        Clock.NextTotpStep();
        using var signIn = await SignInAsync("uma", totpCode: Code(seed));
        await ProblemAssert.AssertAsync(signIn, HttpStatusCode.Forbidden, "account-frozen");
    }

    [Fact]
    public async Task Unfreeze_PasswordAndTotp_StartsANewTreeAndOldTokensStayRevoked()
    {
        var session = await SignUpAsync("vic");
        var (seed, codes) = await EnrolTotpAsync(session);
        using (var freeze = await SendAsync(HttpMethod.Post, "/api/v1/account/freeze", null, session))
        {
            await JsonAsync(freeze);
        }

        using (var noCode = await SendAsync(HttpMethod.Post, "/api/v1/account/unfreeze", new { username = "vic", password = UserPassword }))
        {
            await ProblemAssert.AssertAsync(noCode, HttpStatusCode.Unauthorized, "second-factor-required");
        }

        using (var wrongPassword = await SendAsync(HttpMethod.Post, "/api/v1/account/unfreeze", new { username = "vic", password = "not the password at all", totp_code = Code(seed) }))
        {
            await ProblemAssert.AssertAsync(wrongPassword, HttpStatusCode.Unauthorized, "invalid-credentials");
        }

        using (var wrongCode = await SendAsync(HttpMethod.Post, "/api/v1/account/unfreeze", new { username = "vic", password = UserPassword, totp_code = Code(seed) == "000000" ? "111111" : "000000" }))
        {
            await ProblemAssert.AssertAsync(wrongCode, HttpStatusCode.Unauthorized, "invalid-second-factor");
        }

        using var ok = await SendAsync(HttpMethod.Post, "/api/v1/account/unfreeze", new { username = "vic", password = UserPassword, totp_code = Code(seed) });
        var fresh = (await JsonAsync(ok)).GetProperty("token").GetString()!;

        Assert.Equal(HttpStatusCode.OK, await StatusOfSelfAsync(fresh));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusOfSelfAsync(session));
        var root = (await Server.GetJsonAsync("/api/v1/tokens/self", fresh)).GetProperty("parent").GetString();
        Assert.False((await Server.GetJsonAsync("/api/v1/tokens/" + root, fresh)).GetProperty("revoked").GetBoolean());
        Clock.NextTotpStep();
        using var signIn = await SignInAsync("vic", recoveryCode: codes[0]);
        await JsonAsync(signIn);
    }

    [Fact]
    public async Task Unfreeze_AccountWithoutSecondFactor_RefusedUntilAnAdminUnlocks()
    {
        var session = await SignUpAsync("walt");
        using (var freeze = await SendAsync(HttpMethod.Post, "/api/v1/account/freeze", null, session))
        {
            await JsonAsync(freeze);
        }

        using var refused = await SendAsync(HttpMethod.Post, "/api/v1/account/unfreeze", new { username = "walt", password = UserPassword, totp_code = "123456" });

        await ProblemAssert.AssertAsync(refused, HttpStatusCode.Forbidden, "second-factor-not-enrolled");
        var admin = await SignInTokenAsync("admin", AdminPassword);
        var (seed, _) = await EnrolTotpAsync(admin);
        using (var unlock = await SendAsync(HttpMethod.Post, "/api/v1/auth/users/walt/unlock", null, admin, stepUp: "totp=" + Code(seed)))
        {
            Assert.True((await JsonAsync(unlock)).GetProperty("was_frozen").GetBoolean());
        }

        using var signIn = await SignInAsync("walt");
        await JsonAsync(signIn);
    }

    [Fact]
    public async Task Freeze_NoToken_Unauthorized()
    {
        using var response = await SendAsync(HttpMethod.Post, "/api/v1/account/freeze");

        await ProblemAssert.AssertAsync(response, HttpStatusCode.Unauthorized, "unauthorized");
    }
}
