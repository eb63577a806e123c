using System.Net;
using System.Text.Json;
using Coffer.Server.Features.Connections;
using Coffer.Server.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SandboxPermissions = Coffer.Sandbox.Keys.KeyPermissions;

namespace Coffer.Server.Tests.Connections;

/// <summary>
/// <c>/api/v1/connections</c> against the sandbox's Binance, Kraken and Coinbase over real HTTP: a key is verified with
/// real signed calls, a key that can move funds or a wrong secret is refused with nothing stored, and a stored secret is
/// never shown again.
/// </summary>
public abstract class ConnectionApiTests : ConnectionTest
{
    [Theory]
    [MemberData(nameof(Exchanges))]
    public async Task Connect_ReadAndTradeKey_IsVerifiedStoredAndNeverShownAgain(string exchange)
    {
        var (session, seed) = await TraderWithTotpAsync("ana");
        var key = Issue(exchange);
        Sandbox.State.Engine.Deposit(key.Account, "USDT", 1000m);

        using var created = await ConnectAsync(session, seed, exchange, key.ApiKey, key.Secret, "main");
        var text = await created.Content.ReadAsStringAsync();
        Assert.True(created.StatusCode == HttpStatusCode.Created, text);
        Assert.DoesNotContain(key.Secret.Trim(), text, StringComparison.Ordinal);
        Assert.DoesNotContain(key.ApiKey, text, StringComparison.Ordinal);
        var view = JsonDocument.Parse(text).RootElement;
        Assert.Equal(exchange, view.GetProperty("exchange").GetString());
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
        Assert.Equal((await Server.GetJsonAsync("/api/v1/tokens/self", session)).GetProperty("parent").GetString(), parent.GetProperty("accessor").GetString());

        var list = await Server.GetJsonAsync("/api/v1/connections", session);
        Assert.Single(list.GetProperty("items").EnumerateArray());
        Assert.DoesNotContain(key.Secret.Trim(), list.GetRawText(), StringComparison.Ordinal);

        // The signed calls reached the sandbox's front with this key, and the journal of pending secrets is empty again.
        Assert.Contains(Sandbox.State.Requests.Last(50), r => r.Exchange == exchange && r.ApiKey == key.ApiKey);
        Assert.Equal(0, await DbAsync(db => db.Table<CredentialCleanupRow>().CountAsync()));
    }

    [Theory]
    [MemberData(nameof(Exchanges))]
    public async Task Connect_WithdrawalEnabledKey_IsRefusedWithTheFix_AndNothingIsStored(string exchange)
    {
        var (session, seed) = await TraderWithTotpAsync("ben");
        var key = Issue(exchange, ReadTrade | SandboxPermissions.Withdraw);
        var secretsBefore = await SecretCountAsync();

        using var refused = await ConnectAsync(session, seed, exchange, key.ApiKey, key.Secret);

        var problem = await ProblemAssert.AssertAsync(refused, HttpStatusCode.UnprocessableEntity, "exchange-key-can-withdraw");
        Assert.Contains("never withdrawals", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        await AssertNothingStoredAsync(session, secretsBefore);
    }

    // Kraken has no transfer right of its own in the sandbox (its transfer-like rights are tested in KrakenPermissions).
    [Theory]
    [InlineData("binance")]
    [InlineData("coinbase")]
    public async Task Connect_TransferEnabledKey_IsRefused_AndNothingIsStored(string exchange)
    {
        var (session, seed) = await TraderWithTotpAsync("bob");
        var key = Issue(exchange, ReadTrade | SandboxPermissions.Transfer);
        var secretsBefore = await SecretCountAsync();

        using var refused = await ConnectAsync(session, seed, exchange, key.ApiKey, key.Secret);

        await ProblemAssert.AssertAsync(refused, HttpStatusCode.UnprocessableEntity, "exchange-key-can-withdraw");
        await AssertNothingStoredAsync(session, secretsBefore);
    }

    [Theory]
    [MemberData(nameof(Exchanges))]
    public async Task Connect_WrongSecret_IsAnAuthenticationProblem_NeverConnected(string exchange)
    {
        var (session, seed) = await TraderWithTotpAsync("cyd");
        var key = Issue(exchange);

        // A secret in the exchange's own format, but another key's: only the signature can tell.
        var wrong = Issue(exchange).Secret;
        var secretsBefore = await SecretCountAsync();

        using var refused = await ConnectAsync(session, seed, exchange, key.ApiKey, wrong);

        await ProblemAssert.AssertAsync(refused, HttpStatusCode.UnprocessableEntity, "exchange-authentication-failed");
        await AssertNothingStoredAsync(session, secretsBefore);
    }

    [Fact]
    public async Task Connect_WithoutStepUp_OrWithAUsedCode_IsRefused()
    {
        var (session, seed) = await TraderWithTotpAsync("dee");
        var key = Issue("binance");

        using (var none = await SendAsync(HttpMethod.Post, "/api/v1/connections", Body("binance", key.ApiKey, key.Secret), session))
        {
            await ProblemAssert.AssertAsync(none, HttpStatusCode.Forbidden, "step-up-required");
        }

        var code = StepUp(seed);
        using (var first = await SendAsync(HttpMethod.Post, "/api/v1/connections", Body("binance", key.ApiKey, key.Secret, "one"), session, stepUp: code))
        {
            Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        }

        using var replayed = await SendAsync(HttpMethod.Post, "/api/v1/connections", Body("binance", key.ApiKey, key.Secret, "two"), session, stepUp: code);
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
            using var response = await SendAsync(HttpMethod.Post, "/api/v1/connections", body, session, stepUp: StepUp(seed));
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }

        await AssertNothingStoredAsync(session, secretsBefore);
    }

