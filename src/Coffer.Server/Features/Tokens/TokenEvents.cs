using Coffer.Server.Hosting;
using Coffer.Vault;
using Npgsql;

namespace Coffer.Server.Features.Tokens;

/// <summary>
/// What every node must hear at once (DESIGN §8): revocations, which invalidate every node's token cache, seal, and
/// new notification deliveries in the outbox, which wake every node's dispatcher (its poll is only the fallback).
/// On PostgreSQL these travel by LISTEN/NOTIFY; a node whose listening connection is down stops trusting its cache
/// (fail closed) until it is back. With SQLite there is one node and the events are local.
/// </summary>
internal sealed partial class TokenEvents(ServerSettings settings, IServiceProvider services, ILogger<TokenEvents> logger) : BackgroundService
{
    public const string Channel = "coffer_events";
    public const string Revoked = "revoked";
    public const string Sealed = "sealed";
    public const string Outbox = "outbox";

    private long _generation;
    private volatile bool _listening;

    /// <summary>Bumped by every revocation anywhere; cache entries from an older generation are not used.</summary>
    public long Generation => Interlocked.Read(ref _generation);

    /// <summary>Whether a cached token may be served: always with SQLite; with PostgreSQL only while listening.</summary>
    public bool CacheIsSafe => settings.Storage == StorageProvider.Sqlite || _listening;

    /// <summary>Tells every other node sharing the PostgreSQL database to seal too (no-op with SQLite: one node).</summary>
    public async Task PublishSealAsync(CancellationToken cancellationToken)
    {
        if (settings.Storage != StorageProvider.Postgres)
        {
            return;
        }

        await using var connection = new NpgsqlConnection(settings.PostgresConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var notify = new NpgsqlCommand("SELECT pg_notify(@channel, @payload)", connection);
        notify.Parameters.AddWithValue("channel", Channel);
        notify.Parameters.AddWithValue("payload", Sealed);
        await notify.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Called after a revocation committed on this node.</summary>
    public void RevokedLocally() => Interlocked.Increment(ref _generation);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (settings.Storage != StorageProvider.Postgres)
        {
            return;
        }

        var delay = TimeSpan.FromMilliseconds(200);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = new NpgsqlConnection(settings.PostgresConnectionString);
                await connection.OpenAsync(stoppingToken);
                connection.Notification += (_, e) => OnNotification(e.Payload);
                await using (var listen = new NpgsqlCommand($"LISTEN {Channel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                }

                // Anything revoked while this node was not listening is covered: entries cached before now are stale.
                Interlocked.Increment(ref _generation);
                _listening = true;
                delay = TimeSpan.FromMilliseconds(200);
                while (!stoppingToken.IsCancellationRequested)
                {
                    await connection.WaitAsync(stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex) when (ex is NpgsqlException or System.Net.Sockets.SocketException or IOException or TimeoutException)
            {
                LogListenerDown(logger, ex.GetType().Name);
            }
            finally
            {
                _listening = false;
                Interlocked.Increment(ref _generation);
            }

            await Task.Delay(delay, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(10).Ticks));
        }
    }

    private void OnNotification(string payload)
    {
        switch (payload)
        {
            case Revoked:
                Interlocked.Increment(ref _generation);
                break;
            case Sealed:
                _ = services.GetRequiredService<CofferVault>().SealAsync(CancellationToken.None);
                break;
            case Outbox:
                services.GetService<Notifications.NotificationDispatcher>()?.Wake();
                break;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lost the PostgreSQL LISTEN connection ({Error}); token cache disabled until it is back")]
    private static partial void LogListenerDown(ILogger logger, string error);
}
