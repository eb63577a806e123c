using System.Net;
using System.Text.Json;
using Coffer.Sandbox.Keys;
using Coffer.Server.Tests.Audit;
using Coffer.Server.Tests.Support;
using Microsoft.EntityFrameworkCore;
using SandboxPermissions = Coffer.Sandbox.Keys.KeyPermissions;

namespace Coffer.Server.Tests.Connections;

/// <summary>
/// <c>PUT /api/v1/connections/{id}/key</c>: the new key is verified as on connect and needs step-up; only then are the
/// secret and the credential swapped. A refusal leaves the old key working and stores nothing.
/// </summary>
public abstract class ReplaceKeyTests : ConnectionTest
{
    [Theory]
    [MemberData(nameof(Exchanges))]
    public async Task ReplaceKey_NewKeyOfTheSameAccount_SwapsSecretAndCredential_RevokesTheOld(string exchange)
    {
        var (session, seed) = await TraderWithTotpAsync("ana");
        var old = Issue(exchange);
        var before = await ConnectedAsync(session, seed, exchange, old, "main");
        var id = before.GetProperty("id").GetString()!;
        var oldAccessor = before.GetProperty("credential_accessor").GetString()!;
        var secretsBefore = await SecretCountAsync();
        var fresh = SameAccountKey(old);

        using var response = await ReplaceAsync(session, seed, id, fresh);

        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        Assert.DoesNotContain(fresh.Secret.Trim(), text, StringComparison.Ordinal);
        Assert.DoesNotContain(fresh.ApiKey, text, StringComparison.Ordinal);
        var view = JsonDocument.Parse(text).RootElement;
        Assert.Equal(id, view.GetProperty("id").GetString());
        Assert.Equal("main", view.GetProperty("label").GetString());
        Assert.Equal("active", view.GetProperty("status").GetString());
        Assert.Equal($"{fresh.ApiKey[..4]}…{fresh.ApiKey[^4..]}", view.GetProperty("api_key").GetString());

        // A new credential under the trader token; the old one revoked; one secret in the vault as before, a different one.
        var newAccessor = view.GetProperty("credential_accessor").GetString()!;
        Assert.NotEqual(oldAccessor, newAccessor);
        var credential = await Server.GetJsonAsync("/api/v1/tokens/" + newAccessor, session);
        Assert.Equal("credential", credential.GetProperty("kind").GetString());
        Assert.Equal("trader", (await Server.GetJsonAsync("/api/v1/tokens/" + credential.GetProperty("parent").GetString(), session)).GetProperty("kind").GetString());
        Assert.True((await Server.GetJsonAsync("/api/v1/tokens/" + oldAccessor, session)).GetProperty("revoked").GetBoolean());
        Assert.Equal(secretsBefore, await SecretCountAsync());
        Assert.Equal(1, await LiveCredentialCountAsync());
        Assert.Equal(0, await DbAsync(db => db.Table<Coffer.Server.Features.Connections.CredentialCleanupRow>().CountAsync()));

        // Coffer now signs with the new key only: verify reaches the exchange with it.
        var seen = Sandbox.State.Requests.Last(1000).Count;
        using (var verify = await SendAsync(HttpMethod.Post, $"/api/v1/connections/{id}/verify", null, session))
        {
            Assert.Equal("active", (await JsonAsync(verify)).GetProperty("status").GetString());
        }

        var calls = Sandbox.State.Requests.Last(1000).Skip(seen).Where(r => r.Exchange == exchange).ToList();
        Assert.NotEmpty(calls);
        Assert.All(calls, r => Assert.Equal(fresh.ApiKey, r.ApiKey));

        // Audited and notified.
        var notifications = await Server.GetJsonAsync("/api/v1/notifications", session);
        Assert.Contains(notifications.GetProperty("items").EnumerateArray(), n => n.GetProperty("kind").GetString() == "credential.added" && n.GetProperty("title").GetString()!.Contains("replaced", StringComparison.Ordinal));
        var audit = await Server.ListAllAsync(AdminToken, "&action=connection.key_replaced");
        Assert.Contains(audit, e => e.GetProperty("target").GetString() == newAccessor);
    }

    [Theory]
    [MemberData(nameof(Exchanges))]
    public async Task ReplaceKey_WithdrawalKey_OrWrongSecret_IsRefused_TheOldKeyStillWorks_NothingNewIsStored(string exchange)
    {
        var (session, seed) = await TraderWithTotpAsync("ben");
        var old = Issue(exchange);
        var before = await ConnectedAsync(session, seed, exchange, old);
        var id = before.GetProperty("id").GetString()!;
        var state = await StateAsync();

        using (var withdraw = await ReplaceAsync(session, seed, id, SameAccountKey(old, ReadTrade | SandboxPermissions.Withdraw)))
        {
            await ProblemAssert.AssertAsync(withdraw, HttpStatusCode.UnprocessableEntity, "exchange-key-can-withdraw");
        }

        var fresh = SameAccountKey(old);
        using (var wrong = await ReplaceAsync(session, seed, id, fresh.ApiKey, Issue(exchange).Secret))
        {
            await ProblemAssert.AssertAsync(wrong, HttpStatusCode.UnprocessableEntity, "exchange-authentication-failed");
        }

        Assert.Equal(state, await StateAsync());
        await AssertOldKeyWorksAsync(session, id, before, old);
    }

