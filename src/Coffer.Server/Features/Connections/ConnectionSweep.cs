
namespace Coffer.Server.Features.Connections;

/// <summary>
/// Removes exchange secrets and credential tokens that an interrupted connect or key replacement left behind (see
/// <see cref="CredentialJournal"/>): once at start, then every <see cref="Interval"/>. Deleting a secret and revoking a
/// token need no unsealed vault, so this runs sealed too.
/// </summary>
internal sealed partial class ConnectionSweep(CredentialJournal journal, TimeProvider time, ILogger<ConnectionSweep> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        do
        {
            try
            {
                await journal.SweepAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogFailed(logger, ex.GetType().Name);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The sweep of left-behind exchange secrets failed ({Error}); it runs again at the next interval")]
    private static partial void LogFailed(ILogger logger, string error);
}
