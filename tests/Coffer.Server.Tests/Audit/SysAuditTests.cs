using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Coffer.Server.Features.Audit;
using Coffer.Server.Tests.Storage;
using Coffer.Server.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Coffer.Server.Tests.Audit;

/// <summary>The operator's sys actions against a real server: what they record, where, and what happens when they cannot.</summary>
public sealed class SysAuditTests : ServerTest
{
    [Fact]
    public async Task SysActions_InitUnsealRotateSealUnseal_AreRecordedInOrderWithActorAndOutcome()
    {
        var (shares, token) = await Server.InitAndUnsealAsync(shares: 3, threshold: 2);
        var accessor = await Server.AccessorAsync(token);
        using (var rotate = await Server.PostJsonAsync("/api/v1/sys/rotate", new { }, token))
        {
            rotate.EnsureSuccessStatusCode();
        }

        using (var seal = await Server.PostJsonAsync("/api/v1/sys/seal", null, token))
        {
            seal.EnsureSuccessStatusCode();
        }

        using (var bogus = await Server.PostJsonAsync("/api/v1/sys/unseal", new { share = "cofs1_not-a-share" }))
        {
            await ProblemAssert.AssertAsync(bogus, HttpStatusCode.BadRequest, "invalid-share");
        }

        foreach (var share in shares.Take(2))
        {
            (await Server.PostJsonAsync("/api/v1/sys/unseal", new { share })).EnsureSuccessStatusCode().Dispose();
        }

        var records = await Server.ListAllAsync(token);

        Assert.Equal(
            [
                "sys.init/success", "sys.unseal.share/success", "sys.unseal.share/success", "sys.unseal/success", "sys.rotate/success",
                "sys.seal/success", "sys.unseal.share/denied", "sys.unseal.share/success", "sys.unseal.share/success", "sys.unseal/success",
            ],
            records.Select(r => r.GetProperty("action").GetString() + "/" + r.GetProperty("outcome").GetString()));
        Assert.Equal(Enumerable.Range(1, 10).Select(i => (long)i), records.Select(r => r.GetProperty("seq").GetInt64()));
        Assert.All(records, r => Assert.Equal("127.0.0.1", r.GetProperty("client_ip").GetString()));
        var rotated = records[4];
        Assert.Equal(accessor, rotated.GetProperty("actor").GetString());
        Assert.False(string.IsNullOrEmpty(rotated.GetProperty("user_id").GetString()));
        Assert.Equal(1, rotated.GetProperty("details").GetProperty("from_version").GetInt32());
        Assert.Equal(2, rotated.GetProperty("details").GetProperty("to_version").GetInt32());
        Assert.Equal(accessor, records[5].GetProperty("actor").GetString());
        Assert.Equal("anonymous", records[0].GetProperty("actor").GetString());
        Assert.Equal("invalid-share", records[6].GetProperty("details").GetProperty("reason").GetString());
        Assert.Equal(1, records[1].GetProperty("details").GetProperty("progress").GetInt32());
        Assert.Equal(1, records[3].GetProperty("details").GetProperty("root_key_version").GetInt32());
        Assert.Equal(2, records[9].GetProperty("details").GetProperty("root_key_version").GetInt32());
        Assert.True((await Server.VerifyAsync(token)).GetProperty("ok").GetBoolean());
    }

