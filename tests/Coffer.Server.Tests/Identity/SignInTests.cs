using System.Net;
using System.Text.Json;
using Coffer.Server.Features.Identity;
using Coffer.Server.Tests.Support;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace Coffer.Server.Tests.Identity;

public sealed class SignInTests : IdentityTest
{
    [Fact]
    public async Task SignIn_RightPassword_ReturnsASessionBelowTheUsersRoot()
    {
        await SignUpAsync("alice");

        using var response = await SignInAsync("alice");
        var body = await JsonAsync(response);

        Assert.Equal(["accessor", "expires_at", "token"], body.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        var token = body.GetProperty("token").GetString()!;
        Assert.StartsWith("cof_session_", token, StringComparison.Ordinal);
        var expires = body.GetProperty("expires_at").GetDateTimeOffset();
        Assert.Equal(Clock.GetUtcNow() + SessionIssuer.SessionLifetime, expires, TimeSpan.FromSeconds(1));
        var self = await Server.GetJsonAsync("/api/v1/tokens/self", token);
        Assert.Equal("session", self.GetProperty("kind").GetString());
        Assert.Equal(body.GetProperty("accessor").GetString(), self.GetProperty("accessor").GetString());
        var root = await Server.GetJsonAsync("/api/v1/tokens/" + self.GetProperty("parent").GetString(), token);
        Assert.Equal("trader", root.GetProperty("kind").GetString());
        Assert.Null(root.GetProperty("parent").GetString());
        Assert.Equal(root.GetProperty("scopes").ToString(), self.GetProperty("scopes").ToString());
        Assert.Contains("orders:write", root.GetProperty("scopes").EnumerateArray().Select(s => s.GetString()));
    }

    [Fact]
    public async Task SignIn_UnknownUserAndWrongPassword_AnswerByteForByteAlike()
    {
        await SignUpAsync("bob");

        using var unknown = await SignInAsync("nobody-here", UserPassword);
        using var wrong = await SignInAsync("bob", UserPassword + "x");
        var unknownBody = await unknown.Content.ReadAsByteArrayAsync();
        var wrongBody = await wrong.Content.ReadAsByteArrayAsync();

        await ProblemAssert.AssertAsync(unknown, HttpStatusCode.Unauthorized, "invalid-credentials");
        Assert.Equal(unknown.StatusCode, wrong.StatusCode);
        Assert.Equal(unknownBody, wrongBody);
        Assert.Equal(unknown.Content.Headers.ContentType, wrong.Content.Headers.ContentType);
        Assert.Equal(unknown.Headers.Select(h => h.Key).Order(), wrong.Headers.Select(h => h.Key).Order());
    }

    [Fact]
    public async Task SignIn_UnknownUserRepeatedly_LocksExactlyLikeARealAccount()
    {
        await SignUpAsync("carol");
        var real = new List<string>();
        var phantom = new List<string>();
        for (var i = 0; i < LockoutPolicy.FailuresPerLockout + 1; i++)
        {
            using var a = await SignInAsync("carol", "wrong password number " + i);
            using var b = await SignInAsync("no-such-user", "wrong password number " + i);
            real.Add((int)a.StatusCode + " " + await a.Content.ReadAsStringAsync());
            phantom.Add((int)b.StatusCode + " " + await b.Content.ReadAsStringAsync());
        }

        Assert.Equal(real, phantom);
        Assert.StartsWith("429", real[^1], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("{\"username\":\"x\"}")]
    [InlineData("{\"password\":\"some long password\"}")]
    public async Task SignIn_MissingFields_InvalidCredentials(string json)
    {
        using var response = await Server.PostRawAsync("/api/v1/auth/signin", json);

        await ProblemAssert.AssertAsync(response, HttpStatusCode.Unauthorized, "invalid-credentials");
    }

    [Fact]
    public async Task SignIn_MalformedBody_ProblemAndNoCrash()
    {
        using var response = await Server.PostRawAsync("/api/v1/auth/signin", "{\"username\": 5}");

        await ProblemAssert.AssertAsync(response, HttpStatusCode.BadRequest, "invalid-request");
    }

    [Fact]
    public async Task SignIn_WithTotp_NeedsTheCodeAndAcceptsItOnce()
    {
        var session = await SignUpAsync("dave");
        var (seed, _) = await EnrolTotpAsync(session);

        using var noCode = await SignInAsync("dave");
        await ProblemAssert.AssertAsync(noCode, HttpStatusCode.Unauthorized, "second-factor-required");
        using var wrongCode = await SignInAsync("dave", totpCode: Code(seed) == "000000" ? "111111" : "000000");
        await ProblemAssert.AssertAsync(wrongCode, HttpStatusCode.Unauthorized, "invalid-second-factor");
        var code = Code(seed);
        using var ok = await SignInAsync("dave", totpCode: code);
        await JsonAsync(ok);

        // The same valid code again, still within its 30 seconds: refused (RFC 6238 §5.2).
        using var replay = await SignInAsync("dave", totpCode: code);
        var problem = await ProblemAssert.AssertAsync(replay, HttpStatusCode.Unauthorized, "invalid-second-factor");
        Assert.Contains("already used", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);

        // The previous step's code (inside the ±1 window) is older than the accepted one: refused too.
        Clock.NextTotpStep();
        using var previous = await SignInAsync("dave", totpCode: Totp.Compute(seed, Clock.GetUtcNow().AddSeconds(-30)));
        await ProblemAssert.AssertAsync(previous, HttpStatusCode.Unauthorized, "invalid-second-factor");
        using var next = await SignInAsync("dave", totpCode: Code(seed));
        await JsonAsync(next);
    }

    [Fact]
    public async Task SignIn_TotpWindow_AcceptsOneStepOfDriftNotTwo()
    {
        var session = await SignUpAsync("erin");
        var (seed, _) = await EnrolTotpAsync(session);
        Clock.Advance(TimeSpan.FromMinutes(5));

        using var twoAhead = await SignInAsync("erin", totpCode: Totp.Compute(seed, Clock.GetUtcNow().AddSeconds(60)));
        await ProblemAssert.AssertAsync(twoAhead, HttpStatusCode.Unauthorized, "invalid-second-factor");
        using var oneAhead = await SignInAsync("erin", totpCode: Totp.Compute(seed, Clock.GetUtcNow().AddSeconds(30)));
        await JsonAsync(oneAhead);
    }

    [Fact]
    public async Task SignIn_RecoveryCode_WorksOnceInsteadOfTheCode()
    {
        var session = await SignUpAsync("frank");
        var (_, codes) = await EnrolTotpAsync(session);
        Assert.Equal(RecoveryCodes.Count, codes.Count);

        using var first = await SignInAsync("frank", recoveryCode: codes[3].ToLowerInvariant());
        await JsonAsync(first);
        using var again = await SignInAsync("frank", recoveryCode: codes[3]);
        await ProblemAssert.AssertAsync(again, HttpStatusCode.Unauthorized, "invalid-second-factor");
        var status = await Server.GetJsonAsync("/api/v1/auth/2fa", session);
        Assert.Equal(RecoveryCodes.Count - 1, status.GetProperty("recovery_codes_left").GetInt32());
    }

    [Fact]
    public async Task Lockout_FailuresWithAManualClock_LockWithDoublingBackOffAndResetOnSuccess()
    {
        await SignUpAsync("grace");

        async Task FailAsync(int times)
        {
            for (var i = 0; i < times; i++)
            {
                using var response = await SignInAsync("grace", "not the password at all");
                await ProblemAssert.AssertAsync(response, HttpStatusCode.Unauthorized, "invalid-credentials");
            }
        }

        async Task AssertLockedAsync(int retryAfterAtMost)
        {
            using var response = await SignInAsync("grace");
            await ProblemAssert.AssertAsync(response, HttpStatusCode.TooManyRequests, "account-locked");
            var retry = int.Parse(response.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture);
            Assert.InRange(retry, 1, retryAfterAtMost);
        }

        await FailAsync(LockoutPolicy.FailuresPerLockout);
        await AssertLockedAsync(60);
        Clock.Advance(TimeSpan.FromSeconds(61));
        await FailAsync(LockoutPolicy.FailuresPerLockout);

        // Second lockout: two minutes. After one it still holds, even for the right password.
        Clock.Advance(TimeSpan.FromSeconds(61));
        await AssertLockedAsync(60);
        Clock.Advance(TimeSpan.FromSeconds(60));
        using (var ok = await SignInAsync("grace"))
        {
            await JsonAsync(ok);
        }

        // The success forgot the earlier failures: the next lockout is a one-minute one again.
        await FailAsync(LockoutPolicy.FailuresPerLockout);
        await AssertLockedAsync(60);
        var user = await FindUserAsync("grace");
        Assert.Equal(1, user.LockoutCount);
        Assert.Equal(LockoutPolicy.FailuresPerLockout, user.ConsecutiveFailures);
    }

    [Fact]
    public async Task Lockout_HundredConsecutiveFailures_StaysLockedUntilAnAdminUnlocks()
    {
        await SignUpAsync("heidi");
        var session = await SignUpAsync("root-helper", Roles.Admin);
        var (seed, _) = await EnrolTotpAsync(session);
        for (var i = 0; i < LockoutPolicy.MaxConsecutiveFailures; i++)
        {
            using var response = await SignInAsync("heidi", "not the password at all");
            Assert.True(response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden, ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture));
            if ((i + 1) % LockoutPolicy.FailuresPerLockout == 0)
            {
                Clock.Advance(LockoutPolicy.MaxLockout);
            }
        }

        Clock.Advance(TimeSpan.FromDays(30));
        using (var refused = await SignInAsync("heidi"))
        {
            await ProblemAssert.AssertAsync(refused, HttpStatusCode.Forbidden, "account-disabled");
        }

        session = await SignInTokenAsync("root-helper", totpCode: Code(seed));
        Clock.NextTotpStep();

        using (var unlock = await SendAsync(HttpMethod.Post, "/api/v1/auth/users/heidi/unlock", null, session, stepUp: "totp=" + Code(seed)))
        {
            await JsonAsync(unlock);
        }

        using var ok = await SignInAsync("heidi");
        await JsonAsync(ok);
    }

    [Fact]
    public async Task Unlock_NotAnAdmin_Forbidden()
    {
        var session = await SignUpAsync("ivan");

        using var response = await SendAsync(HttpMethod.Post, "/api/v1/auth/users/ivan/unlock", null, session);

        await ProblemAssert.AssertAsync(response, HttpStatusCode.Forbidden, "forbidden");
    }

    [Fact]
    public async Task PasswordHash_StoredHash_IsPbkdf2HmacSha512With600000Iterations()
    {
        await SignUpAsync("judy");
        var user = await FindUserAsync("judy");

        // ASP.NET Core Identity's V3 format: 0x01, PRF (uint32 BE), iterations (uint32 BE), salt length, salt, subkey.
        var hash = Convert.FromBase64String(user.PasswordHash!);
        Assert.Equal(0x01, hash[0]);
        Assert.Equal(2u, System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(hash.AsSpan(1))); // KeyDerivationPrf.HMACSHA512
        Assert.Equal(600_000u, System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(hash.AsSpan(5)));
        var saltLength = (int)System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(hash.AsSpan(9));
        Assert.Equal(16, saltLength);
        Assert.Equal(32, hash.Length - 13 - saltLength);
        var subkey = System.Security.Cryptography.Rfc2898DeriveBytes.Pbkdf2(UserPassword, hash.AsSpan(13, saltLength).ToArray(), 600_000, System.Security.Cryptography.HashAlgorithmName.SHA512, 32);
        Assert.Equal(subkey, hash[(13 + saltLength)..]);
    }

    private async Task<CofferUser> FindUserAsync(string name)
    {
        using var scope = Server.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<UserManager<CofferUser>>().FindByNameAsync(name) ?? throw new InvalidOperationException(name);
    }
}
