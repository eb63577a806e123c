using Coffer.Server.Hosting;
using Coffer.Vault;

namespace Coffer.Server.Features.Connections;

/// <summary>
/// Re-reads every active connection's key permissions on a schedule (<see cref="ServerSettings.ExchangeRecheckInterval"/>),
/// so a key that someone gave withdrawal rights after it was connected is locked and its owner told (DESIGN §5).
/// Skipped while the vault is sealed: nothing can be signed then.
/// </summary>
internal sealed partial class ConnectionRecheck(ConnectionService connections, CofferVault vault, ServerSettings settings, TimeProvider time, ILogger<ConnectionRecheck> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(settings.ExchangeRecheckInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            if (vault.IsSealed)
            {
                continue;
            }

            try
            {
                await connections.RecheckAllAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogFailed(logger, ex.GetType().Name);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The scheduled re-check of exchange keys failed ({Error}); it runs again at the next interval")]
    private static partial void LogFailed(ILogger logger, string error);
}
