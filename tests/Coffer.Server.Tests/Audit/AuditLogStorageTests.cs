using System.Text;
using Coffer.Server.Features.Audit;
using Microsoft.EntityFrameworkCore;

namespace Coffer.Server.Tests.Audit;

/// <summary>The audit chain on both providers: appends, verification, and every kind of tampering it must catch.</summary>
public sealed class AuditLogStorageTests
{
    private const int ChainLength = 10;

    // Every stored column and a value to write over it; seq is covered by the deletion and reordering tests.
    private static readonly (string Column, string Value)[] Edits =
    [
        ("occurred_at", "2001-02-03 04:05:06"),
        ("actor", "acc_someone_else"),
        ("user_id", "00000000-0000-0000-0000-000000000001"),
        ("action", "sys.status"),
        ("target", "other-target"),
        ("outcome", "failure"),
        ("client_ip", "203.0.113.9"),
        ("details", "{\"n\":999}"),
        ("prev_hash", new string('a', 64)),
        ("hash", new string('b', 64)),
    ];

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Append_ChainOfRecords_VerifiesWithContiguousSeqAndLinks(string provider)
    {
        await using var store = await AuditStore.CreateAsync(provider);

        var empty = await store.Verifier.VerifyAsync(default);
        var records = await store.AppendManyAsync(25);
        var result = await store.Verifier.VerifyAsync(default);

        Assert.True(empty.Ok);
        Assert.Equal(0, empty.Records);
        Assert.Null(empty.LastHash);
        Assert.True(result.Ok, result.FirstBroken?.Detail);
        Assert.Null(result.FirstBroken);
        Assert.Equal(25, result.Records);
        Assert.Equal(records[^1].Hash, result.LastHash);
        Assert.Equal(Enumerable.Range(1, 25).Select(i => (long)i), records.Select(r => r.Seq));
        Assert.Equal(AuditChain.GenesisHash, records[0].PrevHash);
        for (var i = 1; i < records.Count; i++)
        {
            Assert.Equal(records[i - 1].Hash, records[i].PrevHash);
        }

        // What was returned is what was stored.
        var rows = await store.RowsAsync();
        Assert.Equal(records, rows.Select(AuditRecord.From));
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Verify_AnyColumnOfFirstMiddleOrLastRecordEdited_NamesThatRecordAsEdited(string provider)
    {
        await using var store = await AuditStore.CreateAsync(provider);
        await store.AppendManyAsync(ChainLength);
        await store.AllowTamperingAsync();
        var column = store.IsPostgres ? "CAST(@v AS {0})" : "@v";

        foreach (var seq in new long[] { 1, 5, ChainLength })
        {
            foreach (var (name, value) in Edits)
            {
                var original = (await store.RowsAsync()).Single(r => r.Seq == seq);
                var type = name switch { "occurred_at" => "timestamp with time zone", "user_id" => "uuid", _ => "text" };
                await store.ExecuteAsync($"UPDATE audit_log SET {name} = {string.Format(System.Globalization.CultureInfo.InvariantCulture, column, type)} WHERE seq = @s", ("@v", value), ("@s", seq));

                var result = await store.Verifier.VerifyAsync(default);

                Assert.False(result.Ok, $"Editing {name} of record {seq} went unnoticed.");
                Assert.Equal(new { Seq = seq, Problem = AuditProblems.Edited }, new { result.FirstBroken!.Seq, result.FirstBroken.Problem });
                Assert.Equal(seq - 1, result.Records);
                Assert.Contains(seq.ToString(System.Globalization.CultureInfo.InvariantCulture), result.FirstBroken.Detail, StringComparison.Ordinal);

                // Put it back through EF, the way the log wrote it: the chain is whole again.
                await using (var db = await store.Factory.CreateDbContextAsync())
                {
                    db.Table<AuditRecordRow>().Update(original);
                    await db.SaveChangesAsync();
                }

                var restored = await store.Verifier.VerifyAsync(default);
                Assert.True(restored.Ok, $"After restoring {name} of record {seq}: {restored.FirstBroken?.Detail}");
            }
        }
    }

    [Theory]
    [InlineData("sqlite", 1)]
    [InlineData("sqlite", 5)]
    [InlineData("sqlite", ChainLength)]
    [InlineData("postgres", 1)]
    [InlineData("postgres", 5)]
    [InlineData("postgres", ChainLength)]
    public async Task Verify_RecordDeleted_NamesTheMissingSeq(string provider, long seq)
    {
        await using var store = await AuditStore.CreateAsync(provider);
        await store.AppendManyAsync(ChainLength);
        await store.AllowTamperingAsync();

        Assert.Equal(1, await store.ExecuteAsync("DELETE FROM audit_log WHERE seq = @s", ("@s", seq)));
        var result = await store.Verifier.VerifyAsync(default);

        Assert.False(result.Ok);
        Assert.Equal(seq, result.FirstBroken!.Seq);
        Assert.Equal(AuditProblems.Deleted, result.FirstBroken.Problem);
        Assert.Equal(seq - 1, result.Records);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Verify_NewestRecordDeletedThenMoreAppended_StillNamesIt(string provider)
    {
        // The next append chains onto the head, not onto whatever is last now, so it cannot paper over the hole.
        await using var store = await AuditStore.CreateAsync(provider);
        await store.AppendManyAsync(ChainLength);
        await store.AllowTamperingAsync();
        await store.ExecuteAsync("DELETE FROM audit_log WHERE seq = @s", ("@s", (long)ChainLength));

        var next = await store.Log.AppendAsync(new AuditEntry("sys.seal", AuditOutcome.Success), default);
        var result = await store.Verifier.VerifyAsync(default);

        Assert.Equal(ChainLength + 1, next.Seq);
        Assert.Equal((ChainLength, AuditProblems.Deleted), (result.FirstBroken!.Seq, result.FirstBroken.Problem));
    }

    [Theory]
    [InlineData("sqlite", 1, 2)]
    [InlineData("sqlite", 4, 7)]
    [InlineData("sqlite", ChainLength - 1, ChainLength)]
    [InlineData("postgres", 1, 2)]
    [InlineData("postgres", 4, 7)]
    [InlineData("postgres", ChainLength - 1, ChainLength)]
    public async Task Verify_TwoRecordsSwapped_NamesTheFirstAsReordered(string provider, long first, long second)
    {
        await using var store = await AuditStore.CreateAsync(provider);
        await store.AppendManyAsync(ChainLength);
        await store.AllowTamperingAsync();

        await store.ExecuteAsync("UPDATE audit_log SET seq = -1 WHERE seq = @a", ("@a", first));
        await store.ExecuteAsync("UPDATE audit_log SET seq = @a WHERE seq = @b", ("@a", first), ("@b", second));
        await store.ExecuteAsync("UPDATE audit_log SET seq = @b WHERE seq = -1", ("@b", second));
        var result = await store.Verifier.VerifyAsync(default);

        Assert.False(result.Ok);
        Assert.Equal((first, AuditProblems.Reordered), (result.FirstBroken!.Seq, result.FirstBroken.Problem));
        Assert.Equal(first - 1, result.Records);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Verify_RecordForgedAfterTheHead_IsNamed(string provider)
    {
        await using var store = await AuditStore.CreateAsync(provider);
        var records = await store.AppendManyAsync(3);

        // A well-formed record, correctly chained, but not appended by Coffer (the head was not moved).
        var forged = new AuditRecordRow
        {
            Seq = 4,
            OccurredAt = AuditChain.Normalize(DateTimeOffset.UtcNow),
            Actor = "system",
            Action = "sys.unseal",
            Outcome = "success",
            Details = "{}",
            PrevHash = records[^1].Hash,
            Hash = string.Empty,
        };
        forged.Hash = AuditChain.Hash(forged);
        await using (var db = await store.Factory.CreateDbContextAsync())
        {
            db.Table<AuditRecordRow>().Add(forged);
            await db.SaveChangesAsync();
        }

        var result = await store.Verifier.VerifyAsync(default);

        Assert.Equal((4L, AuditProblems.Edited), (result.FirstBroken!.Seq, result.FirstBroken.Problem));
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task AppendOnlyTriggers_UpdateOrDelete_AreRefusedByTheDatabase(string provider)
    {
        await using var store = await AuditStore.CreateAsync(provider);
        await store.AppendManyAsync(2);

        await Assert.ThrowsAnyAsync<System.Data.Common.DbException>(() => store.ExecuteAsync("UPDATE audit_log SET actor = 'x' WHERE seq = 1"));
        await Assert.ThrowsAnyAsync<System.Data.Common.DbException>(() => store.ExecuteAsync("DELETE FROM audit_log WHERE seq = 2"));

        Assert.True((await store.Verifier.VerifyAsync(default)).Ok);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Append_SensitiveDetail_NeverStoredInPlaintextOnlyItsHmac(string provider)
    {
        await using var store = await AuditStore.CreateAsync(provider);
        const string secret = "exch-secret-Qm9vJ3p1c3QgYSB0ZXN0IHZhbHVl";

        var record = await store.Log.AppendAsync(new AuditEntry("credential.add", AuditOutcome.Success).With("exchange", "kraken").WithSensitive("api_secret", secret), default);

        // The HMAC is under this install's stored salt, so an operator holding the value can find it.
        var salt = (byte[])(await store.ScalarAsync("SELECT salt FROM audit_salt WHERE id = 1"))!;
        Assert.Equal(32, salt.Length);
        var expected = AuditChain.Hmac(salt, secret);
        Assert.Equal(expected, await store.Log.HmacAsync(secret, default));
        Assert.Contains(expected, record.Details, StringComparison.Ordinal);

        // Every column of every row, as text, then the raw database itself.
        var rows = await store.RowsAsync();
        var text = string.Join('\n', rows.Select(r => string.Join('|', r.Seq, r.OccurredAt, r.Actor, r.UserId, r.Action, r.Target, r.Outcome, r.ClientIp, r.Details, r.PrevHash, r.Hash)));
        Assert.Contains(expected, text, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
        var images = await DatabaseImagesAsync(store);
        Assert.Contains(images, image => image.AsSpan().IndexOf(Encoding.UTF8.GetBytes(expected)) >= 0);
        foreach (var image in images)
        {
            Assert.True(image.AsSpan().IndexOf(Encoding.UTF8.GetBytes(secret)) < 0, "The sensitive value is in the database in plaintext.");
            Assert.True(image.AsSpan().IndexOf(Encoding.UTF8.GetBytes(secret[..16])) < 0, "A prefix of the sensitive value is in the database.");
        }
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Append_ManyConcurrentNodes_ChainStaysValidWithoutDuplicateOrMissingSeq(string provider)
    {
        await using var store = await AuditStore.CreateAsync(provider);
        const int nodes = 6;
        const int perTask = 15;

        // Several AuditLog instances (each its own connections, like separate servers), several tasks on each.
        var logs = Enumerable.Range(0, nodes).Select(_ => store.NewNode()).ToList();
        var appended = await Task.WhenAll(logs.SelectMany(log => Enumerable.Range(0, 3).Select(t => Task.Run(async () =>
        {
            var mine = new List<AuditRecord>();
            for (var i = 0; i < perTask; i++)
            {
                mine.Add(await log.AppendAsync(new AuditEntry("token.use", AuditOutcome.Success).With("task", t).With("i", i).WithSensitive("v", "x" + i), default));
            }

            return mine;
        }))));

        var total = nodes * 3 * perTask;
        var seqs = appended.SelectMany(a => a).Select(r => r.Seq).Order().ToList();
        Assert.Equal(Enumerable.Range(1, total).Select(i => (long)i), seqs);
        var result = await store.Verifier.VerifyAsync(default);
        Assert.True(result.Ok, result.FirstBroken?.Detail);
        Assert.Equal(total, result.Records);

        // One salt for the install, however many nodes raced to create it.
        Assert.Equal(1L, Convert.ToInt64(await store.ScalarAsync("SELECT COUNT(*) FROM audit_salt"), System.Globalization.CultureInfo.InvariantCulture));
        Assert.Single((await store.RowsAsync()).Select(r => r.Details).Where(d => d.Contains("\"i\":0", StringComparison.Ordinal)).Select(d => d[d.IndexOf("hmac", StringComparison.Ordinal)..]).Distinct());
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task AppendInCallerTransaction_RolledBack_LeavesNoRecordAndTheChainIntact(string provider)
    {
        await using var store = await AuditStore.CreateAsync(provider);
        await store.AppendManyAsync(2);

        await using (var db = await store.Factory.CreateDbContextAsync())
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            var inside = await store.Log.AppendAsync(db, new AuditEntry("token.revoke", AuditOutcome.Success), default);
            Assert.Equal(3, inside.Seq);
            await transaction.RollbackAsync();
        }

        AuditRecord committed;
        await using (var db = await store.Factory.CreateDbContextAsync())
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            committed = await store.Log.AppendAsync(db, new AuditEntry("token.revoke", AuditOutcome.Success).With("try", 2), default);
            await transaction.CommitAsync();
        }

        var result = await store.Verifier.VerifyAsync(default);
        Assert.Equal(3, committed.Seq);
        Assert.True(result.Ok, result.FirstBroken?.Detail);
        Assert.Equal(3, result.Records);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Query_EveryFilter_RunsInTheDatabaseAndMatchesTheSameFilterInMemory(string provider)
    {
        await using var store = await AuditStore.CreateAsync(provider);
        var records = await store.AppendManyAsync(12);
        var since = records[3].OccurredAt;
        var until = records[9].OccurredAt;
        var query = new Dictionary<string, Microsoft.Extensions.Primitives.StringValues>
        {
            ["after_seq"] = "1",
            ["action"] = "sys.*",
            ["since"] = since.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
            ["until"] = until.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
        };
        Assert.True(AuditQuery.TryParse(new Microsoft.AspNetCore.Http.QueryCollection(query), paged: true, out var parsed, out var error), error);

        await using var db = await store.Factory.CreateDbContextAsync();
        var found = await parsed.Apply(db.Table<AuditRecordRow>().AsNoTracking()).Select(r => r.Seq).ToListAsync();

        var expected = records.Where(r => r.Seq > 1 && r.Action.StartsWith("sys.", StringComparison.Ordinal) && r.OccurredAt >= since && r.OccurredAt < until).Select(r => r.Seq).ToList();
        Assert.NotEmpty(expected);
        Assert.Equal(expected, found);
        Assert.Equal(["acc_test5"], await new AuditQuery(0, 10, null, false, "acc_test5", null, null).Apply(db.Table<AuditRecordRow>().AsNoTracking()).Select(r => r.Actor).ToListAsync());
    }

    [Fact]
    public async Task AppendInCallerTransaction_NoTransaction_Throws()
    {
        await using var store = await AuditStore.CreateAsync("sqlite");
        await using var db = await store.Factory.CreateDbContextAsync();

        await Assert.ThrowsAsync<InvalidOperationException>(() => store.Log.AppendAsync(db, new AuditEntry("sys.seal", AuditOutcome.Success), default));
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Append_AuditTableGone_ThrowsAuditUnavailable(string provider)
    {
        await using var store = await AuditStore.CreateAsync(provider);
        await store.AppendManyAsync(1);
        await store.ExecuteAsync("ALTER TABLE audit_log RENAME TO audit_log_gone");

        var error = await Assert.ThrowsAsync<AuditUnavailableException>(() => store.Log.AppendAsync(new AuditEntry("sys.rotate", AuditOutcome.Success), default));

        Assert.Contains("sys.rotate", error.Message, StringComparison.Ordinal);
        Assert.Equal(1L, Convert.ToInt64(await store.ScalarAsync("SELECT seq FROM audit_head"), System.Globalization.CultureInfo.InvariantCulture));
    }

    private static async Task<List<byte[]>> DatabaseImagesAsync(AuditStore store)
    {
        if (store.Storage.Postgres is { } postgres)
        {
            return [await postgres.DumpAsync()];
        }

        var path = store.Settings.SqlitePath;
        var images = new List<byte[]>();
        foreach (var file in new[] { path, path + "-wal" }.Where(File.Exists))
        {
            await using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var copy = new MemoryStream();
            await stream.CopyToAsync(copy);
            images.Add(copy.ToArray());
        }

        return images;
    }
}