    [Fact]
    public async Task ReplaceKey_CoinbaseKeyOfAnotherOrganization_IsRefusedBeforeAnyCall()
    {
        var (session, seed) = await TraderWithTotpAsync("cyd");
        var old = Issue("coinbase");
        var before = await ConnectedAsync(session, seed, "coinbase", old);
        var id = before.GetProperty("id").GetString()!;
        var state = await StateAsync();
        var other = Issue("coinbase");
        var seen = Sandbox.State.Requests.Last(1000).Count;

        using var refused = await ReplaceAsync(session, seed, id, other);

        var problem = await ProblemAssert.AssertAsync(refused, HttpStatusCode.UnprocessableEntity, "exchange-key-other-account");
        Assert.Contains("new connection", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Sandbox.State.Requests.Last(1000).Skip(seen), r => r.ApiKey == other.ApiKey);
        Assert.Equal(state, await StateAsync());
        await AssertOldKeyWorksAsync(session, id, before, old);
    }

    [Fact]
    public async Task ReplaceKey_WithoutStepUp_BadInput_OrUnknownConnection_IsAProblemAndChangesNothing()
    {
        var (session, seed) = await TraderWithTotpAsync("dee");
        var old = Issue("binance");
        var before = await ConnectedAsync(session, seed, "binance", old);
        var id = before.GetProperty("id").GetString()!;
        var fresh = SameAccountKey(old);
        var state = await StateAsync();

        using (var none = await SendAsync(HttpMethod.Put, $"/api/v1/connections/{id}/key", new { api_key = fresh.ApiKey, secret = fresh.Secret }, session))
        {
            await ProblemAssert.AssertAsync(none, HttpStatusCode.Forbidden, "step-up-required");
        }

        object[] bodies = [new { secret = "s" }, new { api_key = "has space", secret = "s" }, new { api_key = "k" }, new { api_key = "k", secret = " " }];
        foreach (var body in bodies)
        {
            using var bad = await SendAsync(HttpMethod.Put, $"/api/v1/connections/{id}/key", body, session, stepUp: StepUp(seed));
            await ProblemAssert.AssertAsync(bad, HttpStatusCode.BadRequest, "invalid-argument");
        }

        using (var unknown = await ReplaceAsync(session, seed, Guid.NewGuid().ToString(), fresh))
        {
            await ProblemAssert.AssertAsync(unknown, HttpStatusCode.NotFound, "not-found");
        }

        Assert.Equal(state, await StateAsync());
        await AssertOldKeyWorksAsync(session, id, before, old);
    }

    [Theory]
    [MemberData(nameof(Exchanges))]
    public async Task ReplaceKey_OfAConnectionLockedForGrownPermissions_UnlocksIt(string exchange)
    {
        var (session, seed) = await TraderWithTotpAsync("fay");
        var old = Issue(exchange, SandboxPermissions.Read);
        var id = (await ConnectedAsync(session, seed, exchange, old)).GetProperty("id").GetString()!;
        Sandbox.State.Keys.ChangePermissions(Front(exchange), old.ApiKey, ReadTrade);
        using (var locked = await SendAsync(HttpMethod.Post, $"/api/v1/connections/{id}/verify", null, session))
        {
            Assert.Equal("locked", (await JsonAsync(locked)).GetProperty("status").GetString());
        }

        using var replaced = await ReplaceAsync(session, seed, id, SameAccountKey(old));

        var view = await JsonAsync(replaced);
        Assert.Equal("active", view.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, view.GetProperty("lock_reason").ValueKind);
        Assert.True(view.GetProperty("permissions").GetProperty("trade").GetBoolean());
    }

