using System.Net;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Coffer.Server.Features.Identity;
using Coffer.Server.Tests.Support;

namespace Coffer.Server.Tests.Identity.Passkeys;

/// <summary>Passkeys end to end over HTTPS, with a software authenticator: registration, sign-in, step-up, deletion.</summary>
public abstract class PasskeyTests : PasskeyTest
{
    private static readonly string[] Trading = ["orders:write"];

    [Fact]
    public async Task Register_ThenListAndSignIn_ListsWithoutKeyMaterialAndSignsInWithASession()
    {
        var session = await SignUpAsync("ada");
        using var authenticator = NewAuthenticator();

        var created = await RegisterAsync(session, authenticator, "phone");

        Assert.Equal(authenticator.Id, created.GetProperty("id").GetString());
        var listed = Assert.Single(await ListAsync(session));
        Assert.Equal(["created_at", "id", "last_used_at", "name"], listed.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal("phone", listed.GetProperty("name").GetString());
        Assert.Equal(Clock.GetUtcNow().ToUnixTimeSeconds(), listed.GetProperty("created_at").GetDateTimeOffset().ToUnixTimeSeconds());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, listed.GetProperty("last_used_at").ValueKind);

        using var signIn = await SignInWithPasskeyAsync(authenticator);
        var token = (await JsonAsync(signIn)).GetProperty("token").GetString()!;
        Assert.StartsWith("cof_", token, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, await StatusOfSelfAsync(token));
        var self = await Server.GetJsonAsync("/api/v1/auth/sessions", token);
        Assert.Equal(2, self.GetProperty("items").GetArrayLength());
        Assert.NotEqual(System.Text.Json.JsonValueKind.Null, Assert.Single(await ListAsync(session)).GetProperty("last_used_at").ValueKind);
    }

