using System.Net;
using Coffer.Server.Features.Identity;
using Coffer.Server.Tests.Support;

namespace Coffer.Server.Tests.Identity;

public sealed class TwoFactorAndStepUpTests : IdentityTest
{
    private static readonly string[] ReadOnly = ["portfolio:read"];
    private static readonly string[] Trading = ["orders:write"];
    private static readonly string[] TradingAndRead = ["orders:write", "portfolio:read"];

    [Fact]
    public async Task EnrolTotp_BeginAndConfirm_ReturnsOtpauthUriThenEnablesWithRecoveryCodes()
    {
        var session = await SignUpAsync("kim");

        using var begin = await SendAsync(HttpMethod.Post, "/api/v1/auth/2fa/totp", null, session);
        var enrolment = await JsonAsync(begin);
        var secret = enrolment.GetProperty("secret").GetString()!;
        Assert.Equal($"otpauth://totp/Coffer:kim?secret={secret}&issuer=Coffer&algorithm=SHA1&digits=6&period=30", enrolment.GetProperty("otpauth_uri").GetString());
        Assert.Equal(Totp.SeedBytes, Totp.FromBase32(secret)!.Length);
        var pending = await Server.GetJsonAsync("/api/v1/auth/2fa", session);
        Assert.False(pending.GetProperty("totp_enabled").GetBoolean());
        Assert.True(pending.GetProperty("totp_pending").GetBoolean());

        using var wrong = await SendAsync(HttpMethod.Post, "/api/v1/auth/2fa/totp/confirm", new { code = "12345" }, session);
        await ProblemAssert.AssertAsync(wrong, HttpStatusCode.Unauthorized, "invalid-second-factor");
        using var confirm = await SendAsync(HttpMethod.Post, "/api/v1/auth/2fa/totp/confirm", new { code = Code(Totp.FromBase32(secret)!) }, session);
        var codes = (await JsonAsync(confirm)).GetProperty("recovery_codes");
        Assert.Equal(RecoveryCodes.Count, codes.GetArrayLength());

        var status = await Server.GetJsonAsync("/api/v1/auth/2fa", session);
        Assert.True(status.GetProperty("totp_enabled").GetBoolean());
        Assert.Equal(RecoveryCodes.Count, status.GetProperty("recovery_codes_left").GetInt32());
        using var again = await SendAsync(HttpMethod.Post, "/api/v1/auth/2fa/totp", null, session);
        await ProblemAssert.AssertAsync(again, HttpStatusCode.Conflict, "totp-already-enabled");
    }

    [Fact]
    public async Task ConfirmTotp_NothingPending_Conflict()
    {
        var session = await SignUpAsync("lee");

        using var response = await SendAsync(HttpMethod.Post, "/api/v1/auth/2fa/totp/confirm", new { code = "123456" }, session);

        await ProblemAssert.AssertAsync(response, HttpStatusCode.Conflict, "totp-not-pending");
    }

    [Fact]
    public async Task TwoFactorEndpoints_ApiTokenInsteadOfSession_Forbidden()
    {
        var session = await SignUpAsync("mia");
        using var created = await SendAsync(HttpMethod.Post, "/api/v1/tokens", new { scopes = ReadOnly }, session);
        var api = (await JsonAsync(created, HttpStatusCode.Created)).GetProperty("token").GetString()!;

        using var response = await SendAsync(HttpMethod.Post, "/api/v1/auth/2fa/totp", null, api);

        await ProblemAssert.AssertAsync(response, HttpStatusCode.Forbidden, "forbidden");
    }

