using System.Text.Json;
using Coffer.Server.Hosting;

namespace Coffer.Server.Features.Audit;

/// <summary>
/// The audit sink that does not depend on the main database (DESIGN §4): one JSON object per line, appended to
/// <c>&lt;data directory&gt;/audit/sys.log</c> (mode 0600, directory 0700) and flushed to disk before the call returns.
/// It records the vault's break-glass transitions: <c>sys.init</c>, <c>sys.unseal</c> (completed) and <c>sys.seal</c>.
/// Vault and OpenBao do not audit <c>sys/seal</c> and <c>sys/unseal</c> at all (security.md §3); Coffer records them
/// here precisely because they matter most when the database is the thing in doubt. Each node writes the file in its
/// own data directory; lines carry the node's name. Sensitive details are written as <c>"redacted"</c>, since the HMAC
/// salt lives in the database this sink must not need.
/// </summary>
internal sealed partial class SysAuditSink(ServerSettings settings, TimeProvider time, ILogger<SysAuditSink> logger) : IDisposable
{
    private const UnixFileMode FileMode0600 = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode DirectoryMode0700 = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    private readonly SemaphoreSlim _gate = new(1, 1);

    public string Path { get; } = System.IO.Path.Combine(settings.DataDirectory, "audit", "sys.log");

    /// <summary>Appends one line for <paramref name="entry"/> and fsyncs it.</summary>
    /// <exception cref="AuditUnavailableException">The line could not be written.</exception>
    public async Task WriteAsync(AuditEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var line = Line(entry);
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var directory = System.IO.Path.GetDirectoryName(Path)!;
            if (OperatingSystem.IsWindows())
            {
                Directory.CreateDirectory(directory);
            }
            else
            {
                Directory.CreateDirectory(directory, DirectoryMode0700);
            }

            var options = new FileStreamOptions
            {
                Mode = FileMode.Append,
                Access = FileAccess.Write,
                Share = FileShare.Read,
                Options = FileOptions.None,
            };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = FileMode0600;
            }

            await using var stream = new FileStream(Path, options);
            if (!OperatingSystem.IsWindows() && File.GetUnixFileMode(stream.SafeFileHandle) != FileMode0600)
            {
                // Created by someone else, or loosened since: the log names accessors and addresses; keep it private.
                File.SetUnixFileMode(stream.SafeFileHandle, FileMode0600);
            }

            // One write of the whole line: with O_APPEND, concurrent writers (another node on the same directory)
            // cannot interleave inside it.
            await stream.WriteAsync(line, cancellationToken);
            stream.Flush(flushToDisk: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The path and the OS error go to the server log only: the caller may be anonymous (unseal).
            LogWriteFailed(logger, Path, entry.Action, ex);
            throw new AuditUnavailableException($"The audit sink that does not depend on the database (audit/sys.log in the data directory) could not record {entry.Action}; the server log has the error.", ex);
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();

    [LoggerMessage(Level = LogLevel.Error, Message = "Audit sink {Path} could not record {Action}")]
    private static partial void LogWriteFailed(ILogger logger, string path, string action, Exception exception);

    private byte[] Line(AuditEntry entry)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("occurred_at", AuditChain.FormatTime(AuditChain.Normalize(time.GetUtcNow())));
            json.WriteString("node", Environment.MachineName);
            json.WriteString("action", entry.Action);
            json.WriteString("outcome", AuditChain.Outcome(entry.Outcome));
            json.WriteString("actor", entry.Actor);
            if (entry.UserId is { } user)
            {
                json.WriteString("user_id", user);
            }
            else
            {
                json.WriteNull("user_id");
            }

            json.WriteString("target", entry.Target);
            json.WriteString("client_ip", entry.ClientIp);
            json.WritePropertyName("details");
            AuditChain.WriteRedactedDetails(json, entry.Details);
            json.WriteEndObject();
        }

        buffer.WriteByte((byte)'\n');
        return buffer.ToArray();
    }
}
