using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Coffer.Server.Features.Identity;
using Coffer.Server.Hosting;
using Coffer.Server.Tests.Support;

namespace Coffer.Server.Tests.Identity;

/// <summary>
/// A real server (SQLite unless <see cref="OnPostgres"/>) on a manual clock, initialized and unsealed, whose admin has a password.
/// Helpers drive the real API: invitations, sign-up, sign-in, TOTP enrolment with codes computed from the shown seed.
/// </summary>
public abstract class IdentityTest : IAsyncLifetime
{
    internal const string AdminPassword = "the first passphrase of the root of the tree";
    internal const string UserPassword = "a long enough passphrase 42";

    private readonly TestData _data = new();
    private PostgresDatabase? _postgres;

    internal ServerInstance Server { get; private set; } = null!;

    internal ManualClock Clock { get; } = new();

    internal string AdminToken { get; private set; } = null!;

    /// <summary>The unseal shares of this test's vault (a restarted server needs two of them).</summary>
    internal IReadOnlyList<string> Shares { get; private set; } = [];

    internal TestData Data => _data;

    public async Task InitializeAsync()
    {
        _postgres = OnPostgres ? await PostgresDatabase.CreateAsync() : null;
        Server = await ServerInstance.StartAsync(Configure(_data.Settings(postgres: _postgres)), Clock.Install());
        (Shares, AdminToken) = await Server.InitAndUnsealAsync();
        using var response = await SendAsync(HttpMethod.Post, "/api/v1/auth/password", new { new_password = AdminPassword }, AdminToken);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Another node over this class's PostgreSQL database and clock, unsealed with two of the shares.</summary>
    internal async Task<ServerInstance> StartNodeAsync()
    {
        Assert.True(OnPostgres, "Only servers over PostgreSQL share their state with another node.");
        var node = await ServerInstance.StartAsync(Configure(_data.Settings(postgres: _postgres)), Clock.Install());
        foreach (var share in Shares.Take(2))
        {
            (await node.PostJsonAsync("/api/v1/sys/unseal", new { share })).Dispose();
        }

        return node;
    }

    public virtual async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        if (_postgres is not null)
        {
            await _postgres.DisposeAsync();
        }

        _data.Dispose();
    }

    /// <summary>Whether this class's server keeps its state in a fresh PostgreSQL database rather than SQLite.</summary>
    internal virtual bool OnPostgres => false;

    /// <summary>Settings for this class's server; by default a throttle loose enough not to get in the way.</summary>
    internal virtual ServerSettings Configure(ServerSettings settings) => settings with { SignInAttemptsPerMinute = 10_000 };

    internal async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, object? body = null, string? token = null, string? stepUp = null, string? forwardedFor = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, options: ServerInstance.Json);
        }

        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        if (stepUp is not null)
        {
            request.Headers.Add(StepUp.Header, stepUp);
        }

        if (forwardedFor is not null)
        {
            request.Headers.Add("X-Forwarded-For", forwardedFor);
        }

        return await Server.Client.SendAsync(request);
    }

    internal static async Task<JsonElement> JsonAsync(HttpResponseMessage response, System.Net.HttpStatusCode expected = System.Net.HttpStatusCode.OK)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"Expected {(int)expected}, got {(int)response.StatusCode}: {text}");
        return JsonSerializer.Deserialize<JsonElement>(text);
    }

    internal async Task<string> InviteAsync(string role = Roles.Trader, string? token = null)
    {
        using var response = await SendAsync(HttpMethod.Post, "/api/v1/auth/invitations", new { role }, token ?? AdminToken);
        return (await JsonAsync(response, System.Net.HttpStatusCode.Created)).GetProperty("invitation").GetString()!;
    }

    /// <summary>Invites and signs up a user; returns their first session token.</summary>
    internal async Task<string> SignUpAsync(string username, string role = Roles.Trader, string password = UserPassword)
    {
        var invitation = await InviteAsync(role);
        using var response = await SendAsync(HttpMethod.Post, "/api/v1/auth/signup", new { invitation, username, password });
        return (await JsonAsync(response, System.Net.HttpStatusCode.Created)).GetProperty("token").GetString()!;
    }

    internal Task<HttpResponseMessage> SignInAsync(string username, string password = UserPassword, string? totpCode = null, string? recoveryCode = null, string? forwardedFor = null) =>
        SendAsync(HttpMethod.Post, "/api/v1/auth/signin", new { username, password, totp_code = totpCode, recovery_code = recoveryCode }, forwardedFor: forwardedFor);

    internal async Task<string> SignInTokenAsync(string username, string password = UserPassword, string? totpCode = null)
    {
        using var response = await SignInAsync(username, password, totpCode);
        return (await JsonAsync(response)).GetProperty("token").GetString()!;
    }

    /// <summary>Enrols TOTP for the session's user and confirms it; returns the seed and the recovery codes.</summary>
    internal async Task<(byte[] Seed, IReadOnlyList<string> RecoveryCodes)> EnrolTotpAsync(string session)
    {
        using var begin = await SendAsync(HttpMethod.Post, "/api/v1/auth/2fa/totp", null, session);
        var enrolment = await JsonAsync(begin);
        var seed = Totp.FromBase32(enrolment.GetProperty("secret").GetString()!)!;
        using var confirm = await SendAsync(HttpMethod.Post, "/api/v1/auth/2fa/totp/confirm", new { code = Code(seed) }, session);
        var codes = (await JsonAsync(confirm)).GetProperty("recovery_codes").EnumerateArray().Select(c => c.GetString()!).ToList();

        // The confirming code's step is now used: the next code is due in the next step.
        Clock.NextTotpStep();
        return (seed, codes);
    }

    /// <summary>The authenticator app's current code for <paramref name="seed"/>, by the server's (manual) clock.</summary>
    internal string Code(byte[] seed) => Totp.Compute(seed, Clock.GetUtcNow());

    internal async Task<System.Net.HttpStatusCode> StatusOfSelfAsync(string token)
    {
        using var response = await SendAsync(HttpMethod.Get, "/api/v1/tokens/self", null, token);
        return response.StatusCode;
    }
}
