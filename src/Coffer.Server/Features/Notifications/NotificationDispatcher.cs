using System.Data.Common;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Coffer.Server.Data;
using Coffer.Server.Features.Notifications.Smtp;
using Coffer.Server.Features.Notifications.Webhooks;
using Coffer.Server.Hosting;
using Coffer.Vault;
using Coffer.Vault.Signing;
using Microsoft.EntityFrameworkCore;

namespace Coffer.Server.Features.Notifications;

/// <summary>
/// Works through <c>notification_deliveries</c>: sends what is due, records each try, schedules retries. Several nodes
/// may run one each over a shared database: a node claims a delivery by moving its due time ahead (a lease) with a
/// compare-and-set, so only one node sends it; if that node dies mid-send the lease runs out and another tries again.
/// Delivery is therefore at least once; receivers de-duplicate on the delivery id.
/// </summary>
internal sealed partial class NotificationDispatcher : BackgroundService
{
    private const int BatchSize = 32;
    private const int Parallelism = 8;

    // Longer than any one try can take (every SMTP step has its own timeout), so a live node never loses its lease.
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(15);

    private readonly IDbContextFactory<CofferDb> _factory;
    private readonly TimeProvider _time;
    private readonly NotificationSettings _settings;
    private readonly SmtpSettings? _smtp;
    private readonly SmtpMailer? _mailer;
    private readonly WebhookSender _webhooks;
    private readonly ILogger<NotificationDispatcher> _logger;
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    public NotificationDispatcher(IDbContextFactory<CofferDb> factory, TimeProvider time, ServerSettings settings, CofferVault vault, ILogger<NotificationDispatcher> logger)
    {
        _factory = factory;
        _time = time;
        _settings = settings.Notifications;
        _smtp = settings.Smtp;
        _mailer = settings.Smtp is { } smtp ? new SmtpMailer(smtp) : null;
        _webhooks = new WebhookSender(settings.Notifications, vault, time);
        _logger = logger;
    }

    /// <summary>Something was queued: look now rather than at the next poll.</summary>
    public void Wake() => _wake.Writer.TryWrite(true);

    public override void Dispose()
    {
        _webhooks.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var wait = _settings.PollInterval;
            try
            {
                if (await RunDueAsync(stoppingToken) is { } next && next < wait)
                {
                    wait = next;
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is DbException or DbUpdateException or InvalidOperationException)
            {
                // The database is away (or not migrated yet): keep polling, the deliveries are safe in their table.
                LogLoopFailed(_logger, ex.GetType().Name, ex);
            }

            if (wait <= TimeSpan.Zero)
            {
                continue;
            }

            using var timer = new CancellationTokenSource(wait, _time);
            using var either = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, timer.Token);
            try
            {
                await _wake.Reader.WaitToReadAsync(either.Token);
                _wake.Reader.TryRead(out _);
            }
            catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
            {
                // the poll interval passed
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Sends every delivery that is due; returns how long until the next one is (null: none pending).</summary>
    internal async Task<TimeSpan?> RunDueAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var claimed = new List<Guid>();
        int found;
        await using (var db = await _factory.CreateDbContextAsync(cancellationToken))
        {
            var due = await db.Table<NotificationDeliveryRow>().AsNoTracking()
                .Where(d => d.Status == DeliveryStatus.Pending && d.NextAttemptAtMs <= now)
                .OrderBy(d => d.NextAttemptAtMs)
                .Take(BatchSize)
                .Select(d => new { d.Id, d.NextAttemptAtMs })
                .ToListAsync(cancellationToken);
            found = due.Count;
            var leaseUntil = now + (long)Lease.TotalMilliseconds;
            foreach (var d in due)
            {
                var won = await db.Table<NotificationDeliveryRow>()
                    .Where(x => x.Id == d.Id && x.Status == DeliveryStatus.Pending && x.NextAttemptAtMs == d.NextAttemptAtMs)
                    .ExecuteUpdateAsync(s => s.SetProperty(x => x.NextAttemptAtMs, leaseUntil), cancellationToken);
                if (won == 1)
                {
                    claimed.Add(d.Id);
                }
            }
        }

        await Parallel.ForEachAsync(
            claimed,
            new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken },
            async (id, token) => await DeliverAsync(id, token));

        if (found == BatchSize)
        {
            return TimeSpan.Zero;
        }

        await using var again = await _factory.CreateDbContextAsync(cancellationToken);
        var next = await again.Table<NotificationDeliveryRow>().AsNoTracking()
            .Where(d => d.Status == DeliveryStatus.Pending)
            .MinAsync(d => (long?)d.NextAttemptAtMs, cancellationToken);
        return next is { } ms ? TimeSpan.FromMilliseconds(Math.Max(0, ms - _time.GetUtcNow().ToUnixTimeMilliseconds())) : null;
    }

