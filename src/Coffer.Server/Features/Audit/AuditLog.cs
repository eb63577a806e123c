using System.Data;
using System.Data.Common;
using System.Security.Cryptography;
using Coffer.Server.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Coffer.Server.Features.Audit;

/// <summary>
/// The hash-chained audit log in Coffer's database. Appends are serialized across every node sharing the database, so
/// seq is strictly increasing without gaps and each record's prev_hash is the hash of the record before it:
/// PostgreSQL takes a transaction-scoped advisory lock and then (read committed) reads the head the previous holder
/// committed; SQLite's write transaction (BEGIN IMMEDIATE, what Microsoft.Data.Sqlite's BeginTransaction issues)
/// already excludes every other writer. One small transaction per record.
/// <para>
/// If a record cannot be written, <see cref="AuditUnavailableException"/> propagates and the caller must not perform
/// the action it was about to record (DESIGN §1.3).
/// </para>
/// </summary>
internal sealed partial class AuditLog(IDbContextFactory<CofferDb> factory, TimeProvider time, ILogger<AuditLog> logger) : IDisposable
{
    // Any fixed 64-bit value ("CofferA1"), distinct from the migrator's; shared by every node on the database.
    internal const long AdvisoryLockKey = 0x436f_6666_6572_4131;

    private const int SaltBytes = 32;

    // Appends from this process queue here rather than all spinning on SQLite's busy handler (or queueing on the
    // advisory lock with a pooled connection each). Cross-process exclusion is the database's job, above.
    private readonly SemaphoreSlim _local = new(1, 1);

    // The salt never changes once created; it is cached only once read back as committed (see LoadOrCreateSaltAsync).
    private byte[]? _salt;

    /// <summary>Appends <paramref name="entry"/> in a transaction of its own and returns the record as written.</summary>
    /// <exception cref="AuditUnavailableException">The record could not be written.</exception>
    public async Task<AuditRecord> AppendAsync(AuditEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        await _local.WaitAsync(cancellationToken);
        try
        {
            await using var db = await factory.CreateDbContextAsync(cancellationToken);
            try
            {
                var isolation = db.Database.IsNpgsql() ? IsolationLevel.ReadCommitted : IsolationLevel.Serializable;
                await using var transaction = await db.Database.BeginTransactionAsync(isolation, cancellationToken);
                var record = await AppendLockedAsync(db, entry, cancellationToken);
                await transaction.CommitAsync(cancellationToken);
                return record;
            }
            catch (DbException ex)
            {
                throw Unavailable(entry, ex);
            }
        }
        finally
        {
            _local.Release();
        }
    }

    /// <summary>
    /// Appends <paramref name="entry"/> inside the caller's open transaction on <paramref name="db"/>, so that the action
    /// and its record commit (or roll back) together. The record exists only once the caller commits. On PostgreSQL
    /// the transaction must be read committed (the default): a snapshot older than the lock would read a stale head.
    /// The caller's tracked changes are left alone (the record is written with SQL, not SaveChanges).
    /// </summary>
    /// <exception cref="AuditUnavailableException">The record could not be written; roll the transaction back.</exception>
    public async Task<AuditRecord> AppendAsync(CofferDb db, AuditEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(entry);
        var transaction = db.Database.CurrentTransaction
            ?? throw new InvalidOperationException("AuditLog.AppendAsync(db, …) needs the caller's open transaction; use AppendAsync(entry) otherwise.");
        if (db.Database.IsNpgsql() && transaction.GetDbTransaction().IsolationLevel is not (IsolationLevel.ReadCommitted or IsolationLevel.Unspecified))
        {
            throw new InvalidOperationException("Audit appends on PostgreSQL need a read committed transaction.");
        }

        try
        {
            return await AppendLockedAsync(db, entry, cancellationToken);
        }
        catch (DbException ex)
        {
            throw Unavailable(entry, ex);
        }
    }

    /// <summary><c>hmac-sha256:&lt;hex&gt;</c> of <paramref name="value"/> under this install's salt: how a known value is found in the log.</summary>
    public async Task<string> HmacAsync(string value, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(value);
        var salt = _salt;
        if (salt is null)
        {
            // No transaction here: a salt created now is committed at once, so it may be cached.
            await using var db = await factory.CreateDbContextAsync(cancellationToken);
            try
            {
                salt = _salt = await LoadOrCreateSaltAsync(db, cancellationToken);
            }
            catch (DbException ex)
            {
                throw new AuditUnavailableException("The audit salt could not be read from the database.", ex);
            }
        }

        return AuditChain.Hmac(salt, value);
    }

