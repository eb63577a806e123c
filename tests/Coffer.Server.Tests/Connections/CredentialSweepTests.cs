using System.Net;
using System.Text;
using Coffer.Server.Data;
using Coffer.Server.Features.Connections;
using Coffer.Server.Features.Tokens;
using Coffer.Server.Tests.Storage;
using Coffer.Server.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Coffer.Server.Tests.Connections;

/// <summary>
/// The orphan guard: a secret stored (and perhaps a credential token issued) by a connect or key replacement that died
/// before it finished is removed by the sweep after the grace period — and nothing a connection or another feature holds.
/// </summary>
public abstract class CredentialSweepTests : ConnectionTest
{
    private static readonly string[] CredentialScopes = ["exchanges:read"];

    private CredentialJournal Journal => Server.Services.GetRequiredService<CredentialJournal>();

    [Fact]
    public async Task Sweep_WhatInterruptedConnectsLeft_IsRemovedAfterTheGrace_AndNothingElse()
    {
        var (session, seed) = await TraderWithTotpAsync("ana");
        var kept = await ConnectedAsync(session, seed, "binance", Issue("binance"), "kept");
        var userId = Guid.Parse((await Server.GetJsonAsync("/api/v1/tokens/self", session)).GetProperty("user_id").GetString()!);
        var rootAccessor = await DbAsync(db => db.Users.Where(u => u.Id == userId).Select(u => u.RootAccessor).SingleAsync());
        var root = await DbAsync(db => db.Tokens.AsNoTracking().SingleAsync(t => t.Accessor == rootAccessor));

        // A connect that died while verifying: journalled, the secret in the vault, no token yet.
        var verifying = Guid.NewGuid();
        await Journal.OpenAsync(userId, verifying, default);
        await Server.Vault.StoreSecretAsync(userId, verifying, Encoding.UTF8.GetBytes("a secret that never got its connection"), default);

        // A replacement that committed but died before removing the old key: its secret and live credential, journalled.
        var replaced = Guid.NewGuid();
        await Server.Vault.StoreSecretAsync(userId, replaced, Encoding.UTF8.GetBytes("the replaced key's secret"), default);
        var tree = Server.Services.GetRequiredService<TokenTree>();
        var oldCredential = await tree.CreateChildAsync(TokenInfo.From(root), new TokenRequest("credential", CredentialScopes), default);
        await DbAsync(async db =>
        {
            Journal.Retire(db, userId, replaced, oldCredential.Accessor);
            return await db.SaveChangesAsync();
        });

        // What must survive: the connection's key, the TOTP seed (another feature's secret) and a credential-kind token
        // that no connection references but which the journal never held.
        var userCredential = (await tree.CreateChildAsync(TokenInfo.From(root), new TokenRequest("credential", CredentialScopes), default)).Accessor;
        var secretsBefore = await SecretCountAsync();

        // Within the grace period a connect may still be running: nothing is touched.
        await Journal.SweepAsync(default);
        Assert.Equal(secretsBefore, await SecretCountAsync());
        Assert.Equal(2, await DbAsync(db => db.Table<CredentialCleanupRow>().CountAsync()));

        Clock.Advance(CredentialJournal.Grace + TimeSpan.FromMinutes(1));
        await Journal.SweepAsync(default);

        Assert.Equal(secretsBefore - 2, await SecretCountAsync());
        Assert.False(await DbAsync(db => db.Secrets.AnyAsync(s => s.SecretId == verifying || s.SecretId == replaced)));
        Assert.Equal(0, await DbAsync(db => db.Table<CredentialCleanupRow>().CountAsync()));
        Assert.NotNull(await DbAsync(db => db.Tokens.AsNoTracking().Where(t => t.Accessor == oldCredential.Accessor).Select(t => t.RevokedAt).SingleAsync()));
        var row = await DbAsync(db => db.Table<ConnectionRow>().AsNoTracking().SingleAsync());
        Assert.True(await DbAsync(db => db.Secrets.AnyAsync(s => s.SecretId == row.SecretId)));
        Assert.Equal("active", (await Server.GetJsonAsync("/api/v1/connections/" + kept.GetProperty("id").GetString(), session)).GetProperty("status").GetString());
        Assert.True(await DbAsync(db => db.Users.Where(u => u.Id == userId).Select(u => u.TotpSecretId).SingleAsync()) is { } totp
            && await DbAsync(db => db.Secrets.AnyAsync(s => s.SecretId == totp)));
        Assert.False((await Server.GetJsonAsync("/api/v1/tokens/" + userCredential, session)).GetProperty("revoked").GetBoolean());
    }

    [Fact]
    public async Task Complete_AfterTheSweepClaimedTheSecret_Throws_SoTheSlowConnectKeepsNothing()
    {
        var userId = Guid.NewGuid();
        var secretId = Guid.NewGuid();
        await Journal.OpenAsync(userId, secretId, default);
        Clock.Advance(CredentialJournal.Grace + TimeSpan.FromMinutes(1));
        await Journal.SweepAsync(default);

        await using var db = await Server.Services.GetRequiredService<IDbContextFactory<CofferDb>>().CreateDbContextAsync();
        await using var transaction = await db.Database.BeginTransactionAsync();
        await Assert.ThrowsAsync<CredentialJournalException>(() => CredentialJournal.CompleteAsync(db, secretId, default));
    }
}

public sealed class CredentialSweepSqliteTests : CredentialSweepTests;

public sealed class CredentialSweepPostgresTests : CredentialSweepTests
{
    internal override bool OnPostgres => true;
}

/// <summary>The sweep runs when the server starts, sealed or not: what a crash left is gone after the restart.</summary>
public sealed class CredentialSweepAtStartTests
{
    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Restart_AfterACrashMidConnect_RemovesTheLeftSecret(string provider)
    {
        await using var storage = await StorageUnderTest.CreateAsync(provider);
        var server = await ServerInstance.StartAsync(storage.Settings());
        try
        {
            await server.InitAndUnsealAsync();
            var userId = Guid.NewGuid();
            var secretId = Guid.NewGuid();
            await server.Vault.StoreSecretAsync(userId, secretId, Encoding.UTF8.GetBytes("left by a connect that crashed an hour ago"), default);
            await using (var db = await server.Services.GetRequiredService<IDbContextFactory<CofferDb>>().CreateDbContextAsync())
            {
                db.Add(new CredentialCleanupRow { SecretId = secretId, UserId = userId, CreatedAt = DateTimeOffset.UtcNow.AddHours(-1) });
                await db.SaveChangesAsync();
            }

            server = await server.RestartAsync();

            // The sweep runs in the background as the server starts: a bound on the wait, not a measurement.
            var deadline = DateTime.UtcNow.AddSeconds(15);
            await using var check = await server.Services.GetRequiredService<IDbContextFactory<CofferDb>>().CreateDbContextAsync();
            while (await check.Secrets.AnyAsync(s => s.SecretId == secretId) && DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }

            Assert.False(await check.Secrets.AnyAsync(s => s.SecretId == secretId));
            Assert.Equal(0, await check.Table<CredentialCleanupRow>().CountAsync());
        }
        finally
        {
            await server.DisposeAsync();
        }
    }
}
