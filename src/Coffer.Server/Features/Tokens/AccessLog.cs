using System.Diagnostics;
using System.Threading.Channels;
using Coffer.Server.Data;
using Coffer.Server.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Coffer.Server.Features.Tokens;

/// <summary>One authenticated request, as its token's access log records it (DESIGN §1.3). No payloads, no token values.</summary>
internal sealed class AccessLogRow
{
    public long Id { get; set; }

    public required string Accessor { get; set; }

    /// <summary>Unix milliseconds.</summary>
    public long OccurredAt { get; set; }

    public string? ClientIp { get; set; }

    public string? UserAgent { get; set; }

    public required string Method { get; set; }

    /// <summary>The route template (e.g. /api/v1/tokens/{accessor}), never the raw path with its values.</summary>
    public required string Route { get; set; }

    public int Status { get; set; }

    public double LatencyMs { get; set; }
}

internal sealed class AccessLogRowConfiguration : IEntityTypeConfiguration<AccessLogRow>
{
    public void Configure(EntityTypeBuilder<AccessLogRow> e)
    {
        e.ToTable("access_log");
        e.HasKey(x => x.Id);
        e.Property(x => x.Id).HasColumnName("id").ValueGeneratedOnAdd();
        e.Property(x => x.Accessor).HasColumnName("accessor");
        e.Property(x => x.OccurredAt).HasColumnName("occurred_at");
        e.Property(x => x.ClientIp).HasColumnName("client_ip");
        e.Property(x => x.UserAgent).HasColumnName("user_agent");
        e.Property(x => x.Method).HasColumnName("method");
        e.Property(x => x.Route).HasColumnName("route");
        e.Property(x => x.Status).HasColumnName("status");
        e.Property(x => x.LatencyMs).HasColumnName("latency_ms");
        e.HasIndex(x => new { x.Accessor, x.Id }).HasDatabaseName("ix_access_log_accessor_id");
        e.HasIndex(x => x.OccurredAt).HasDatabaseName("ix_access_log_occurred_at");
    }
}

/// <summary>
/// Writes the access log off the request path: requests hand their entry to a bounded queue and a background writer
/// stores them in batches, one transaction per batch. The queue applies back-pressure when full rather than drop an
/// entry, because every use of every token is recorded (DESIGN §1.3). Old entries go after the retention period.
/// </summary>
internal sealed partial class AccessLogWriter(IDbContextFactory<CofferDb> factory, ServerSettings settings, TimeProvider time, ILogger<AccessLogWriter> logger) : BackgroundService
{
    private const int BatchSize = 1000;

    /// <summary>
    /// How long the writer lets entries gather after the first one arrives. Without it a busy server writes a batch of a
    /// few rows per request burst, and the fixed cost per batch (connection, transaction, commit) exceeds the request's
    /// own cost; with it a batch holds what a short interval brought, and the log is at most this much behind.
    /// </summary>
    private static readonly string[] SqliteParameterNames = ["$a", "$o", "$i", "$u", "$m", "$r", "$s", "$l"];

    private static readonly TimeSpan Linger = TimeSpan.FromMilliseconds(50);
    private readonly Channel<AccessLogRow> _queue = Channel.CreateBounded<AccessLogRow>(new BoundedChannelOptions(100_000)
    {
        FullMode = BoundedChannelFullMode.Wait,
        SingleReader = true,
    });

    private long _pending;
    private DateTimeOffset _nextRetention;