    private async Task DeliverAsync(Guid deliveryId, CancellationToken cancellationToken)
    {
        await using var db = await _factory.CreateDbContextAsync(cancellationToken);
        var delivery = await db.Table<NotificationDeliveryRow>().SingleOrDefaultAsync(d => d.Id == deliveryId, cancellationToken);
        if (delivery is null || delivery.Status != DeliveryStatus.Pending)
        {
            return;
        }

        var channel = await db.Table<NotificationChannelRow>().AsNoTracking().SingleOrDefaultAsync(c => c.Id == delivery.ChannelId, cancellationToken);
        var notification = await db.Table<NotificationRow>().AsNoTracking().SingleOrDefaultAsync(n => n.Id == delivery.NotificationId, cancellationToken);
        DeliveryOutcome outcome;
        if (channel is null || notification is null)
        {
            outcome = DeliveryOutcome.Failed("The channel was deleted.");
        }
        else
        {
            try
            {
                outcome = channel.Type switch
                {
                    NotificationChannelRow.Email => await SendEmailAsync(channel, notification, cancellationToken),
                    NotificationChannelRow.Webhook => await SendWebhookAsync(channel, notification, delivery.Id, cancellationToken),
                    _ => DeliveryOutcome.Failed("Unknown channel type."),
                };
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // A bug in a sender must not stop the dispatcher nor retry forever: it counts as a failed try.
                LogSendBug(_logger, delivery.Id, ex);
                outcome = DeliveryOutcome.Retry("Internal error while sending (logged).");
            }
        }

        Apply(delivery, outcome);
        await db.SaveChangesAsync(CancellationToken.None);
        LogOutcome(_logger, delivery.Id, delivery.ChannelId, delivery.Status, delivery.Attempts, outcome.Code);
    }

    private void Apply(NotificationDeliveryRow delivery, DeliveryOutcome outcome)
    {
        var now = StoredTime.Now(_time);
        if (outcome.Kind == DeliveryOutcomeKind.Deferred)
        {
            delivery.NextAttemptAtMs = (now + _settings.SealedDeferral).ToUnixTimeMilliseconds();
            delivery.LastError = outcome.Error;
            return;
        }

        delivery.Attempts++;
        delivery.LastAttemptAt = now;
        delivery.LastCode = outcome.Code;
        delivery.LastError = outcome.Error;
        switch (outcome.Kind)
        {
            case DeliveryOutcomeKind.Delivered:
                delivery.Status = DeliveryStatus.Delivered;
                delivery.CompletedAt = now;
                break;
            case DeliveryOutcomeKind.Retry when delivery.Attempts < _settings.MaxAttempts:
                var delay = RetryPolicy.Delay(delivery.Attempts, _settings.RetryBaseDelay, _settings.RetryMaxDelay, outcome.RetryAfter, _settings.MaxRetryAfter, Random.Shared.NextDouble());
                delivery.NextAttemptAtMs = (now + delay).ToUnixTimeMilliseconds();
                break;
            case DeliveryOutcomeKind.Retry:
                delivery.Status = DeliveryStatus.Failed;
                delivery.LastError = $"{outcome.Error} Gave up after {delivery.Attempts} tries.";
                delivery.CompletedAt = now;
                break;
            default:
                delivery.Status = DeliveryStatus.Failed;
                delivery.CompletedAt = now;
                break;
        }
    }

