using Coffer.Server.Problems;
using Coffer.Vault;

namespace Coffer.Server.Features.Audit;

/// <summary>
/// Audit records for the operator's <c>/api/v1/sys</c> actions. Each action has the rule its risk calls for:
/// <list type="bullet">
/// <item><c>sys.seal</c> (break-glass) is never blocked by auditing: the vault is sealed first, then the record is
/// written to the independent sink and to the audit log, and a failure of either is logged, not returned.</item>
/// <item><c>sys.init</c> is recorded write-ahead in both the sink and the log; if either fails, init is not done.</item>
/// <item><c>sys.rotate</c> is recorded write-ahead in the log; if that fails, nothing is rotated. A rotation that then
/// fails gets a second record with outcome failure.</item>
/// <item>Every unseal share gets a <c>sys.unseal.share</c> record (accepted or refused). A share whose record cannot
/// be written does not count: the unseal progress is discarded. The share that completes the unseal also gets a
/// <c>sys.unseal</c> record in the sink and the log; if either cannot be written, the vault is sealed again at once.
/// Unsealing puts key material back in memory, so, unlike sealing, it fails closed: the operators fix the sink or
/// the database and unseal again, and no unseal ever goes unrecorded in the sink that does not depend on the database.</item>
/// </list>
/// </summary>
internal sealed partial class SysAudit(AuditLog log, SysAuditSink sink, CofferVault vault, ILogger<SysAudit> logger)
{
    // Bounds how long a seal's response waits for a struggling database; the seal itself has happened already.
    private static readonly TimeSpan SealRecordTimeout = TimeSpan.FromSeconds(5);

    /// <param name="reason">Null when the caller's token asked for the seal; otherwise why the server sealed itself
    /// (then the actor is <see cref="AuditEntry.SystemActor"/>, not the token of the request that set it off).</param>
    public async Task SealAsync(HttpContext http, Func<Task> seal, string? reason = null)
    {
        ArgumentNullException.ThrowIfNull(seal);
        try
        {
            await seal();
        }
        catch (Exception ex)
        {
            await RecordBestEffortAsync(SealEntry(http, AuditOutcome.Failure, reason).With("error", ex.GetType().Name));
            throw;
        }

        await RecordBestEffortAsync(SealEntry(http, AuditOutcome.Success, reason));
    }

    private static AuditEntry SealEntry(HttpContext http, AuditOutcome outcome, string? reason) =>
        reason is null
            ? AuditEntry.For(http, "sys.seal", outcome)
            : new AuditEntry("sys.seal", outcome) { ClientIp = AuditEntry.For(http, "sys.seal", outcome).ClientIp }.With("reason", reason);

    /// <param name="http">The request that asked for init, or null when the server does it itself (dev mode): actor <c>system</c>.</param>
    public async Task<T> InitAsync<T>(HttpContext? http, string provider, int shares, int threshold, Func<Task<T>> init, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(init);
        var entry = Entry(http, "sys.init", AuditOutcome.Success).With("provider", provider).With("shares", shares).With("threshold", threshold);
        await log.AppendAsync(entry, cancellationToken);
        try
        {
            await sink.WriteAsync(entry, cancellationToken);
        }
        catch (AuditUnavailableException)
        {
            await RecordFailureAsync(Entry(http, "sys.init", AuditOutcome.Failure).With("error", "audit-sink-unavailable"), toSink: false);
            throw;
        }

        try
        {
            return await init();
        }
        catch (Exception ex)
        {
            await RecordFailureAsync(Entry(http, "sys.init", AuditOutcome.Failure).With("error", Describe(ex)), toSink: true);
            throw;
        }
    }

    /// <summary>
    /// Records the unseal the vault did on its own at start (the file and PKCS#11 providers need no shares): a
    /// <c>sys.unseal</c> by <c>system</c> in the sink and the log, as a completed share unseal gets. Like that one it
    /// fails closed: if either record cannot be written, the vault is sealed again and the error propagates.
    /// </summary>
    public async Task AutoUnsealedAsync(CancellationToken cancellationToken)
    {
        var status = vault.Status;
        if (!status.Initialized || status.Sealed)
        {
            return;
        }

        var done = new AuditEntry("sys.unseal", AuditOutcome.Success)
            .With("provider", Names.Of(status.Provider))
            .With("automatic", true)
            .With("root_key_version", status.RootKeyVersion);
        try
        {
            await sink.WriteAsync(done, cancellationToken);
            await log.AppendAsync(done, cancellationToken);
        }
        catch (AuditUnavailableException ex)
        {
            await vault.SealAsync(CancellationToken.None);
            LogResealed(logger, ex);
            await RecordBestEffortAsync(new AuditEntry("sys.seal", AuditOutcome.Success).With("reason", "unseal could not be audited"));
            throw;
        }
    }

