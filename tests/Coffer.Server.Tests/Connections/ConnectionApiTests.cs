using System.Net;
using System.Text.Json;
using Coffer.Sandbox;
using Coffer.Server.Hosting;
using Coffer.Server.Tests.Identity;
using Coffer.Server.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SandboxPermissions = Coffer.Sandbox.Keys.KeyPermissions;

namespace Coffer.Server.Tests.Connections;

/// <summary>
/// <c>/api/v1/connections</c> against the sandbox's Binance over real HTTP: a key is verified with real signed calls, a key
/// that can move funds or a wrong secret is refused with nothing stored, and a stored secret is never shown again.
/// </summary>
public sealed class ConnectionApiTests : IdentityTest, IAsyncLifetime
{
    private SandboxHost _sandbox = null!;

    private string BinanceUrl => _sandbox.BaseUrl(SandboxExchange.Binance).ToString();

    internal override ServerSettings Configure(ServerSettings settings) => base.Configure(settings) with { AllowCustomExchangeUrls = true };

    async Task IAsyncLifetime.InitializeAsync()
    {
        await InitializeAsync();
        _sandbox = await SandboxHost.StartAsync(new SandboxOptions { Exchanges = [SandboxExchange.Binance] });
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await _sandbox.DisposeAsync();
        await DisposeAsync();
    }

    [Fact]
    public async Task Connect_ReadAndTradeKey_IsVerifiedStoredAndNeverShownAgain()
    {
        var (session, seed) = await TraderWithTotpAsync("ana");
        var key = _sandbox.State.Keys.Issue(SandboxExchange.Binance, SandboxPermissions.Read | SandboxPermissions.Trade);
        _sandbox.State.Engine.Deposit(key.Account, "USDT", 1000m);

        using var created = await SendAsync(HttpMethod.Post, "/api/v1/connections", Body(key.ApiKey, key.Secret, "main"), session, stepUp: "totp=" + Code(seed));
        var text = await created.Content.ReadAsStringAsync();
        Assert.True(created.StatusCode == HttpStatusCode.Created, text);
        Assert.DoesNotContain(key.Secret, text, StringComparison.Ordinal);
        Assert.DoesNotContain(key.ApiKey, text, StringComparison.Ordinal);
        var view = JsonDocument.Parse(text).RootElement;
        Assert.Equal("binance", view.GetProperty("exchange").GetString());
        Assert.Equal("active", view.GetProperty("status").GetString());
        Assert.True(view.GetProperty("permissions").GetProperty("trade").GetBoolean());
        Assert.False(view.GetProperty("permissions").GetProperty("withdraw").GetBoolean());
        Assert.Equal($"{key.ApiKey[..4]}…{key.ApiKey[^4..]}", view.GetProperty("api_key").GetString());

        // The credential token sits under the user's trader token, of kind credential.
        var credential = await Server.GetJsonAsync("/api/v1/tokens/" + view.GetProperty("credential_accessor").GetString(), session);
        Assert.Equal("credential", credential.GetProperty("kind").GetString());
        var parent = await Server.GetJsonAsync("/api/v1/tokens/" + credential.GetProperty("parent").GetString(), session);
        Assert.Equal("trader", parent.GetProperty("kind").GetString());
        Assert.Equal(credential.GetProperty("user_id").GetString(), parent.GetProperty("user_id").GetString());

        var list = await Server.GetJsonAsync("/api/v1/connections", session);
        Assert.Single(list.GetProperty("items").EnumerateArray());
        Assert.DoesNotContain(key.Secret, list.GetRawText(), StringComparison.Ordinal);

        // The signed calls reached the sandbox's Binance with this key.
        Assert.Contains(_sandbox.State.Requests.Last(50), r => r.ApiKey == key.ApiKey && r.Path == "/sapi/v1/account/apiRestrictions");
    }

