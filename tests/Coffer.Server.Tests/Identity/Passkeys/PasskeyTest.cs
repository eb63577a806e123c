using System.Buffers.Text;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Coffer.Server.Hosting;

namespace Coffer.Server.Tests.Identity.Passkeys;

/// <summary>A server whose passkey relying party is <c>coffer.test</c>, and helpers that drive the ceremonies over HTTPS.</summary>
public abstract class PasskeyTest : IdentityTest
{
    internal const string RpId = "coffer.test";
    internal const string Origin = "https://coffer.test";

    internal override ServerSettings Configure(ServerSettings settings) =>
        base.Configure(settings) with { PasskeyRpId = RpId, PasskeyOrigins = [Origin] };

    internal static SoftwareAuthenticator NewAuthenticator() => new(Origin);

    internal async Task<JsonElement> BeginRegistrationAsync(string session, string? stepUp = null)
    {
        using var response = await SendAsync(HttpMethod.Post, "/api/v1/auth/passkeys/registration", null, session, stepUp);
        return (await JsonAsync(response)).GetProperty("options");
    }

    internal Task<HttpResponseMessage> FinishRegistrationAsync(string session, JsonNode? credential, string? name = "laptop") =>
        SendAsync(HttpMethod.Post, "/api/v1/auth/passkeys/registration/finish", new { credential, name }, session);

    /// <summary>Registers the authenticator's credential for the session's user; returns the listed passkey.</summary>
    internal async Task<JsonElement> RegisterAsync(string session, SoftwareAuthenticator authenticator, string name = "laptop", string? stepUp = null)
    {
        var options = await BeginRegistrationAsync(session, stepUp);
        using var response = await FinishRegistrationAsync(session, authenticator.Register(options), name);
        return await JsonAsync(response, HttpStatusCode.Created);
    }

    internal async Task<JsonElement> BeginSignInAsync()
    {
        using var response = await SendAsync(HttpMethod.Post, "/api/v1/auth/passkeys/signin/begin");
        return (await JsonAsync(response)).GetProperty("options");
    }

    internal Task<HttpResponseMessage> FinishSignInAsync(JsonNode? credential) =>
        SendAsync(HttpMethod.Post, "/api/v1/auth/passkeys/signin", new { credential });

    internal async Task<HttpResponseMessage> SignInWithPasskeyAsync(SoftwareAuthenticator authenticator) =>
        await FinishSignInAsync(authenticator.Assert(await BeginSignInAsync()));

    internal async Task<JsonElement> BeginStepUpAsync(string session)
    {
        using var response = await SendAsync(HttpMethod.Post, "/api/v1/auth/passkeys/step-up", null, session);
        return (await JsonAsync(response)).GetProperty("options");
    }

    /// <summary>A <c>Coffer-Step-Up</c> header value carrying a fresh passkey assertion for the session's user.</summary>
    internal async Task<string> PasskeyStepUpAsync(string session, SoftwareAuthenticator authenticator) =>
        StepUpHeader(authenticator.Assert(await BeginStepUpAsync(session)));

    internal static string StepUpHeader(JsonNode assertion) => "passkey=" + Base64Url.EncodeToString(Encoding.UTF8.GetBytes(assertion.ToJsonString()));

    internal async Task<List<JsonElement>> ListAsync(string session) =>
        [.. (await Server.GetJsonAsync("/api/v1/auth/passkeys", session)).GetProperty("items").EnumerateArray()];
}
