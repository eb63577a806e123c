using System.Data;
using System.Data.Common;
using System.Globalization;
using Coffer.Server.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Coffer.Server.Features.Audit;

/// <summary>What is wrong with the first broken record.</summary>
internal static class AuditProblems
{
    /// <summary>The record's content (any field, or its stored hash) no longer matches its hash.</summary>
    public const string Edited = "edited";

    /// <summary>A seq is missing: a gap, the newest records gone, or a record linking to one that is not there.</summary>
    public const string Deleted = "deleted";

    /// <summary>A record links to another record than the one before it in seq order.</summary>
    public const string Reordered = "reordered";
}

internal sealed record AuditBreak(long Seq, string Problem, string Detail);

/// <param name="Records">How many records were found intact (when broken: those before the first broken one).</param>
/// <param name="LastHash">The hash of the last intact record (null for an empty log).</param>
internal sealed record AuditVerification(bool Ok, long Records, string? LastHash, AuditBreak? FirstBroken);

/// <summary>
/// Walks the audit chain in seq order, recomputing every hash and link, and names the first broken record. It reads
/// one snapshot (PostgreSQL repeatable read; SQLite a deferred read transaction, a WAL snapshot) so that records
/// appended meanwhile are neither half-seen nor mistaken for tampering; it takes no lock that would block appends.
/// </summary>
internal sealed class AuditVerifier(IDbContextFactory<CofferDb> factory)
{
    /// <exception cref="AuditUnavailableException">The log could not be read.</exception>
    public async Task<AuditVerification> VerifyAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var db = await factory.CreateDbContextAsync(cancellationToken);
            await using var snapshot = await Snapshot.BeginAsync(db, cancellationToken);
            return await VerifyAsync(db, cancellationToken);
        }
        catch (DbException ex)
        {
            throw new AuditUnavailableException("The audit log could not be read. Check the database; the server log has the error.", ex);
        }
    }

    private static async Task<AuditVerification> VerifyAsync(CofferDb db, CancellationToken cancellationToken)
    {
        var head = await db.Table<AuditHeadRow>().AsNoTracking().Where(h => h.Id == 1).Select(h => new { h.Seq, h.Hash }).SingleOrDefaultAsync(cancellationToken);

        long intact = 0;
        var expectedSeq = 1L;
        var previousHash = AuditChain.GenesisHash;
        AuditRecordRow? suspect = null;
        await foreach (var row in db.Table<AuditRecordRow>().AsNoTracking().OrderBy(r => r.Seq).AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            if (row.Seq != expectedSeq || row.PrevHash != previousHash || AuditChain.Hash(row) != row.Hash)
            {
                suspect = row;
                break;
            }

            intact++;
            expectedSeq++;
            previousHash = row.Hash;
        }

        var lastHash = intact == 0 ? null : previousHash;
        var broken = suspect is not null
            ? await ClassifyAsync(db, suspect, expectedSeq, previousHash, cancellationToken)
            : CheckHead(head?.Seq, head?.Hash, intact, lastHash);
        return new AuditVerification(broken is null, intact, lastHash, broken);
    }

    /// <summary>Names what is wrong with <paramref name="row"/>, the first record that does not fit the chain.</summary>
    private static async Task<AuditBreak> ClassifyAsync(CofferDb db, AuditRecordRow row, long expectedSeq, string previousHash, CancellationToken cancellationToken)
    {
        if (row.Seq < expectedSeq)
        {
            // Only possible for the first row read (seq is unique): a seq below 1 was written into it.
            return new AuditBreak(row.Seq, AuditProblems.Edited, $"Record {N(row.Seq)} has a seq below 1; sequence numbers start at 1.");
        }

        if (row.Seq > expectedSeq)
        {
            var missing = row.Seq - 1 == expectedSeq ? $"Record {N(expectedSeq)} is missing" : $"Records {N(expectedSeq)} to {N(row.Seq - 1)} are missing";
            return new AuditBreak(expectedSeq, AuditProblems.Deleted, $"{missing}: record {N(row.Seq)} follows {(expectedSeq == 1 ? "nothing" : "record " + N(expectedSeq - 1))}.");
        }

        if (row.PrevHash != previousHash)
        {
            // The link is wrong. If it names another record of the log, records were moved; if the record's own hash
            // does not hold either, prev_hash itself was changed; otherwise what it links to is gone.
            var linked = await db.Table<AuditRecordRow>().AsNoTracking()
                .Where(r => r.Hash == row.PrevHash && r.Seq != row.Seq)
                .Select(r => (long?)r.Seq)
                .FirstOrDefaultAsync(cancellationToken);
            if (linked is { } other)
            {
                return new AuditBreak(row.Seq, AuditProblems.Reordered, $"Record {N(row.Seq)} links to record {N(other)} instead of {(row.Seq == 1 ? "the start of the chain" : "record " + N(row.Seq - 1))}: records were reordered.");
            }

            if (AuditChain.Hash(row) != row.Hash)
            {
                return new AuditBreak(row.Seq, AuditProblems.Edited, $"Record {N(row.Seq)} does not match its hash and its prev_hash does not link to {(row.Seq == 1 ? "the start of the chain" : "record " + N(row.Seq - 1))}: it was changed.");
            }

            return new AuditBreak(row.Seq, AuditProblems.Deleted, $"Record {N(row.Seq)} links to a record that is not in the log: what came before it was deleted and the rest renumbered.");
        }

        return new AuditBreak(row.Seq, AuditProblems.Edited, $"Record {N(row.Seq)} does not match its hash: a field of it was changed.");
    }

    /// <summary>The chain is intact as far as it goes; it must also end where the head (written with every record) says.</summary>
    private static AuditBreak? CheckHead(long? headSeq, string? headHash, long records, string? lastHash)
    {
        if (headSeq is null)
        {
            return records == 0
                ? null
                : new AuditBreak(records + 1, AuditProblems.Deleted, $"The chain head is missing, so records after {N(records)} may have been deleted.");
        }

        if (headSeq > records)
        {
            var missing = headSeq == records + 1 ? $"Record {N(records + 1)} is missing" : $"Records {N(records + 1)} to {N(headSeq.Value)} are missing";
            return new AuditBreak(records + 1, AuditProblems.Deleted, $"{missing}: the log ends at {N(records)} but its newest record was {N(headSeq.Value)}.");
        }

        if (headSeq < records)
        {
            return new AuditBreak(headSeq.Value + 1, AuditProblems.Edited, $"Record {N(headSeq.Value + 1)} is beyond the chain head ({N(headSeq.Value)}): Coffer did not append it.");
        }

        return headHash == lastHash
            ? null
            : new AuditBreak(records, AuditProblems.Edited, $"Record {N(records)} is not the record the chain head names: the chain was rewritten.");
    }

    private static string N(long seq) => seq.ToString(CultureInfo.InvariantCulture);

    /// <summary>One consistent read of the log, taking no write lock.</summary>
    private sealed class Snapshot(IDbContextTransaction transaction, SqliteTransaction? sqlite) : IAsyncDisposable
    {
        public static async Task<Snapshot> BeginAsync(CofferDb db, CancellationToken cancellationToken)
        {
            if (db.Database.IsNpgsql())
            {
                return new Snapshot(await db.Database.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken), null);
            }

            // Deferred: a read transaction that takes no write lock; in WAL mode its first read fixes the snapshot.
            await db.Database.OpenConnectionAsync(cancellationToken);
            var sqlite = ((SqliteConnection)db.Database.GetDbConnection()).BeginTransaction(deferred: true);
            var transaction = await db.Database.UseTransactionAsync(sqlite, cancellationToken)
                ?? throw new InvalidOperationException("EF Core did not take the SQLite transaction.");
            return new Snapshot(transaction, sqlite);
        }

        public async ValueTask DisposeAsync()
        {
            await transaction.DisposeAsync();
            if (sqlite is not null)
            {
                await sqlite.DisposeAsync();
            }
        }
    }
}