    [Theory]
    [MemberData(nameof(Exchanges))]
    public async Task Verify_PermissionsGrown_LocksTheConnectionAndNotifies_UntickingLiftsTheLock(string exchange)
    {
        var (session, seed) = await TraderWithTotpAsync("fay");
        var key = Issue(exchange);
        var id = (await ConnectedAsync(session, seed, exchange, key)).GetProperty("id").GetString();
        using (var fine = await SendAsync(HttpMethod.Post, $"/api/v1/connections/{id}/verify", null, session))
        {
            Assert.Equal("active", (await JsonAsync(fine)).GetProperty("status").GetString());
        }

        Sandbox.State.Keys.ChangePermissions(Front(exchange), key.ApiKey, ReadTrade | SandboxPermissions.Withdraw);
        using var verified = await SendAsync(HttpMethod.Post, $"/api/v1/connections/{id}/verify", null, session);

        var view = await JsonAsync(verified);
        Assert.Equal("locked", view.GetProperty("status").GetString());
        Assert.Contains("withdraw", view.GetProperty("lock_reason").GetString(), StringComparison.Ordinal);
        var notifications = await Server.GetJsonAsync("/api/v1/notifications", session);
        Assert.Contains(notifications.GetProperty("items").EnumerateArray(), n => n.GetProperty("kind").GetString() == "exchange.permissions_changed");

        // Untick withdrawals again: the re-check lifts that lock.
        Sandbox.State.Keys.ChangePermissions(Front(exchange), key.ApiKey, ReadTrade);
        using var again = await SendAsync(HttpMethod.Post, $"/api/v1/connections/{id}/verify", null, session);
        Assert.Equal("active", (await JsonAsync(again)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task ScheduledRecheck_LocksOnlyTheKeyWhosePermissionsGrew()
    {
        var (session, seed) = await TraderWithTotpAsync("kim");
        var grows = Issue("binance");
        var stays = Issue("kraken");
        await ConnectedAsync(session, seed, "binance", grows, "grows");
        await ConnectedAsync(session, seed, "kraken", stays, "stays");

        Sandbox.State.Keys.ChangePermissions(Front("binance"), grows.ApiKey, ReadTrade | SandboxPermissions.Transfer);
        var checkedCount = await Server.Services.GetRequiredService<ConnectionService>().RecheckAllAsync(default);

        Assert.Equal(2, checkedCount);
        var items = (await Server.GetJsonAsync("/api/v1/connections", session)).GetProperty("items").EnumerateArray().ToDictionary(x => x.GetProperty("label").GetString()!, x => x.GetProperty("status").GetString());
        Assert.Equal("locked", items["grows"]);
        Assert.Equal("active", items["stays"]);
    }

    [Theory]
    [MemberData(nameof(Exchanges))]
    public async Task Remove_RevokesTheCredentialAndDeletesTheSecret(string exchange)
    {
        var (session, seed) = await TraderWithTotpAsync("gus");
        var key = Issue(exchange);
        var secretsBefore = await SecretCountAsync();
        var view = await ConnectedAsync(session, seed, exchange, key);
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
        var id = (await ConnectedAsync(session, seed, "binance", Issue("binance"))).GetProperty("id").GetString();
        var (other, otherSeed) = await TraderWithTotpAsync("ivy");
        var otherKey = Issue("binance");

        using var get = await SendAsync(HttpMethod.Get, "/api/v1/connections/" + id, null, other);
        await ProblemAssert.AssertAsync(get, HttpStatusCode.NotFound, "not-found");
        using var verify = await SendAsync(HttpMethod.Post, $"/api/v1/connections/{id}/verify", null, other);
        await ProblemAssert.AssertAsync(verify, HttpStatusCode.NotFound, "not-found");
        using var replace = await SendAsync(HttpMethod.Put, $"/api/v1/connections/{id}/key", new { api_key = otherKey.ApiKey, secret = otherKey.Secret }, other, stepUp: StepUp(otherSeed));
        await ProblemAssert.AssertAsync(replace, HttpStatusCode.NotFound, "not-found");
        using var delete = await SendAsync(HttpMethod.Delete, "/api/v1/connections/" + id, null, other);
        await ProblemAssert.AssertAsync(delete, HttpStatusCode.NotFound, "not-found");
        Assert.Empty((await Server.GetJsonAsync("/api/v1/connections", other)).GetProperty("items").EnumerateArray());
        Assert.Equal("active", (await Server.GetJsonAsync("/api/v1/connections/" + id, session)).GetProperty("status").GetString());
    }
}

public sealed class ConnectionApiSqliteTests : ConnectionApiTests;

public sealed class ConnectionApiPostgresTests : ConnectionApiTests
{
    internal override bool OnPostgres => true;
}