    [Fact]
    public async Task Unseal_Shares_AreStoredOnlyAsTheirHmac()
    {
        var (shares, _) = await Server.InitAndUnsealAsync(shares: 3, threshold: 2);

        var rows = await Server.RowsAsync();
        var hmacs = await Task.WhenAll(shares.Take(2).Select(s => Server.Services.GetRequiredService<AuditLog>().HmacAsync(s, default)));

        var all = string.Join('\n', rows.Select(r => string.Join('|', r.Actor, r.Target, r.ClientIp, r.Details)));
        Assert.All(shares, share => Assert.DoesNotContain(share[6..30], all, StringComparison.Ordinal));
        Assert.All(hmacs, hmac => Assert.Contains(hmac, all, StringComparison.Ordinal));
        Assert.DoesNotContain(string.Join('\n', File.ReadAllLines(Server.Services.GetRequiredService<SysAuditSink>().Path)), shares[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task SysLog_InitUnsealSeal_AreAppendedAsPrivateJsonLines()
    {
        var (_, token) = await Server.InitAndUnsealAsync();
        (await Server.PostJsonAsync("/api/v1/sys/seal", null, token)).EnsureSuccessStatusCode().Dispose();

        var lines = Server.SysLog();
        var path = Server.Services.GetRequiredService<SysAuditSink>().Path;

        Assert.Equal(Path.Combine(Data.Directory, "audit", "sys.log"), path);
        Assert.Equal(["sys.init", "sys.unseal", "sys.seal"], lines.Select(l => l.GetProperty("action").GetString()));
        Assert.All(lines, l => Assert.Equal("success", l.GetProperty("outcome").GetString()));
        Assert.Equal(await Server.AccessorAsync(token), lines[2].GetProperty("actor").GetString());
        Assert.True(DateTimeOffset.TryParse(lines[2].GetProperty("occurred_at").GetString(), System.Globalization.CultureInfo.InvariantCulture, out _));
        Assert.True(OperatingSystem.IsWindows() || File.GetUnixFileMode(path) == (UnixFileMode.UserRead | UnixFileMode.UserWrite));
        Assert.True(OperatingSystem.IsWindows() || File.GetUnixFileMode(Path.GetDirectoryName(path)!) == (UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute));
    }

    [Fact]
    public async Task Rotate_AuditTableUnwritable_RefusedAndRootKeyUnchanged_SealStillWorksAndLandsInSysLog()
    {
        var (shares, token) = await Server.InitAndUnsealAsync(shares: 3, threshold: 2);
        (await Server.PostJsonAsync("/api/v1/sys/rotate", new { }, token)).EnsureSuccessStatusCode().Dispose();
        Assert.Equal(2, Server.Vault.Status.RootKeyVersion);
        await Server.ExecuteSqlAsync("ALTER TABLE audit_log RENAME TO audit_log_gone");

        using var rotate = await Server.PostJsonAsync("/api/v1/sys/rotate", new { min_decryption_version = 2 }, token);

        await ProblemAssert.AssertAsync(rotate, HttpStatusCode.ServiceUnavailable, "audit-unavailable");
        Assert.Equal(2, Server.Vault.Status.RootKeyVersion);
        Assert.Equal(1, Server.Vault.Status.RootMinDecryptionVersion);

        // Break-glass is never blocked by the audit log: the seal happens and the independent sink has it.
        using var seal = await Server.PostJsonAsync("/api/v1/sys/seal", null, token);
        Assert.Equal(HttpStatusCode.OK, seal.StatusCode);
        Assert.True(Server.Vault.IsSealed);
        var last = Server.SysLog()[^1];
        Assert.Equal(("sys.seal", "success"), (last.GetProperty("action").GetString(), last.GetProperty("outcome").GetString()));

        // Unsealing fails closed: a share that cannot be recorded does not count.
        using (var unseal = await Server.PostJsonAsync("/api/v1/sys/unseal", new { share = shares[0] }))
        {
            await ProblemAssert.AssertAsync(unseal, HttpStatusCode.ServiceUnavailable, "audit-unavailable");
        }

        Assert.True(Server.Vault.IsSealed);
        Assert.Equal(0, Server.Vault.Status.UnsealProgress);

        // With the log back, everything works again, and the chain never broke.
        await Server.ExecuteSqlAsync("ALTER TABLE audit_log_gone RENAME TO audit_log");
        foreach (var share in shares.Take(2))
        {
            (await Server.PostJsonAsync("/api/v1/sys/unseal", new { share })).EnsureSuccessStatusCode().Dispose();
        }

        Assert.False(Server.Vault.IsSealed);
        var records = await Server.ListAllAsync(token);
        Assert.DoesNotContain(records, r => r.GetProperty("action").GetString() == "sys.rotate" && r.GetProperty("details").GetProperty("to_version").GetInt32() == 3);
        Assert.True((await Server.VerifyAsync(token)).GetProperty("ok").GetBoolean());
    }

    [Fact]
    public async Task Init_AuditTableUnwritable_NotInitialized()
    {
        await Server.ExecuteSqlAsync("ALTER TABLE audit_log RENAME TO audit_log_gone");

        using var init = await Server.PostJsonAsync("/api/v1/sys/init", new { shares = 3, threshold = 2 });

        await ProblemAssert.AssertAsync(init, HttpStatusCode.ServiceUnavailable, "audit-unavailable");
        Assert.False(Server.Vault.Status.Initialized);
        Assert.Empty(Server.SysLog());
    }

    [Fact]
    public async Task SysLogUnwritable_InitRefused_SealStillWorks_CompletedUnsealUndone()
    {
        var sysLogDirectory = Path.Combine(Data.Directory, "audit");
        File.WriteAllText(sysLogDirectory, "a file where the sink's directory should be");

        using (var refused = await Server.PostJsonAsync("/api/v1/sys/init", new { shares = 3, threshold = 2 }))
        {
            var problem = await ProblemAssert.AssertAsync(refused, HttpStatusCode.ServiceUnavailable, "audit-unavailable");
            Assert.DoesNotContain(Data.Directory, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        Assert.False(Server.Vault.Status.Initialized);

        File.Delete(sysLogDirectory);
        var (shares, token) = await Server.InitAndUnsealAsync(shares: 3, threshold: 2);
        Directory.Delete(sysLogDirectory, recursive: true);
        File.WriteAllText(sysLogDirectory, "broken again");

        using (var seal = await Server.PostJsonAsync("/api/v1/sys/seal", null, token))
        {
            Assert.Equal(HttpStatusCode.OK, seal.StatusCode);
        }

        Assert.True(Server.Vault.IsSealed);

        // The first share is only recorded in the database, so it counts; the one that would unseal needs the sink.
        (await Server.PostJsonAsync("/api/v1/sys/unseal", new { share = shares[0] })).EnsureSuccessStatusCode().Dispose();
        using (var completing = await Server.PostJsonAsync("/api/v1/sys/unseal", new { share = shares[1] }))
        {
            await ProblemAssert.AssertAsync(completing, HttpStatusCode.ServiceUnavailable, "audit-unavailable");
        }

        Assert.True(Server.Vault.IsSealed);
        var rows = await Server.RowsAsync();
        Assert.Equal(["sys.seal", "sys.unseal.share", "sys.unseal.share", "sys.seal"], rows.TakeLast(4).Select(r => r.Action));
        Assert.Contains("could not be audited", rows[^1].Details, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TwoServersOnOnePostgres_ConcurrentAppends_KeepOneValidChain()
    {
        await using var storage = await StorageUnderTest.CreateAsync("postgres");
        using var otherData = new TestData();
        var first = await ServerInstance.StartAsync(storage.Settings());
        var second = await ServerInstance.StartAsync(otherData.Settings(postgres: storage.Postgres));
        try
        {
            var (_, token) = await first.InitAndUnsealAsync();
            await second.Vault.LoadAsync(default);
            var logs = new[] { first.Services.GetRequiredService<AuditLog>(), second.Services.GetRequiredService<AuditLog>() };

            var appended = await Task.WhenAll(Enumerable.Range(0, 16).Select(t => Task.Run(async () =>
            {
                var seqs = new List<long>();
                for (var i = 0; i < 20; i++)
                {
                    seqs.Add((await logs[t % 2].AppendAsync(new AuditEntry("token.use", AuditOutcome.Success).With("node", t % 2).With("i", i), default)).Seq);
                }

                return seqs;
            })));

            var seqs = appended.SelectMany(s => s).Order().ToList();
            var before = seqs[0] - 1;
            Assert.Equal(Enumerable.Range(1, 16 * 20).Select(i => before + i), seqs);
            var verify = await first.VerifyAsync(token);
            Assert.True(verify.GetProperty("ok").GetBoolean(), verify.ToString());
            Assert.Equal(before + (16 * 20), verify.GetProperty("records").GetInt64());
        }
        finally
        {
            await second.DisposeAsync();
            await first.DisposeAsync();
        }
    }
}