    [Fact]
    public async Task FreezeAndUnfreeze_ConnectionNeedsItsKey_ReplaceKeyRestoresIt()
    {
        var (session, seed) = await TraderWithTotpAsync("gus");
        var old = Issue("kraken");
        var before = await ConnectedAsync(session, seed, "kraken", old, "kr");
        var id = before.GetProperty("id").GetString()!;
        var service = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<Coffer.Server.Features.Connections.ConnectionService>(Server.Services);
        using (var freeze = await SendAsync(HttpMethod.Post, "/api/v1/account/freeze", null, session))
        {
            await JsonAsync(freeze);
        }

        Clock.NextTotpStep();
        using var unfrozen = await SendAsync(HttpMethod.Post, "/api/v1/account/unfreeze", new { username = "gus", password = UserPassword, totp_code = Code(seed) });
        var fresh = (await JsonAsync(unfrozen)).GetProperty("token").GetString()!;

        // The freeze revoked the credential with every other token: the connection says so, with the fix, and signs nothing.
        var view = await Server.GetJsonAsync("/api/v1/connections/" + id, fresh);
        Assert.Equal("needs_key", view.GetProperty("status").GetString());
        Assert.Contains("re-entered", view.GetProperty("lock_reason").GetString(), StringComparison.Ordinal);
        Assert.Contains("replace-key kr", view.GetProperty("lock_reason").GetString(), StringComparison.Ordinal);
        Assert.Equal("needs_key", (await Server.GetJsonAsync("/api/v1/connections", fresh)).GetProperty("items")[0].GetProperty("status").GetString());
        using (var verify = await SendAsync(HttpMethod.Post, $"/api/v1/connections/{id}/verify", null, fresh))
        {
            var problem = await ProblemAssert.AssertAsync(verify, HttpStatusCode.Conflict, "connection-locked");
            Assert.Contains("replace-key", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        var row = await DbAsync(db => db.Table<Coffer.Server.Features.Connections.ConnectionRow>().AsNoTracking().SingleAsync(x => x.Id == Guid.Parse(id)));
        Assert.Null(await service.ClientForAsync(row, default));

        // Re-entering the key (the same key is fine) issues a credential under the new trader token.
        using var replaced = await ReplaceAsync(fresh, seed, id, old);

        var after = await JsonAsync(replaced);
        Assert.Equal("active", after.GetProperty("status").GetString());
        var credential = await Server.GetJsonAsync("/api/v1/tokens/" + after.GetProperty("credential_accessor").GetString(), fresh);
        var root = (await Server.GetJsonAsync("/api/v1/tokens/self", fresh)).GetProperty("parent").GetString();
        Assert.Equal(root, credential.GetProperty("parent").GetString());
        row = await DbAsync(db => db.Table<Coffer.Server.Features.Connections.ConnectionRow>().AsNoTracking().SingleAsync(x => x.Id == Guid.Parse(id)));
        Assert.NotNull(await service.ClientForAsync(row, default));
        Assert.Equal(1, await SecretCountAsync() - await TotpSecretCountAsync());
    }

    [Fact]
    public async Task ReplaceKey_WhileFrozen_IsRefused_AndChangesNothing()
    {
        var (session, seed) = await TraderWithTotpAsync("hal");
        var old = Issue("binance");
        var id = (await ConnectedAsync(session, seed, "binance", old)).GetProperty("id").GetString()!;
        using (var freeze = await SendAsync(HttpMethod.Post, "/api/v1/account/freeze", null, session))
        {
            await JsonAsync(freeze);
        }

        var state = await StateAsync();

        using var refused = await ReplaceAsync(session, seed, id, SameAccountKey(old));

        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal(state, await StateAsync());
    }

    private Task<HttpResponseMessage> ReplaceAsync(string session, byte[] seed, string id, SandboxKey key) => ReplaceAsync(session, seed, id, key.ApiKey, key.Secret);

    private Task<HttpResponseMessage> ReplaceAsync(string session, byte[] seed, string id, string apiKey, string secret) =>
        SendAsync(HttpMethod.Put, $"/api/v1/connections/{id}/key", new { api_key = apiKey, secret }, session, stepUp: StepUp(seed));

    /// <summary>Everything a replacement could change: secrets, tokens, connection rows, the journal.</summary>
    private Task<string> StateAsync() => DbAsync(async db =>
    {
        var secrets = await db.Secrets.AsNoTracking().Select(s => s.SecretId.ToString() + s.Version).ToListAsync();
        var tokens = await db.Tokens.AsNoTracking().Select(t => t.Accessor + (t.RevokedAt == null ? "+" : "-")).ToListAsync();
        var rows = await db.Table<Coffer.Server.Features.Connections.ConnectionRow>().AsNoTracking().ToListAsync();
        var journal = await db.Table<Coffer.Server.Features.Connections.CredentialCleanupRow>().CountAsync();
        return string.Join(
            '|',
            string.Join(',', secrets.Order(StringComparer.Ordinal)),
            string.Join(',', tokens.Order(StringComparer.Ordinal)),
            string.Join(',', rows.Select(r => $"{r.Id}:{r.ApiKey}:{r.SecretId}:{r.CredentialAccessor}:{r.Status}:{r.CanTrade}")),
            journal);
    });

    private Task<int> TotpSecretCountAsync() => DbAsync(db => db.Users.CountAsync(u => u.TotpSecretId != null));

    private async Task AssertOldKeyWorksAsync(string session, string id, JsonElement before, SandboxKey old)
    {
        var seen = Sandbox.State.Requests.Last(1000).Count;
        using var verify = await SendAsync(HttpMethod.Post, $"/api/v1/connections/{id}/verify", null, session);
        var view = await JsonAsync(verify);
        Assert.Equal("active", view.GetProperty("status").GetString());
        Assert.Equal(before.GetProperty("api_key").GetString(), view.GetProperty("api_key").GetString());
        Assert.Equal(before.GetProperty("credential_accessor").GetString(), view.GetProperty("credential_accessor").GetString());
        Assert.Contains(Sandbox.State.Requests.Last(1000).Skip(seen), r => r.ApiKey == old.ApiKey && r.Status == 200);
    }
}

public sealed class ReplaceKeySqliteTests : ReplaceKeyTests;

public sealed class ReplaceKeyPostgresTests : ReplaceKeyTests
{
    internal override bool OnPostgres => true;
}
