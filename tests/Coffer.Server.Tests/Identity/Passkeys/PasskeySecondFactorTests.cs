using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Coffer.Server.Data;
using Coffer.Server.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Coffer.Server.Tests.Identity.Passkeys;

/// <summary>
/// A passkey is a second factor like TOTP: an account whose only second factor is a passkey never signs in on its
/// password alone, and it can unfreeze itself with its password and its passkey (the break-glass way back, DESIGN §4).
/// </summary>
public abstract class PasskeySecondFactorTests : PasskeyTest
{
    [Fact]
    public async Task PasswordSignIn_PasskeyOnlyAccount_AsksForThePasskeyAndIssuesNoSession()
    {
        var session = await SignUpAsync("pia");
        using var authenticator = NewAuthenticator();
        await RegisterAsync(session, authenticator);

        using var password = await SignInAsync("pia");
        var problem = await ProblemAssert.AssertAsync(password, HttpStatusCode.Unauthorized, "second-factor-required");
        Assert.Contains("/api/v1/auth/passkeys/signin", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        using var withUnknownCode = await SignInAsync("pia", totpCode: "123456");
        await ProblemAssert.AssertAsync(withUnknownCode, HttpStatusCode.Unauthorized, "second-factor-required");

        // A right password is not a failed attempt: nothing counts towards the lockout, and the passkey still signs in.
        Assert.Equal(0, await FailuresAsync("pia"));
        using var passkey = await SignInWithPasskeyAsync(authenticator);
        await JsonAsync(passkey);
        Assert.Equal(2, (await Server.GetJsonAsync("/api/v1/auth/sessions", session)).GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task Unfreeze_PasskeyOnlyAccount_PasswordAndPasskeyStartANewTree()
    {
        var session = await SignUpAsync("pat");
        using var authenticator = NewAuthenticator();
        await RegisterAsync(session, authenticator);
        await FreezeAsync(session);

        using (var noFactor = await UnfreezeAsync("pat", UserPassword, passkey: null))
        {
            await ProblemAssert.AssertAsync(noFactor, HttpStatusCode.Unauthorized, "second-factor-required");
        }

        using var response = await UnfreezeAsync("pat", UserPassword, authenticator.Assert(await BeginUnfreezeAsync()));

        var token = (await JsonAsync(response)).GetProperty("token").GetString()!;
        Assert.Equal(HttpStatusCode.OK, await StatusOfSelfAsync(token));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusOfSelfAsync(session));
        await using var db = await DbAsync();
        Assert.Null((await db.Users.SingleAsync(u => u.UserName == "pat")).FrozenAt);
    }

    [Fact]
    public async Task Unfreeze_BadPasskeyAssertions_RefusedCountedAndStillFrozen()
    {
        var session = await SignUpAsync("pam");
        using var authenticator = NewAuthenticator();
        await RegisterAsync(session, authenticator);
        var other = await SignUpAsync("pom");
        using var othersKey = NewAuthenticator();
        await RegisterAsync(other, othersKey);
        await FreezeAsync(session);

        // Another user's passkey, however valid, is not pam's second factor.
        using (var foreign = await UnfreezeAsync("pam", UserPassword, othersKey.Assert(await BeginUnfreezeAsync())))
        {
            await ProblemAssert.AssertAsync(foreign, HttpStatusCode.Unauthorized, "invalid-second-factor");
        }

        // A sign-in challenge is not an unfreeze challenge; an unfreeze challenge is used once.
        using (var signInChallenge = await UnfreezeAsync("pam", UserPassword, authenticator.Assert(await BeginSignInAsync())))
        {
            await ProblemAssert.AssertAsync(signInChallenge, HttpStatusCode.Unauthorized, "invalid-second-factor");
        }

        var assertion = authenticator.Assert(await BeginUnfreezeAsync());
        using (var wrongPassword = await UnfreezeAsync("pam", "not the passphrase at all", assertion))
        {
            await ProblemAssert.AssertAsync(wrongPassword, HttpStatusCode.Unauthorized, "invalid-credentials");
        }

        // Each of the three was a failed attempt. The wrong password stopped its attempt before the passkey was looked
        // at: that challenge is still good, once.
        Assert.Equal(3, await FailuresAsync("pam"));
        string unfrozen;
        using (var first = await UnfreezeAsync("pam", UserPassword, assertion))
        {
            unfrozen = (await JsonAsync(first)).GetProperty("token").GetString()!;
        }

        await FreezeAsync(unfrozen);
        using (var replayed = await UnfreezeAsync("pam", UserPassword, assertion))
        {
            await ProblemAssert.AssertAsync(replayed, HttpStatusCode.Unauthorized, "invalid-second-factor");
        }

        using (var malformed = await SendAsync(HttpMethod.Post, "/api/v1/account/unfreeze", new { username = "pam", password = UserPassword, passkey = "not an object" }))
        {
            await ProblemAssert.AssertAsync(malformed, HttpStatusCode.BadRequest, "invalid-argument");
        }

        Assert.Equal(1, await FailuresAsync("pam"));
        await using var db = await DbAsync();
        Assert.NotNull((await db.Users.SingleAsync(u => u.UserName == "pam")).FrozenAt);
    }

    [Fact]
    public async Task BeginUnfreeze_Anonymous_OptionsNameNoUserAndNoCredentials()
    {
        var options = await BeginUnfreezeAsync();

        Assert.Equal(RpId, options.GetProperty("rpId").GetString());
        Assert.False(options.TryGetProperty("allowCredentials", out var allowed) && allowed.GetArrayLength() > 0);
    }

    private async Task<JsonElement> BeginUnfreezeAsync()
    {
        using var response = await SendAsync(HttpMethod.Post, "/api/v1/account/unfreeze/begin");
        return (await JsonAsync(response)).GetProperty("options");
    }

    private Task<HttpResponseMessage> UnfreezeAsync(string username, string password, JsonNode? passkey) =>
        SendAsync(HttpMethod.Post, "/api/v1/account/unfreeze", new { username, password, passkey });

    private async Task FreezeAsync(string token)
    {
        using var freeze = await SendAsync(HttpMethod.Post, "/api/v1/account/freeze", null, token);
        await JsonAsync(freeze);
    }

    private Task<CofferDb> DbAsync() => Server.Services.GetRequiredService<IDbContextFactory<CofferDb>>().CreateDbContextAsync();

    private async Task<int> FailuresAsync(string username)
    {
        await using var db = await DbAsync();
        return (await db.Users.SingleAsync(u => u.UserName == username)).ConsecutiveFailures;
    }
}

public sealed class PasskeySecondFactorSqliteTests : PasskeySecondFactorTests;

public sealed class PasskeySecondFactorPostgresTests : PasskeySecondFactorTests
{
    internal override bool OnPostgres => true;
}