    [Fact]
    public async Task Connect_WithdrawalEnabledKey_IsRefusedWithTheFix_AndNothingIsStored()
    {
        var (session, seed) = await TraderWithTotpAsync("ben");
        var key = _sandbox.State.Keys.Issue(SandboxExchange.Binance, SandboxPermissions.Read | SandboxPermissions.Trade | SandboxPermissions.Withdraw);
        var secretsBefore = await SecretCountAsync();

        using var refused = await SendAsync(HttpMethod.Post, "/api/v1/connections", Body(key.ApiKey, key.Secret), session, stepUp: "totp=" + Code(seed));

        var problem = await ProblemAssert.AssertAsync(refused, HttpStatusCode.UnprocessableEntity, "exchange-key-can-withdraw");
        Assert.Contains("never withdrawals", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        await AssertNothingStoredAsync(session, secretsBefore);
    }

    [Fact]
    public async Task Connect_WrongSecret_IsAnAuthenticationProblem_NeverConnected()
    {
        var (session, seed) = await TraderWithTotpAsync("cyd");
        var key = _sandbox.State.Keys.Issue(SandboxExchange.Binance, SandboxPermissions.Read | SandboxPermissions.Trade);
        var secretsBefore = await SecretCountAsync();

        using var refused = await SendAsync(HttpMethod.Post, "/api/v1/connections", Body(key.ApiKey, new string('x', 64)), session, stepUp: "totp=" + Code(seed));

        await ProblemAssert.AssertAsync(refused, HttpStatusCode.UnprocessableEntity, "exchange-authentication-failed");
        await AssertNothingStoredAsync(session, secretsBefore);
    }

    [Fact]
    public async Task Connect_WithoutStepUp_OrWithAUsedCode_IsRefused()
    {
        var (session, seed) = await TraderWithTotpAsync("dee");
        var key = _sandbox.State.Keys.Issue(SandboxExchange.Binance, SandboxPermissions.Read | SandboxPermissions.Trade);

        using (var none = await SendAsync(HttpMethod.Post, "/api/v1/connections", Body(key.ApiKey, key.Secret), session))
        {
            await ProblemAssert.AssertAsync(none, HttpStatusCode.Forbidden, "step-up-required");
        }

        var code = Code(seed);
        using (var first = await SendAsync(HttpMethod.Post, "/api/v1/connections", Body(key.ApiKey, key.Secret, "one"), session, stepUp: "totp=" + code))
        {
            Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        }

        using var replayed = await SendAsync(HttpMethod.Post, "/api/v1/connections", Body(key.ApiKey, key.Secret, "two"), session, stepUp: "totp=" + code);
        await ProblemAssert.AssertAsync(replayed, HttpStatusCode.Forbidden, "step-up-failed");
    }

    [Fact]
    public async Task Connect_BadInput_IsAProblemAndChangesNothing()
    {
        var (session, seed) = await TraderWithTotpAsync("eve");
        var secretsBefore = await SecretCountAsync();
        object[] bodies =
        [
            new { exchange = "mtgox", api_key = "k", secret = "s" },
            new { exchange = "binance", secret = "s" },
            new { exchange = "binance", api_key = "has space", secret = "s" },
            new { exchange = "binance", api_key = "k" },
            new { exchange = "binance", api_key = "k", secret = "s", base_url = "ftp://127.0.0.1/" },
            new { exchange = "binance", api_key = "k", secret = "s", base_url = "http://127.0.0.1:1/api?x=1" },
            new { exchange = "binance", api_key = "k", secret = "s", label = new string('l', 101) },
        ];

        foreach (var body in bodies)
        {
            Clock.Advance(TimeSpan.FromSeconds(30));
            using var response = await SendAsync(HttpMethod.Post, "/api/v1/connections", body, session, stepUp: "totp=" + Code(seed));
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }

        await AssertNothingStoredAsync(session, secretsBefore);
    }

    [Fact]
    public async Task Recheck_PermissionsGrown_LocksTheConnectionAndNotifies()
    {
        var (session, seed) = await TraderWithTotpAsync("fay");
        var key = _sandbox.State.Keys.Issue(SandboxExchange.Binance, SandboxPermissions.Read | SandboxPermissions.Trade);
        using var created = await SendAsync(HttpMethod.Post, "/api/v1/connections", Body(key.ApiKey, key.Secret), session, stepUp: "totp=" + Code(seed));
        var id = (await JsonAsync(created, HttpStatusCode.Created)).GetProperty("id").GetString();

        _sandbox.State.Keys.ChangePermissions(SandboxExchange.Binance, key.ApiKey, SandboxPermissions.Read | SandboxPermissions.Trade | SandboxPermissions.Withdraw);
        using var verified = await SendAsync(HttpMethod.Post, $"/api/v1/connections/{id}/verify", null, session);

        var view = await JsonAsync(verified);
        Assert.Equal("locked", view.GetProperty("status").GetString());
        Assert.Contains("withdraw", view.GetProperty("lock_reason").GetString(), StringComparison.Ordinal);
        var notifications = await Server.GetJsonAsync("/api/v1/notifications", session);
        Assert.Contains(notifications.GetProperty("items").EnumerateArray(), n => n.GetProperty("kind").GetString() == "exchange.permissions_changed");

        // Untick withdrawals again: the re-check lifts that lock.
        _sandbox.State.Keys.ChangePermissions(SandboxExchange.Binance, key.ApiKey, SandboxPermissions.Read | SandboxPermissions.Trade);
        using var again = await SendAsync(HttpMethod.Post, $"/api/v1/connections/{id}/verify", null, session);
        Assert.Equal("active", (await JsonAsync(again)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task ScheduledRecheck_LocksOnlyTheKeyWhosePermissionsGrew()
    {
        var (session, seed) = await TraderWithTotpAsync("kim");
        var grows = _sandbox.State.Keys.Issue(SandboxExchange.Binance, SandboxPermissions.Read | SandboxPermissions.Trade);
        var stays = _sandbox.State.Keys.Issue(SandboxExchange.Binance, SandboxPermissions.Read | SandboxPermissions.Trade);
        using (var a = await SendAsync(HttpMethod.Post, "/api/v1/connections", Body(grows.ApiKey, grows.Secret, "grows"), session, stepUp: "totp=" + Code(seed)))
        {
            Assert.Equal(HttpStatusCode.Created, a.StatusCode);
        }

        Clock.Advance(TimeSpan.FromSeconds(30));
        using (var b = await SendAsync(HttpMethod.Post, "/api/v1/connections", Body(stays.ApiKey, stays.Secret, "stays"), session, stepUp: "totp=" + Code(seed)))
        {
            Assert.Equal(HttpStatusCode.Created, b.StatusCode);
        }

        _sandbox.State.Keys.ChangePermissions(SandboxExchange.Binance, grows.ApiKey, SandboxPermissions.Read | SandboxPermissions.Trade | SandboxPermissions.Transfer);
        var checkedCount = await Server.Services.GetRequiredService<Coffer.Server.Features.Connections.ConnectionService>().RecheckAllAsync(default);

        Assert.Equal(2, checkedCount);
        var items = (await Server.GetJsonAsync("/api/v1/connections", session)).GetProperty("items").EnumerateArray().ToDictionary(x => x.GetProperty("label").GetString()!, x => x.GetProperty("status").GetString());
        Assert.Equal("locked", items["grows"]);
        Assert.Equal("active", items["stays"]);
    }

    [Fact]
    public async Task Remove_RevokesTheCredentialAndDeletesTheSecret()
    {
        var (session, seed) = await TraderWithTotpAsync("gus");
        var key = _sandbox.State.Keys.Issue(SandboxExchange.Binance, SandboxPermissions.Read | SandboxPermissions.Trade);
        var secretsBefore = await SecretCountAsync();
        using var created = await SendAsync(HttpMethod.Post, "/api/v1/connections", Body(key.ApiKey, key.Secret), session, stepUp: "totp=" + Code(seed));
        var view = await JsonAsync(created, HttpStatusCode.Created);
        Assert.Equal(secretsBefore + 1, await SecretCountAsync());

        using (var removed = await SendAsync(HttpMethod.Delete, "/api/v1/connections/" + view.GetProperty("id").GetString(), null, session))
        {
            Assert.Equal(HttpStatusCode.NoContent, removed.StatusCode);
        }

        var credential = await Server.GetJsonAsync("/api/v1/tokens/" + view.GetProperty("credential_accessor").GetString(), session);
        Assert.True(credential.GetProperty("revoked").GetBoolean());
        await AssertNothingStoredAsync(session, secretsBefore);
        using var gone = await SendAsync(HttpMethod.Delete, "/api/v1/connections/" + view.GetProperty("id").GetString(), null, session);
        await ProblemAssert.AssertAsync(gone, HttpStatusCode.NotFound, "not-found");
    }

    [Fact]
    public async Task Connections_OfAnotherUser_AreNotFound()
    {
        var (session, seed) = await TraderWithTotpAsync("hal");
        var key = _sandbox.State.Keys.Issue(SandboxExchange.Binance, SandboxPermissions.Read | SandboxPermissions.Trade);
        using var created = await SendAsync(HttpMethod.Post, "/api/v1/connections", Body(key.ApiKey, key.Secret), session, stepUp: "totp=" + Code(seed));
        var id = (await JsonAsync(created, HttpStatusCode.Created)).GetProperty("id").GetString();
        var (other, _) = await TraderWithTotpAsync("ivy");

        using var get = await SendAsync(HttpMethod.Get, "/api/v1/connections/" + id, null, other);
        await ProblemAssert.AssertAsync(get, HttpStatusCode.NotFound, "not-found");
        using var delete = await SendAsync(HttpMethod.Delete, "/api/v1/connections/" + id, null, other);
        await ProblemAssert.AssertAsync(delete, HttpStatusCode.NotFound, "not-found");
        Assert.Empty((await Server.GetJsonAsync("/api/v1/connections", other)).GetProperty("items").EnumerateArray());
    }

    private object Body(string apiKey, string secret, string? label = null) => new { exchange = "binance", label, api_key = apiKey, secret, base_url = BinanceUrl };

    private async Task<(string Session, byte[] Seed)> TraderWithTotpAsync(string username)
    {
        var session = await SignUpAsync(username);
        var (seed, _) = await EnrolTotpAsync(session);
        Clock.Advance(TimeSpan.FromSeconds(30));
        return (session, seed);
    }

    private async Task<int> SecretCountAsync()
    {
        await using var db = await Server.Services.GetRequiredService<IDbContextFactory<Coffer.Server.Data.CofferDb>>().CreateDbContextAsync();
        return await db.Secrets.CountAsync();
    }

    private async Task AssertNothingStoredAsync(string session, int secretsBefore)
    {
        Assert.Equal(secretsBefore, await SecretCountAsync());
        Assert.Empty((await Server.GetJsonAsync("/api/v1/connections", session)).GetProperty("items").EnumerateArray());
        await using var db = await Server.Services.GetRequiredService<IDbContextFactory<Coffer.Server.Data.CofferDb>>().CreateDbContextAsync();
        Assert.False(await db.Tokens.AnyAsync(t => t.Kind == "credential" && t.RevokedAt == null));
    }
}