    public async Task<T> RotateAsync<T>(HttpContext http, int fromVersion, int? minDecryptionVersion, Func<Task<T>> rotate, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rotate);
        var entry = AuditEntry.For(http, "sys.rotate", AuditOutcome.Success)
            .With("from_version", fromVersion)
            .With("to_version", fromVersion + 1)
            .With("min_decryption_version", minDecryptionVersion);
        await log.AppendAsync(entry, cancellationToken);
        try
        {
            return await rotate();
        }
        catch (Exception ex)
        {
            await RecordFailureAsync(AuditEntry.For(http, "sys.rotate", AuditOutcome.Failure).With("to_version", fromVersion + 1).With("error", Describe(ex)), toSink: false);
            throw;
        }
    }

    public async Task<VaultStatus> UnsealAsync(HttpContext http, string share, Func<Task<VaultStatus>> submit)
    {
        ArgumentNullException.ThrowIfNull(submit);
        VaultStatus status;
        try
        {
            status = await submit();
        }
        catch (VaultException ex)
        {
            // A refused share is recorded too (someone holds a wrong or foreign share); if that record cannot be
            // written, the audit failure is what the caller hears: nothing was unsealed either way.
            var outcome = ex.Code == VaultError.ProviderFailure ? AuditOutcome.Failure : AuditOutcome.Denied;
            await log.AppendAsync(AuditEntry.For(http, "sys.unseal.share", outcome).With("reason", ProblemExceptionHandler.ForVault(ex.Code).Slug).WithSensitive("share", share), CancellationToken.None);
            throw;
        }

        var completed = !status.Sealed;
        try
        {
            await log.AppendAsync(
                AuditEntry.For(http, "sys.unseal.share", AuditOutcome.Success)
                    .With("progress", completed ? status.Threshold : status.UnsealProgress)
                    .With("threshold", status.Threshold)
                    .WithSensitive("share", share),
                CancellationToken.None);
            if (completed)
            {
                var done = AuditEntry.For(http, "sys.unseal", AuditOutcome.Success).With("root_key_version", status.RootKeyVersion);
                await sink.WriteAsync(done, CancellationToken.None);
                await log.AppendAsync(done, CancellationToken.None);
            }
        }
        catch (AuditUnavailableException ex)
        {
            if (completed)
            {
                await vault.SealAsync(CancellationToken.None);
                LogResealed(logger, ex);
                await RecordBestEffortAsync(AuditEntry.For(http, "sys.seal", AuditOutcome.Success).With("reason", "unseal could not be audited"));
            }
            else
            {
                await vault.ResetUnsealAsync(CancellationToken.None);
            }

            throw;
        }

        return status;
    }

    public async Task UnsealResetAsync(HttpContext http, Func<Task> reset)
    {
        ArgumentNullException.ThrowIfNull(reset);
        await reset();

        // Discarding shares only ever makes the vault harder to open; a failed record does not undo that.
        try
        {
            await log.AppendAsync(AuditEntry.For(http, "sys.unseal.reset", AuditOutcome.Success), CancellationToken.None);
        }
        catch (AuditUnavailableException ex)
        {
            LogRecordFailed(logger, "sys.unseal.reset", ex);
        }
    }

    private static AuditEntry Entry(HttpContext? http, string action, AuditOutcome outcome) =>
        http is null ? new AuditEntry(action, outcome) : AuditEntry.For(http, action, outcome);

    private static string Describe(Exception exception) =>
        exception is VaultException vault ? ProblemExceptionHandler.ForVault(vault.Code).Slug : exception.GetType().Name;

    /// <summary>Writes to the sink and the log, each on its own; a seal must not wait long or fail for either.</summary>
    private async Task RecordBestEffortAsync(AuditEntry entry)
    {
        using var timeout = new CancellationTokenSource(SealRecordTimeout);
        try
        {
            await sink.WriteAsync(entry, timeout.Token);
        }
        catch (Exception ex) when (ex is AuditUnavailableException or OperationCanceledException)
        {
            LogRecordFailed(logger, entry.Action + " (sys.log)", ex);
        }

        try
        {
            await log.AppendAsync(entry, timeout.Token);
        }
        catch (Exception ex) when (ex is AuditUnavailableException or OperationCanceledException)
        {
            LogRecordFailed(logger, entry.Action, ex);
        }
    }

    /// <summary>The second record of a write-ahead action that then failed; the action's own error is what propagates.</summary>
    private async Task RecordFailureAsync(AuditEntry entry, bool toSink)
    {
        try
        {
            if (toSink)
            {
                await sink.WriteAsync(entry, CancellationToken.None);
            }

            await log.AppendAsync(entry, CancellationToken.None);
        }
        catch (AuditUnavailableException ex)
        {
            LogRecordFailed(logger, entry.Action, ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Audit record {Action} could not be written")]
    private static partial void LogRecordFailed(ILogger logger, string action, Exception exception);

    [LoggerMessage(Level = LogLevel.Critical, Message = "The vault was unsealed but the unseal could not be audited; it was sealed again")]
    private static partial void LogResealed(ILogger logger, Exception exception);
}
