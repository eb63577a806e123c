using Coffer.Server.Data;
using Coffer.Server.Features.Connections;
using Coffer.Server.Hosting;
using Coffer.Vault;
using Microsoft.EntityFrameworkCore;

namespace Coffer.Server.Features.Portfolio;

/// <summary>
/// Syncs every user's connections and takes a portfolio snapshot on a schedule
/// (<see cref="ServerSettings.PortfolioSyncInterval"/>). Skipped while sealed: nothing can be signed then.
/// </summary>
internal sealed partial class PortfolioScheduler(
    IDbContextFactory<CofferDb> factory,
    PortfolioSync sync,
    PortfolioService portfolio,
    CofferVault vault,
    ServerSettings settings,
    TimeProvider time,
    ILogger<PortfolioScheduler> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(settings.PortfolioSyncInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            if (vault.IsSealed)
            {
                continue;
            }

            try
            {
                await RunAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogFailed(logger, ex.GetType().Name);
            }
        }
    }

    /// <summary>One scheduled pass: every user with a connection is synced (users in turn, each user's connections in parallel) and snapshotted.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        List<Guid> users;
        await using (var db = await factory.CreateDbContextAsync(cancellationToken))
        {
            users = await db.Table<ConnectionRow>().Select(c => c.UserId).Distinct().ToListAsync(cancellationToken);
        }

        foreach (var user in users)
        {
            await sync.SyncUserAsync(user, null, cancellationToken);
            await portfolio.SnapshotAsync(user, cancellationToken);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The scheduled portfolio sync failed ({Error}); it runs again at the next interval")]
    private static partial void LogFailed(ILogger logger, string error);
}
