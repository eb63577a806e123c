namespace Coffer.Server.Features.Audit;

/// <summary>A record as written to the audit log: the entry plus the seq, time and hashes the log gave it.</summary>
/// <param name="Details">JSON text; sensitive values appear only as <c>hmac-sha256:&lt;hex&gt;</c>.</param>
internal sealed record AuditRecord(
    long Seq,
    DateTimeOffset OccurredAt,
    string Actor,
    Guid? UserId,
    string Action,
    string? Target,
    string Outcome,
    string? ClientIp,
    string Details,
    string PrevHash,
    string Hash)
{
    public static AuditRecord From(AuditRecordRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return new(row.Seq, row.OccurredAt, row.Actor, row.UserId, row.Action, row.Target, row.Outcome, row.ClientIp, row.Details, row.PrevHash, row.Hash);
    }
}

/// <summary>
/// An audit record could not be written. The action it was for must not happen (DESIGN §1.3); the exception handler
/// answers 503 <c>audit-unavailable</c>.
/// </summary>
internal sealed class AuditUnavailableException(string message, Exception? innerException) : Exception(message, innerException);