    private async Task<DeliveryOutcome> SendEmailAsync(NotificationChannelRow channel, NotificationRow notification, CancellationToken cancellationToken)
    {
        if (_mailer is null || _smtp is null)
        {
            return DeliveryOutcome.Failed("E-mail is not configured on this server (COFFER_SMTP_HOST).");
        }

        byte[] message;
        try
        {
            message = MailMessage.Build(_smtp.From, channel.Target, "Coffer: " + notification.Title, EmailBody(notification), _time.GetUtcNow());
        }
        catch (ArgumentException)
        {
            return DeliveryOutcome.Failed("The message could not be built (an address or the subject is not acceptable).");
        }

        try
        {
            await _mailer.SendAsync(channel.Target, message, cancellationToken);
            return DeliveryOutcome.Delivered(250);
        }
        catch (SmtpException ex)
        {
            return ex.Transient ? DeliveryOutcome.Retry(ex.Message, ex.Code) : DeliveryOutcome.Failed(ex.Message, ex.Code);
        }
    }

    private Task<DeliveryOutcome> SendWebhookAsync(NotificationChannelRow channel, NotificationRow notification, Guid deliveryId, CancellationToken cancellationToken) =>
        channel.SecretId is { } secretId
            ? _webhooks.SendAsync(channel.Target, new CredentialHandle(channel.UserId, secretId), deliveryId, WebhookBody(notification, deliveryId), cancellationToken)
            : Task.FromResult(DeliveryOutcome.Failed("The channel has no signing secret."));

    internal static string EmailBody(NotificationRow notification)
    {
        var text = new StringBuilder();
        text.Append(notification.Body.TrimEnd()).Append("\n\n");
        text.Append(CultureInfo.InvariantCulture, $"Event: {notification.Kind}\n");
        text.Append(CultureInfo.InvariantCulture, $"When: {notification.OccurredAt.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC\n");
        foreach (var (key, value) in NotificationText.ParseDetails(notification.Details))
        {
            text.Append(CultureInfo.InvariantCulture, $"{key}: {value}\n");
        }

        text.Append("\n-- \nSent by Coffer. Change where notifications go under /api/v1/notifications/channels.\n");
        return text.ToString();
    }

    internal static byte[] WebhookBody(NotificationRow notification, Guid deliveryId)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("delivery_id", deliveryId);
            json.WriteString("notification_id", notification.Id);
            json.WriteString("kind", notification.Kind);
            json.WriteString("occurred_at", notification.OccurredAt.ToUniversalTime());
            json.WriteString("title", notification.Title);
            json.WriteString("body", notification.Body);
            json.WriteStartObject("details");
            foreach (var (key, value) in NotificationText.ParseDetails(notification.Details))
            {
                json.WriteString(key, value);
            }

            json.WriteEndObject();
            json.WriteEndObject();
        }

        return buffer.ToArray();
    }

    /// <summary>A new webhook signing secret: 256 random bits, prefixed so secret scanners can find a leaked one.</summary>
    internal static string NewWebhookSecret() => "cofwh_" + Base64UrlNoPadding(RandomNumberGenerator.GetBytes(32));

    private static string Base64UrlNoPadding(byte[] bytes) => System.Buffers.Text.Base64Url.EncodeToString(bytes);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Notification dispatcher: {ExceptionType}; retrying at the next poll")]
    private static partial void LogLoopFailed(ILogger logger, string exceptionType, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Notification delivery {DeliveryId}: unexpected error while sending")]
    private static partial void LogSendBug(ILogger logger, Guid deliveryId, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Notification delivery {DeliveryId} to channel {ChannelId}: {Status} after {Attempts} tries (code {Code})")]
    private static partial void LogOutcome(ILogger logger, Guid deliveryId, Guid channelId, string status, int attempts, int? code);
}