    public ValueTask EnqueueAsync(AccessLogRow row, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _pending);
        return _queue.Writer.TryWrite(row) ? ValueTask.CompletedTask : _queue.Writer.WriteAsync(row, cancellationToken);
    }

    /// <summary>Waits until everything queued so far is stored (tests, and shutdown).</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        while (Interlocked.Read(ref _pending) > 0)
        {
            await Task.Delay(10, cancellationToken);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<AccessLogRow>(BatchSize);
        try
        {
            while (await _queue.Reader.WaitToReadAsync(stoppingToken))
            {
                await Task.Delay(Linger, time, stoppingToken);
                do
                {
                    while (batch.Count < BatchSize && _queue.Reader.TryRead(out var row))
                    {
                        batch.Add(row);
                    }

                    await WriteAsync(batch, stoppingToken);
                }
                while (_queue.Reader.Count >= BatchSize);

                await ApplyRetentionAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: store what is still queued, briefly, without the cancelled token.
            using var drain = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            while (_queue.Reader.TryRead(out var row))
            {
                batch.Add(row);
            }

            await WriteAsync(batch, drain.Token);
        }
    }

    private async Task WriteAsync(List<AccessLogRow> batch, CancellationToken cancellationToken)
    {
        var delay = TimeSpan.FromMilliseconds(100);
        while (batch.Count > 0)
        {
            try
            {
                await InsertAsync(batch, cancellationToken);
                Interlocked.Add(ref _pending, -batch.Count);
                batch.Clear();
            }
            catch (Exception ex) when (ex is DbUpdateException or System.Data.Common.DbException or TimeoutException)
            {
                // Keep the batch and try again: an entry is never dropped because the database hiccuped.
                LogWriteFailed(logger, batch.Count, ex.GetType().Name);
                await Task.Delay(delay, cancellationToken);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(5).Ticks));
            }
        }
    }

    /// <summary>
    /// One batch in one round trip per provider's fastest path: PostgreSQL's binary COPY; SQLite one transaction over
    /// a prepared INSERT. EF's change tracking costs more per row than the request that produced the row.
    /// </summary>
    private async Task InsertAsync(List<AccessLogRow> batch, CancellationToken cancellationToken)
    {
        await using var connection = Database.CreateConnection(settings);
        await connection.OpenAsync(cancellationToken);
        if (connection is Npgsql.NpgsqlConnection postgres)
        {
            await using var copy = await postgres.BeginBinaryImportAsync(
                "COPY access_log (accessor, occurred_at, client_ip, user_agent, method, route, status, latency_ms) FROM STDIN (FORMAT BINARY)",
                cancellationToken);
            foreach (var row in batch)
            {
                await copy.StartRowAsync(cancellationToken);
                await copy.WriteAsync(row.Accessor, NpgsqlTypes.NpgsqlDbType.Text, cancellationToken);
                await copy.WriteAsync(row.OccurredAt, NpgsqlTypes.NpgsqlDbType.Bigint, cancellationToken);
                await WriteNullableAsync(copy, row.ClientIp, cancellationToken);
                await WriteNullableAsync(copy, row.UserAgent, cancellationToken);
                await copy.WriteAsync(row.Method, NpgsqlTypes.NpgsqlDbType.Text, cancellationToken);
                await copy.WriteAsync(row.Route, NpgsqlTypes.NpgsqlDbType.Text, cancellationToken);
                await copy.WriteAsync(row.Status, NpgsqlTypes.NpgsqlDbType.Integer, cancellationToken);
                await copy.WriteAsync(row.LatencyMs, NpgsqlTypes.NpgsqlDbType.Double, cancellationToken);
            }

            await copy.CompleteAsync(cancellationToken);
            return;
        }

        // SQLite: one prepared single-row INSERT, executed per row in one transaction. (Multi-row INSERTs with hundreds of
        // named parameters are slower: SQLite resolves each parameter name by a linear scan of all of them.)
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = "INSERT INTO access_log (accessor, occurred_at, client_ip, user_agent, method, route, status, latency_ms) VALUES ($a, $o, $i, $u, $m, $r, $s, $l)";
        var parameters = SqliteParameterNames.Select(name =>
        {
            var parameter = insert.CreateParameter();
            parameter.ParameterName = name;
            insert.Parameters.Add(parameter);
            return parameter;
        }).ToArray();
        await insert.PrepareAsync(cancellationToken);
        foreach (var row in batch)
        {
            parameters[0].Value = row.Accessor;
            parameters[1].Value = row.OccurredAt;
            parameters[2].Value = (object?)row.ClientIp ?? DBNull.Value;
            parameters[3].Value = (object?)row.UserAgent ?? DBNull.Value;
            parameters[4].Value = row.Method;
            parameters[5].Value = row.Route;
            parameters[6].Value = row.Status;
            parameters[7].Value = row.LatencyMs;
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    private static Task WriteNullableAsync(Npgsql.NpgsqlBinaryImporter copy, string? value, CancellationToken cancellationToken) =>
        value is null ? copy.WriteNullAsync(cancellationToken) : copy.WriteAsync(value, NpgsqlTypes.NpgsqlDbType.Text, cancellationToken);

    private async Task ApplyRetentionAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (now < _nextRetention)
        {
            return;
        }

        _nextRetention = now + TimeSpan.FromHours(1);
        var cutoff = (now - settings.AccessLogRetention).ToUnixTimeMilliseconds();
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        await db.Table<AccessLogRow>().Where(x => x.OccurredAt < cutoff).ExecuteDeleteAsync(cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not store {Count} access log entries ({Error}); retrying")]
    private static partial void LogWriteFailed(ILogger logger, int count, string error);
}

/// <summary>Hands every authenticated request to the <see cref="AccessLogWriter"/> once its response is complete.</summary>
internal static class AccessLogMiddleware
{
    private const int MaxUserAgent = 256;
    internal const string RouteItem = "coffer.accesslog.route";

    /// <summary>
    /// Remembers the matched route template right after routing: when a handler throws, the exception handler runs the
    /// pipeline again without the endpoint, and the log must still name the route that was called.
    /// </summary>
    public static IApplicationBuilder UseAccessLogRoute(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        if (context.GetEndpoint() is RouteEndpoint endpoint)
        {
            context.Items[RouteItem] = endpoint.RoutePattern.RawText;
        }

        return next(context);
    });

    public static IApplicationBuilder UseAccessLog(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            await next(context);
        }
        finally
        {
            if (context.User.FindFirst(TokenAuthenticationHandler.AccessorClaim)?.Value is { } accessor)
            {
                var writer = context.RequestServices.GetRequiredService<AccessLogWriter>();
                var time = context.RequestServices.GetRequiredService<TimeProvider>();
                var userAgent = context.Request.Headers.UserAgent.ToString();
                await writer.EnqueueAsync(
                    new AccessLogRow
                    {
                        Accessor = accessor,
                        OccurredAt = time.GetUtcNow().ToUnixTimeMilliseconds(),
                        ClientIp = context.Connection.RemoteIpAddress?.ToString(),
                        UserAgent = userAgent.Length > MaxUserAgent ? userAgent[..MaxUserAgent] : userAgent,
                        Method = context.Request.Method,
                        Route = context.Items[RouteItem] as string ?? (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? "(unmatched)",
                        Status = context.Response.StatusCode,
                        LatencyMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds,
                    },
                    CancellationToken.None);
            }
        }
    });
}
