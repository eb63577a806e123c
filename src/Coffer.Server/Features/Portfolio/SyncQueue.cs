using System.Collections.Concurrent;
using System.Threading.Channels;
using Coffer.Server.Features.Connections;
using Coffer.Vault;

namespace Coffer.Server.Features.Portfolio;

/// <summary>
/// Syncs asked for in the background — after every order Coffer places, so balances and the order's fills follow it —
/// one at a time per connection: a request for a connection already waiting is merged into that one.
/// </summary>
internal sealed partial class SyncQueue(PortfolioSync sync, CofferVault vault, ILogger<SyncQueue> logger) : BackgroundService
{
    private readonly Channel<ConnectionRow> _queue = Channel.CreateUnbounded<ConnectionRow>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentDictionary<Guid, byte> _waiting = new();
    private readonly ConcurrentDictionary<Task, byte> _running = new();

    /// <summary>No sync is waiting or under way (a moment's answer: a request may arrive right after).</summary>
    public bool IsIdle => _waiting.IsEmpty && _running.IsEmpty;

    public void Request(ConnectionRow connection)
    {
        if (_waiting.TryAdd(connection.Id, 0))
        {
            _queue.Writer.TryWrite(connection);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var connection in _queue.Reader.ReadAllAsync(stoppingToken))
        {
            _waiting.TryRemove(connection.Id, out _);
            if (vault.IsSealed)
            {
                continue;
            }

            // Not awaited one after another: connections sync in parallel, each through its own request budget.
            var run = RunAsync(connection, stoppingToken);
            _running.TryAdd(run, 0);
            _ = run.ContinueWith(t => _running.TryRemove(t, out _), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
        }
    }

    /// <summary>Stops taking requests and lets the syncs under way finish, so none writes after the host is gone.</summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await Task.WhenAll(_running.Keys).WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    private async Task RunAsync(ConnectionRow connection, CancellationToken stoppingToken)
    {
        try
        {
            await sync.SyncAsync(connection, stoppingToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogFailed(logger, connection.Id, ex.GetType().Name);
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Background sync of connection {Connection} failed ({Error})")]
    private static partial void LogFailed(ILogger logger, Guid connection, string error);
}