    [Fact]
    public async Task CreateTradingToken_StepUp_RefusedWithoutWithWrongAndWithUsedCodeAcceptedWithFresh()
    {
        var session = await SignUpAsync("ned");
        var (seed, _) = await EnrolTotpAsync(session);
        var body = new { scopes = TradingAndRead };

        using (var none = await SendAsync(HttpMethod.Post, "/api/v1/tokens", body, session))
        {
            await ProblemAssert.AssertAsync(none, HttpStatusCode.Forbidden, "step-up-required");
        }

        var fresh = Code(seed);
        using (var wrong = await SendAsync(HttpMethod.Post, "/api/v1/tokens", body, session, stepUp: "totp=" + (fresh == "000000" ? "111111" : "000000")))
        {
            await ProblemAssert.AssertAsync(wrong, HttpStatusCode.Forbidden, "step-up-failed");
        }

        using (var malformed = await SendAsync(HttpMethod.Post, "/api/v1/tokens", body, session, stepUp: "code " + fresh))
        {
            await ProblemAssert.AssertAsync(malformed, HttpStatusCode.Forbidden, "step-up-required");
        }

        using (var ok = await SendAsync(HttpMethod.Post, "/api/v1/tokens", body, session, stepUp: "totp=" + fresh))
        {
            var created = await JsonAsync(ok, HttpStatusCode.Created);
            Assert.Contains("orders:write", created.GetProperty("info").GetProperty("scopes").EnumerateArray().Select(s => s.GetString()));
        }

        using (var used = await SendAsync(HttpMethod.Post, "/api/v1/tokens", body, session, stepUp: "totp=" + fresh))
        {
            var problem = await ProblemAssert.AssertAsync(used, HttpStatusCode.Forbidden, "step-up-failed");
            Assert.Contains("already used", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        // A token that cannot trade needs no step-up.
        using var readOnly = await SendAsync(HttpMethod.Post, "/api/v1/tokens", new { scopes = ReadOnly }, session);
        await JsonAsync(readOnly, HttpStatusCode.Created);
    }

    [Fact]
    public async Task StepUp_NoSecondFactorEnrolled_TellsTheUserToEnrol()
    {
        var session = await SignUpAsync("olga");

        using var response = await SendAsync(HttpMethod.Post, "/api/v1/tokens", new { scopes = Trading }, session, stepUp: "totp=123456");

        var problem = await ProblemAssert.AssertAsync(response, HttpStatusCode.Forbidden, "second-factor-not-enrolled");
        Assert.Contains("/api/v1/auth/2fa/totp", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task StepUp_RepeatedWrongCodes_LockTheAccount()
    {
        var session = await SignUpAsync("pat");
        var (seed, _) = await EnrolTotpAsync(session);
        var wrongCode = Code(seed) == "000000" ? "111111" : "000000";
        for (var i = 0; i < LockoutPolicy.FailuresPerLockout; i++)
        {
            using var wrong = await SendAsync(HttpMethod.Delete, "/api/v1/auth/2fa/totp", null, session, stepUp: "totp=" + wrongCode);
            await ProblemAssert.AssertAsync(wrong, HttpStatusCode.Forbidden, "step-up-failed");
        }

        using var locked = await SendAsync(HttpMethod.Delete, "/api/v1/auth/2fa/totp", null, session, stepUp: "totp=" + Code(seed));
        await ProblemAssert.AssertAsync(locked, HttpStatusCode.TooManyRequests, "account-locked");
        using var signIn = await SignInAsync("pat", totpCode: Code(seed));
        await ProblemAssert.AssertAsync(signIn, HttpStatusCode.TooManyRequests, "account-locked");
    }

    [Fact]
    public async Task DisableTotp_WithStepUp_TurnsItOffAndDropsRecoveryCodes()
    {
        var session = await SignUpAsync("quinn");
        var (seed, _) = await EnrolTotpAsync(session);

        using (var refused = await SendAsync(HttpMethod.Delete, "/api/v1/auth/2fa/totp", null, session))
        {
            await ProblemAssert.AssertAsync(refused, HttpStatusCode.Forbidden, "step-up-required");
        }

        using (var ok = await SendAsync(HttpMethod.Delete, "/api/v1/auth/2fa/totp", null, session, stepUp: "totp=" + Code(seed)))
        {
            Assert.Equal(HttpStatusCode.NoContent, ok.StatusCode);
        }

        var status = await Server.GetJsonAsync("/api/v1/auth/2fa", session);
        Assert.False(status.GetProperty("totp_enabled").GetBoolean());
        Assert.Equal(0, status.GetProperty("recovery_codes_left").GetInt32());
        using var signIn = await SignInAsync("quinn");
        await JsonAsync(signIn);
    }

    [Fact]
    public async Task RecoveryCodes_NewSet_NeedsStepUpAndReplacesTheOldOnes()
    {
        var session = await SignUpAsync("rita");
        var (seed, old) = await EnrolTotpAsync(session);

        using (var refused = await SendAsync(HttpMethod.Post, "/api/v1/auth/2fa/recovery-codes", null, session))
        {
            await ProblemAssert.AssertAsync(refused, HttpStatusCode.Forbidden, "step-up-required");
        }

        using var ok = await SendAsync(HttpMethod.Post, "/api/v1/auth/2fa/recovery-codes", null, session, stepUp: "totp=" + Code(seed));
        var fresh = (await JsonAsync(ok)).GetProperty("recovery_codes").EnumerateArray().Select(c => c.GetString()!).ToList();

        Assert.Empty(fresh.Intersect(old));
        using var oldCode = await SignInAsync("rita", recoveryCode: old[0]);
        await ProblemAssert.AssertAsync(oldCode, HttpStatusCode.Unauthorized, "invalid-second-factor");
        using var newCode = await SignInAsync("rita", recoveryCode: fresh[0]);
        await JsonAsync(newCode);
    }

    [Fact]
    public async Task Sessions_ListAndSignOut_RevokeOnlyTheCallingSession()
    {
        var first = await SignUpAsync("sam");
        var second = await SignInTokenAsync("sam");

        var list = await Server.GetJsonAsync("/api/v1/auth/sessions", second);
        var items = list.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(2, items.Count);
        Assert.Single(items, i => i.GetProperty("current").GetBoolean());
        Assert.All(items, i => Assert.StartsWith("signed in from 127.0.0.1", i.GetProperty("display_name").GetString(), StringComparison.Ordinal));

        using (var signOut = await SendAsync(HttpMethod.Post, "/api/v1/auth/signout", null, second))
        {
            Assert.Equal(HttpStatusCode.NoContent, signOut.StatusCode);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, await StatusOfSelfAsync(second));
        Assert.Equal(HttpStatusCode.OK, await StatusOfSelfAsync(first));
        Assert.Single((await Server.GetJsonAsync("/api/v1/auth/sessions", first)).GetProperty("items").EnumerateArray());
        using var again = await SendAsync(HttpMethod.Post, "/api/v1/auth/signout", null, second);
        await ProblemAssert.AssertAsync(again, HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Fact]
    public async Task SignOut_ApiToken_NotASession()
    {
        var session = await SignUpAsync("tess");
        using var created = await SendAsync(HttpMethod.Post, "/api/v1/tokens", new { scopes = ReadOnly }, session);
        var api = (await JsonAsync(created, HttpStatusCode.Created)).GetProperty("token").GetString()!;

        using var response = await SendAsync(HttpMethod.Post, "/api/v1/auth/signout", null, api);

        await ProblemAssert.AssertAsync(response, HttpStatusCode.BadRequest, "not-a-session");
        Assert.Equal(HttpStatusCode.OK, await StatusOfSelfAsync(api));
    }
}