    public void Dispose() => _local.Dispose();

    private async Task<AuditRecord> AppendLockedAsync(CofferDb db, AuditEntry entry, CancellationToken cancellationToken)
    {
        if (db.Database.IsNpgsql())
        {
            await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({AdvisoryLockKey})", cancellationToken);
        }

        var salt = _salt ?? await LoadOrCreateSaltAsync(db, cancellationToken);
        var (lastSeq, lastHash) = await HeadAsync(db, cancellationToken);
        var row = new AuditRecordRow
        {
            Seq = lastSeq + 1,
            OccurredAt = AuditChain.Normalize(time.GetUtcNow()),
            Actor = entry.Actor,
            UserId = entry.UserId,
            Action = entry.Action,
            Target = entry.Target,
            Outcome = AuditChain.Outcome(entry.Outcome),
            ClientIp = entry.ClientIp,
            Details = AuditChain.DetailsJson(entry.Details, salt),
            PrevHash = lastHash,
            Hash = string.Empty,
        };
        row.Hash = AuditChain.Hash(row);

        // The column holds a UTC DateTime (see AuditRecordRowConfiguration), so the parameter is one too.
        var occurredAt = row.OccurredAt.UtcDateTime;
        await db.Database.ExecuteSqlAsync(
            $"""
            INSERT INTO audit_log (seq, occurred_at, actor, user_id, action, target, outcome, client_ip, details, prev_hash, hash)
            VALUES ({row.Seq}, {occurredAt}, {row.Actor}, {row.UserId}, {row.Action}, {row.Target}, {row.Outcome}, {row.ClientIp}, {row.Details}, {row.PrevHash}, {row.Hash})
            """,
            cancellationToken);
        await db.Database.ExecuteSqlAsync(
            $"INSERT INTO audit_head (id, seq, hash) VALUES (1, {row.Seq}, {row.Hash}) ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash",
            cancellationToken);
        return AuditRecord.From(row);
    }

    /// <summary>
    /// The record to chain onto: the head row. Only if the head is missing (it is written with every record, so
    /// someone removed it) does the newest row stand in, so that the log stays writable; verify reports the loss.
    /// </summary>
    private static async Task<(long Seq, string Hash)> HeadAsync(CofferDb db, CancellationToken cancellationToken)
    {
        var head = await db.Table<AuditHeadRow>().AsNoTracking().Where(h => h.Id == 1).Select(h => new { h.Seq, h.Hash }).SingleOrDefaultAsync(cancellationToken);
        if (head is not null)
        {
            return (head.Seq, head.Hash);
        }

        var last = await db.Table<AuditRecordRow>().AsNoTracking().OrderByDescending(r => r.Seq).Select(r => new { r.Seq, r.Hash }).FirstOrDefaultAsync(cancellationToken);
        return last is null ? (0, AuditChain.GenesisHash) : (last.Seq, last.Hash);
    }

    /// <summary>
    /// Reads the salt, creating it if there is none. A salt this call inserted is not cached: the caller's transaction
    /// may still roll back, and a cached salt that never reached the database would HMAC values nobody can check.
    /// </summary>
    private async Task<byte[]> LoadOrCreateSaltAsync(CofferDb db, CancellationToken cancellationToken)
    {
        var existing = await db.Table<AuditSaltRow>().AsNoTracking().Where(s => s.Id == 1).Select(s => s.Salt).SingleOrDefaultAsync(cancellationToken);
        if (existing is not null)
        {
            _salt = existing;
            return existing;
        }

        var fresh = RandomNumberGenerator.GetBytes(SaltBytes);
        var now = time.GetUtcNow();
        await db.Database.ExecuteSqlAsync($"INSERT INTO audit_salt (id, salt, created_at) VALUES (1, {fresh}, {now}) ON CONFLICT (id) DO NOTHING", cancellationToken);

        // Another node may have won the race; whichever salt is stored is the salt.
        return await db.Table<AuditSaltRow>().AsNoTracking().Where(s => s.Id == 1).Select(s => s.Salt).SingleAsync(cancellationToken);
    }

    private AuditUnavailableException Unavailable(AuditEntry entry, DbException exception)
    {
        LogAppendFailed(logger, entry.Action, exception.GetType().Name, exception);
        return new AuditUnavailableException($"The audit log could not record {entry.Action}. An action that cannot be recorded is not done; check the database (the server log has the error).", exception);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Audit record for {Action} could not be written ({ExceptionType})")]
    private static partial void LogAppendFailed(ILogger logger, string action, string exceptionType, Exception exception);
}