    [Fact]
    public async Task BeginSignIn_Anonymous_OptionsNameNoUserAndNoCredentials()
    {
        var session = await SignUpAsync("bea");
        using var authenticator = NewAuthenticator();
        await RegisterAsync(session, authenticator);

        var options = await BeginSignInAsync();

        Assert.Equal(RpId, options.GetProperty("rpId").GetString());
        Assert.Equal("required", options.GetProperty("userVerification").GetString());
        Assert.True(!options.TryGetProperty("allowCredentials", out var allowed) || allowed.GetArrayLength() == 0);
        Assert.DoesNotContain("bea", options.GetRawText(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Register_WrongOrigin_RefusedAndNothingStored()
    {
        var session = await SignUpAsync("cai");
        using var authenticator = NewAuthenticator();
        var options = await BeginRegistrationAsync(session);

        using var response = await FinishRegistrationAsync(session, authenticator.Register(options, origin: "https://coffer.test.evil.example"));

        await ProblemAssert.AssertAsync(response, HttpStatusCode.BadRequest, "passkey-invalid");
        Assert.Empty(await ListAsync(session));
    }

    [Fact]
    public async Task Register_ChallengeNotIssuedOrUsedTwice_Refused()
    {
        var session = await SignUpAsync("dov");
        using var authenticator = NewAuthenticator();
        var options = await BeginRegistrationAsync(session);

        using (var foreign = await FinishRegistrationAsync(session, authenticator.Register(options, challenge: SoftwareAuthenticator.ForeignChallenge())))
        {
            await ProblemAssert.AssertAsync(foreign, HttpStatusCode.BadRequest, "passkey-challenge-invalid");
        }

        var credential = authenticator.Register(options);
        using (var first = await FinishRegistrationAsync(session, credential))
        {
            await JsonAsync(first, HttpStatusCode.Created);
        }

        using var again = await FinishRegistrationAsync(session, credential);
        await ProblemAssert.AssertAsync(again, HttpStatusCode.BadRequest, "passkey-challenge-invalid");
        Assert.Single(await ListAsync(session));
    }

    [Fact]
    public async Task FinishRegistration_BadInput_ProblemAndTheChallengeStillWorks()
    {
        var session = await SignUpAsync("eli");
        using var authenticator = NewAuthenticator();
        var options = await BeginRegistrationAsync(session);
        var credential = authenticator.Register(options);

        using (var noName = await FinishRegistrationAsync(session, credential, name: "  "))
        {
            await ProblemAssert.AssertAsync(noName, HttpStatusCode.BadRequest, "invalid-argument");
        }

        using (var longName = await FinishRegistrationAsync(session, credential, name: new string('x', 65)))
        {
            await ProblemAssert.AssertAsync(longName, HttpStatusCode.BadRequest, "invalid-argument");
        }

        using (var notObject = await FinishRegistrationAsync(session, JsonValue.Create("credential")))
        {
            await ProblemAssert.AssertAsync(notObject, HttpStatusCode.BadRequest, "invalid-argument");
        }

        using (var noClientData = await FinishRegistrationAsync(session, new JsonObject { ["id"] = authenticator.Id, ["response"] = new JsonObject() }))
        {
            await ProblemAssert.AssertAsync(noClientData, HttpStatusCode.BadRequest, "invalid-argument");
        }

        using (var badJson = await Server.PostRawAsync("/api/v1/auth/passkeys/registration/finish", "{\"credential\": {", token: session))
        {
            await ProblemAssert.AssertAsync(badJson, HttpStatusCode.BadRequest, "invalid-request");
        }

        Assert.Empty(await ListAsync(session));
        using var ok = await FinishRegistrationAsync(session, credential);
        await JsonAsync(ok, HttpStatusCode.Created);
    }

    [Fact]
    public async Task Register_AccountWithTotp_NeedsStepUp()
    {
        var session = await SignUpAsync("fay");
        var (seed, _) = await EnrolTotpAsync(session);

        using (var refused = await SendAsync(HttpMethod.Post, "/api/v1/auth/passkeys/registration", null, session))
        {
            await ProblemAssert.AssertAsync(refused, HttpStatusCode.Forbidden, "step-up-required");
        }

        using var authenticator = NewAuthenticator();
        await RegisterAsync(session, authenticator, stepUp: "totp=" + Code(seed));
        Assert.Single(await ListAsync(session));
    }

    [Fact]
    public async Task Register_SecondPasskey_NeedsStepUpWithTheFirst()
    {
        var session = await SignUpAsync("gus");
        using var first = NewAuthenticator();
        using var second = NewAuthenticator();
        await RegisterAsync(session, first, "first");

        using (var refused = await SendAsync(HttpMethod.Post, "/api/v1/auth/passkeys/registration", null, session))
        {
            await ProblemAssert.AssertAsync(refused, HttpStatusCode.Forbidden, "step-up-required");
        }

        await RegisterAsync(session, second, "second", stepUp: await PasskeyStepUpAsync(session, first));
        Assert.Equal(["first", "second"], (await ListAsync(session)).Select(p => p.GetProperty("name").GetString()));
    }

    [Fact]
    public async Task SignIn_WrongOrigin_Refused()
    {
        var session = await SignUpAsync("hal");
        using var authenticator = NewAuthenticator();
        await RegisterAsync(session, authenticator);

        using var response = await FinishSignInAsync(authenticator.Assert(await BeginSignInAsync(), origin: "https://phish.example"));

        await ProblemAssert.AssertAsync(response, HttpStatusCode.Unauthorized, "passkey-rejected");
        Assert.Equal(System.Text.Json.JsonValueKind.Null, Assert.Single(await ListAsync(session)).GetProperty("last_used_at").ValueKind);
    }

    [Fact]
    public async Task SignIn_WrongRelyingParty_Refused()
    {
        var session = await SignUpAsync("ida");
        using var authenticator = NewAuthenticator();
        await RegisterAsync(session, authenticator);

        using var response = await FinishSignInAsync(authenticator.Assert(await BeginSignInAsync(), rpId: "evil.example"));

        await ProblemAssert.AssertAsync(response, HttpStatusCode.Unauthorized, "passkey-rejected");
    }

    [Fact]
    public async Task SignIn_ChallengeNotIssuedReplayedOrExpired_Refused()
    {
        var session = await SignUpAsync("jon");
        using var authenticator = NewAuthenticator();
        await RegisterAsync(session, authenticator);

        using (var foreign = await FinishSignInAsync(authenticator.Assert(await BeginSignInAsync(), challenge: SoftwareAuthenticator.ForeignChallenge())))
        {
            await ProblemAssert.AssertAsync(foreign, HttpStatusCode.Unauthorized, "passkey-rejected");
        }

        var assertion = authenticator.Assert(await BeginSignInAsync());
        using (var first = await FinishSignInAsync(assertion))
        {
            await JsonAsync(first);
        }

        using (var replayed = await FinishSignInAsync(assertion))
        {
            var problem = await ProblemAssert.AssertAsync(replayed, HttpStatusCode.Unauthorized, "passkey-rejected");
            Assert.Contains("already used", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        var late = authenticator.Assert(await BeginSignInAsync());
        Clock.Advance(TimeSpan.FromMinutes(6));
        using var expired = await FinishSignInAsync(late);
        await ProblemAssert.AssertAsync(expired, HttpStatusCode.Unauthorized, "passkey-rejected");
    }

    [Fact]
    public async Task SignIn_SignatureByAnotherKey_Refused()
    {
        var session = await SignUpAsync("kai");
        using var authenticator = NewAuthenticator();
        await RegisterAsync(session, authenticator);
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        using var response = await FinishSignInAsync(authenticator.Assert(await BeginSignInAsync(), signer: other));

        await ProblemAssert.AssertAsync(response, HttpStatusCode.Unauthorized, "passkey-rejected");
    }

    [Fact]
    public async Task SignIn_SignCounterNotAdvanced_RefusedThenAdvancedAccepted()
    {
        var session = await SignUpAsync("lou");
        using var authenticator = NewAuthenticator();
        await RegisterAsync(session, authenticator);
        using (var ok = await FinishSignInAsync(authenticator.Assert(await BeginSignInAsync(), signCount: 10)))
        {
            await JsonAsync(ok);
        }

        using (var lower = await FinishSignInAsync(authenticator.Assert(await BeginSignInAsync(), signCount: 7)))
        {
            await ProblemAssert.AssertAsync(lower, HttpStatusCode.Unauthorized, "passkey-rejected");
        }

        using (var equal = await FinishSignInAsync(authenticator.Assert(await BeginSignInAsync(), signCount: 10)))
        {
            await ProblemAssert.AssertAsync(equal, HttpStatusCode.Unauthorized, "passkey-rejected");
        }

        using var higher = await FinishSignInAsync(authenticator.Assert(await BeginSignInAsync(), signCount: 11));
        await JsonAsync(higher);
    }

    [Fact]
    public async Task SignIn_UnknownCredential_RefusedLikeAnyOtherFailure()
    {
        using var stranger = NewAuthenticator();
        await SignUpAsync("max");

        using var response = await FinishSignInAsync(stranger.Assert(await BeginSignInAsync()));

        await ProblemAssert.AssertAsync(response, HttpStatusCode.Unauthorized, "passkey-rejected");
    }

    [Fact]
    public async Task SignIn_BadInput_Problem()
    {
        using (var missing = await SendAsync(HttpMethod.Post, "/api/v1/auth/passkeys/signin", new { }))
        {
            await ProblemAssert.AssertAsync(missing, HttpStatusCode.BadRequest, "invalid-argument");
        }

        using var garbage = await FinishSignInAsync(new JsonObject { ["response"] = new JsonObject { ["clientDataJSON"] = "!!" } });
        await ProblemAssert.AssertAsync(garbage, HttpStatusCode.Unauthorized, "passkey-rejected");
    }

    [Fact]
    public async Task SignIn_FrozenAccount_Refused()
    {
        var session = await SignUpAsync("ned");
        using var authenticator = NewAuthenticator();
        await RegisterAsync(session, authenticator);
        using (var freeze = await SendAsync(HttpMethod.Post, "/api/v1/account/freeze", null, session))
        {
            await JsonAsync(freeze);
        }

        using var response = await SignInWithPasskeyAsync(authenticator);

        await ProblemAssert.AssertAsync(response, HttpStatusCode.Forbidden, "account-frozen");
    }

    [Fact]
    public async Task SignIn_LockedAccount_Refused()
    {
        var session = await SignUpAsync("ola");
        using var authenticator = NewAuthenticator();
        await RegisterAsync(session, authenticator);
        for (var i = 0; i < LockoutPolicy.FailuresPerLockout; i++)
        {
            using var wrong = await SignInAsync("ola", "not the passphrase at all");
        }

        using var response = await SignInWithPasskeyAsync(authenticator);

        await ProblemAssert.AssertAsync(response, HttpStatusCode.TooManyRequests, "account-locked");
    }

    [Fact]
    public async Task StepUp_WithPasskey_AcceptedOnceRefusedWhenReplayed()
    {
        var session = await SignUpAsync("pia");
        using var authenticator = NewAuthenticator();
        await RegisterAsync(session, authenticator);
        var body = new { scopes = Trading };

        using (var none = await SendAsync(HttpMethod.Post, "/api/v1/tokens", body, session))
        {
            var problem = await ProblemAssert.AssertAsync(none, HttpStatusCode.Forbidden, "step-up-required");
            Assert.Contains("passkey=", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
            Assert.Contains("totp=", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        var header = await PasskeyStepUpAsync(session, authenticator);
        using (var ok = await SendAsync(HttpMethod.Post, "/api/v1/tokens", body, session, stepUp: header))
        {
            await JsonAsync(ok, HttpStatusCode.Created);
        }

        using var replayed = await SendAsync(HttpMethod.Post, "/api/v1/tokens", body, session, stepUp: header);
        await ProblemAssert.AssertAsync(replayed, HttpStatusCode.Forbidden, "step-up-failed");
    }

    [Fact]
    public async Task StepUp_AssertionForASignInChallengeOrAnotherKey_Refused()
    {
        var session = await SignUpAsync("quin");
        using var authenticator = NewAuthenticator();
        await RegisterAsync(session, authenticator);
        var body = new { scopes = Trading };

        using (var signInChallenge = await SendAsync(HttpMethod.Post, "/api/v1/tokens", body, session, stepUp: StepUpHeader(authenticator.Assert(await BeginSignInAsync()))))
        {
            await ProblemAssert.AssertAsync(signInChallenge, HttpStatusCode.Forbidden, "step-up-failed");
        }

        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using (var forged = await SendAsync(HttpMethod.Post, "/api/v1/tokens", body, session, stepUp: StepUpHeader(authenticator.Assert(await BeginStepUpAsync(session), signer: other))))
        {
            await ProblemAssert.AssertAsync(forged, HttpStatusCode.Forbidden, "step-up-failed");
        }

        using (var garbage = await SendAsync(HttpMethod.Post, "/api/v1/tokens", body, session, stepUp: "passkey=%%%"))
        {
            await ProblemAssert.AssertAsync(garbage, HttpStatusCode.Forbidden, "step-up-failed");
        }

        using var code = await SendAsync(HttpMethod.Post, "/api/v1/tokens", body, session, stepUp: "totp=123456");
        await ProblemAssert.AssertAsync(code, HttpStatusCode.Forbidden, "step-up-failed");
    }

    [Fact]
    public async Task StepUp_AnotherUsersChallenge_Refused()
    {
        var alice = await SignUpAsync("ria");
        var bob = await SignUpAsync("rob");
        using var aliceKey = NewAuthenticator();
        using var bobKey = NewAuthenticator();
        await RegisterAsync(alice, aliceKey);
        await RegisterAsync(bob, bobKey);

        // Bob's own assertion, but for a challenge issued to Alice's session.
        var header = StepUpHeader(bobKey.Assert(await BeginStepUpAsync(alice)));
        using var response = await SendAsync(HttpMethod.Post, "/api/v1/tokens", new { scopes = Trading }, bob, stepUp: header);

        await ProblemAssert.AssertAsync(response, HttpStatusCode.Forbidden, "step-up-failed");
    }

    [Fact]
    public async Task BeginStepUp_NoPasskey_NotEnrolled()
    {
        var session = await SignUpAsync("sol");

        using var response = await SendAsync(HttpMethod.Post, "/api/v1/auth/passkeys/step-up", null, session);

        await ProblemAssert.AssertAsync(response, HttpStatusCode.Forbidden, "second-factor-not-enrolled");
    }

    [Fact]
    public async Task Delete_NeedsStepUp_ThenThePasskeyCannotSignIn()
    {
        var session = await SignUpAsync("tia");
        var (seed, _) = await EnrolTotpAsync(session);
        using var authenticator = NewAuthenticator();
        await RegisterAsync(session, authenticator, stepUp: "totp=" + Code(seed));
        Clock.NextTotpStep();

        using (var refused = await SendAsync(HttpMethod.Delete, $"/api/v1/auth/passkeys/{authenticator.Id}", null, session))
        {
            await ProblemAssert.AssertAsync(refused, HttpStatusCode.Forbidden, "step-up-required");
        }

        Assert.Single(await ListAsync(session));
        using (var ok = await SendAsync(HttpMethod.Delete, $"/api/v1/auth/passkeys/{authenticator.Id}", null, session, stepUp: await PasskeyStepUpAsync(session, authenticator)))
        {
            Assert.Equal(HttpStatusCode.NoContent, ok.StatusCode);
        }

        Assert.Empty(await ListAsync(session));
        using var signIn = await SignInWithPasskeyAsync(authenticator);
        await ProblemAssert.AssertAsync(signIn, HttpStatusCode.Unauthorized, "passkey-rejected");
    }

    [Fact]
    public async Task Delete_BadOrUnknownId_ProblemAndNothingDeleted()
    {
        var session = await SignUpAsync("uma");
        var (seed, _) = await EnrolTotpAsync(session);
        using var authenticator = NewAuthenticator();
        await RegisterAsync(session, authenticator, stepUp: "totp=" + Code(seed));
        Clock.NextTotpStep();

        using (var bad = await SendAsync(HttpMethod.Delete, "/api/v1/auth/passkeys/not*base64", null, session, stepUp: "totp=" + Code(seed)))
        {
            await ProblemAssert.AssertAsync(bad, HttpStatusCode.BadRequest, "invalid-argument");
        }

        Clock.NextTotpStep();
        using (var unknown = await SendAsync(HttpMethod.Delete, "/api/v1/auth/passkeys/AAAAAAAAAAAAAAAAAAAAAA", null, session, stepUp: "totp=" + Code(seed)))
        {
            await ProblemAssert.AssertAsync(unknown, HttpStatusCode.NotFound, "not-found");
        }

        Assert.Single(await ListAsync(session));
    }

    [Fact]
    public async Task Passkeys_ApiTokenInsteadOfSession_Forbidden()
    {
        var session = await SignUpAsync("val");
        using var created = await SendAsync(HttpMethod.Post, "/api/v1/tokens", new { scopes = new[] { "portfolio:read" } }, session);
        var api = (await JsonAsync(created, HttpStatusCode.Created)).GetProperty("token").GetString()!;

        using var response = await SendAsync(HttpMethod.Post, "/api/v1/auth/passkeys/registration", null, api);

        await ProblemAssert.AssertAsync(response, HttpStatusCode.Forbidden, "forbidden");
    }
}

public sealed class PasskeySqliteTests : PasskeyTests;

public sealed class PasskeyPostgresTests : PasskeyTests
{
    internal override bool OnPostgres => true;
}
