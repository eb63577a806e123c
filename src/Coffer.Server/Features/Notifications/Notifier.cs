using System.Data.Common;
using Coffer.Server.Data;
using Coffer.Server.Features.Tokens;
using Microsoft.EntityFrameworkCore;

namespace Coffer.Server.Features.Notifications;

/// <summary>The <see cref="INotifier"/>: writes the notification and its deliveries in one transaction, then wakes the dispatcher.</summary>
internal sealed partial class Notifier(IDbContextFactory<CofferDb> factory, TimeProvider time, NotificationDispatcher dispatcher, ILogger<Notifier> logger) : INotifier
{
    public async Task NotifyAsync(Guid userId, NotificationKind kind, string title, string body, IReadOnlyDictionary<string, string>? details, CancellationToken cancellationToken)
    {
        try
        {
            await RecordAsync(userId, kind, title, body, details, onlyChannel: null, cancellationToken);
        }
        catch (Exception ex) when (ex is DbException or DbUpdateException)
        {
            // The caller's action has happened; a notification lost to a database outage must not undo or fail it.
            LogNotRecorded(logger, kind.Name(), userId, ex);
        }
    }

    /// <summary>
    /// Records a notification and queues its deliveries: to every enabled channel of the user that takes the kind, or,
    /// with <paramref name="onlyChannel"/>, to that channel alone (the channel test). Returns the ids.
    /// </summary>
    internal async Task<(Guid NotificationId, IReadOnlyList<Guid> DeliveryIds)> RecordAsync(
        Guid userId, NotificationKind kind, string title, string body, IReadOnlyDictionary<string, string>? details, NotificationChannelRow? onlyChannel, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(title);
        ArgumentNullException.ThrowIfNull(body);
        var now = StoredTime.Now(time);
        var notification = new NotificationRow
        {
            Id = Guid.NewGuid(),
            UserId = userId,
            Kind = kind.Name(),
            Title = NotificationText.Title(title),
            Body = NotificationText.Body(body),
            Details = NotificationText.Details(details),
            OccurredAt = now,
        };

        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        List<NotificationChannelRow> channels;
        if (onlyChannel is not null)
        {
            channels = [onlyChannel];
        }
        else
        {
            var enabled = await db.Table<NotificationChannelRow>().AsNoTracking().Where(c => c.UserId == userId && c.Enabled).ToListAsync(cancellationToken);
            channels = enabled.Where(c => Takes(c, notification.Kind)).ToList();
        }

        db.Add(notification);
        var deliveries = channels.ConvertAll(c => new NotificationDeliveryRow
        {
            Id = Guid.NewGuid(),
            NotificationId = notification.Id,
            ChannelId = c.Id,
            UserId = userId,
            Status = DeliveryStatus.Pending,
            NextAttemptAtMs = now.ToUnixTimeMilliseconds(),
            CreatedAt = now,
        });
        db.AddRange(deliveries);
        if (deliveries.Count > 0 && db.Database.IsNpgsql())
        {
            // Every node's dispatcher hears of the new deliveries at commit (LISTEN/NOTIFY), not at its next poll, so
            // a busy or stopped dispatcher on this node does not hold them up; the poll stays as the fallback.
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            await db.SaveChangesAsync(cancellationToken);
            await db.Database.ExecuteSqlAsync($"SELECT pg_notify({TokenEvents.Channel}, {TokenEvents.Outbox})", cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        else
        {
            await db.SaveChangesAsync(cancellationToken);
        }

        if (deliveries.Count > 0)
        {
            dispatcher.Wake();
        }

        return (notification.Id, deliveries.ConvertAll(d => d.Id));
    }

    internal static bool Takes(NotificationChannelRow channel, string kind) =>
        channel.Kinds.Length == 0
            ? kind != NotificationKind.ChannelTest.Name()
            : channel.Kinds.Split(' ', StringSplitOptions.RemoveEmptyEntries).Contains(kind, StringComparer.Ordinal);

    [LoggerMessage(Level = LogLevel.Error, Message = "Notification {Kind} for user {UserId} could not be recorded")]
    private static partial void LogNotRecorded(ILogger logger, string kind, Guid userId, Exception exception);
}
