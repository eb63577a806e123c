using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Coffer.Server.Features.Notifications;

/// <summary>An in-app notification. The row is the in-app channel; e-mail and webhook deliveries point at it.</summary>
internal sealed class NotificationRow
{
    /// <summary>Insertion order, for keyset paging (SQLite's EF provider cannot order by DateTimeOffset). Never exposed.</summary>
    public long Seq { get; set; }

    public Guid Id { get; set; }

    public Guid UserId { get; set; }

    /// <summary>The stable name (<see cref="NotificationKinds"/>).</summary>
    public required string Kind { get; set; }

    public required string Title { get; set; }

    /// <summary>Plain text. Never a secret or a full token: accessors only (and anything token-shaped is redacted).</summary>
    public required string Body { get; set; }

    /// <summary>A small JSON object of strings.</summary>
    public required string Details { get; set; }

    public DateTimeOffset OccurredAt { get; set; }

    public DateTimeOffset? ReadAt { get; set; }
}

/// <summary>Where a user's notifications go besides the in-app list.</summary>
internal sealed class NotificationChannelRow
{
    public const string Email = "email";
    public const string Webhook = "webhook";

    public Guid Id { get; set; }

    public Guid UserId { get; set; }

    /// <summary><see cref="Email"/> or <see cref="Webhook"/>.</summary>
    public required string Type { get; set; }

    /// <summary>The e-mail address or the webhook URL.</summary>
    public required string Target { get; set; }

    /// <summary>
    /// Webhooks: the vault secret (owner <see cref="UserId"/>) holding the signing secret. It is write-only like an
    /// exchange secret: the dispatcher asks the vault's signing oracle for the HMAC and never sees the bytes.
    /// </summary>
    public Guid? SecretId { get; set; }

    /// <summary>Space-separated kind names; empty for every kind.</summary>
    public required string Kinds { get; set; }

    public bool Enabled { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>The state of a delivery (wire and database names).</summary>
internal static class DeliveryStatus
{
    public const string Pending = "pending";
    public const string Delivered = "delivered";
    public const string Failed = "failed";
}

/// <summary>One notification to one channel: an outbox row the dispatcher works through, retried until done or failed.</summary>
internal sealed class NotificationDeliveryRow
{
    public Guid Id { get; set; }

    public Guid NotificationId { get; set; }

    public Guid ChannelId { get; set; }

    public Guid UserId { get; set; }

    /// <summary>One of <see cref="DeliveryStatus"/>.</summary>
    public required string Status { get; set; }

    public int Attempts { get; set; }

    /// <summary>
    /// When the next try is due, in Unix milliseconds (an integer, so both providers can compare and order it). While a
    /// node works on the delivery this is pushed ahead as a lease, so no other node takes it meanwhile.
    /// </summary>
    public long NextAttemptAtMs { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? LastAttemptAt { get; set; }

    /// <summary>HTTP status or SMTP reply code of the last try, if it got that far.</summary>
    public int? LastCode { get; set; }

    /// <summary>Why the last try failed, in words safe to show the user (no secrets, no response bodies).</summary>
    public string? LastError { get; set; }

    public DateTimeOffset? CompletedAt { get; set; }
}

internal sealed class NotificationRowConfiguration : IEntityTypeConfiguration<NotificationRow>
{
    public void Configure(EntityTypeBuilder<NotificationRow> e)
    {
        e.ToTable("notifications");
        e.HasKey(x => x.Seq);
        e.HasIndex(x => x.Id).IsUnique().HasDatabaseName("ux_notifications_id");
        e.HasIndex(x => new { x.UserId, x.Seq }).HasDatabaseName("ix_notifications_user_id_seq");
        e.Property(x => x.Seq).HasColumnName("seq").ValueGeneratedOnAdd();
        e.Property(x => x.Id).HasColumnName("id");
        e.Property(x => x.UserId).HasColumnName("user_id");
        e.Property(x => x.Kind).HasColumnName("kind");
        e.Property(x => x.Title).HasColumnName("title");
        e.Property(x => x.Body).HasColumnName("body");
        e.Property(x => x.Details).HasColumnName("details");
        e.Property(x => x.OccurredAt).HasColumnName("occurred_at");
        e.Property(x => x.ReadAt).HasColumnName("read_at");
    }
}

internal sealed class NotificationChannelRowConfiguration : IEntityTypeConfiguration<NotificationChannelRow>
{
    public void Configure(EntityTypeBuilder<NotificationChannelRow> e)
    {
        e.ToTable("notification_channels");
        e.HasKey(x => x.Id);
        e.HasIndex(x => x.UserId).HasDatabaseName("ix_notification_channels_user_id");
        e.Property(x => x.Id).HasColumnName("id").ValueGeneratedNever();
        e.Property(x => x.UserId).HasColumnName("user_id");
        e.Property(x => x.Type).HasColumnName("type");
        e.Property(x => x.Target).HasColumnName("target");
        e.Property(x => x.SecretId).HasColumnName("secret_id");
        e.Property(x => x.Kinds).HasColumnName("kinds");
        e.Property(x => x.Enabled).HasColumnName("enabled");
        e.Property(x => x.CreatedAt).HasColumnName("created_at");
    }
}

internal sealed class NotificationDeliveryRowConfiguration : IEntityTypeConfiguration<NotificationDeliveryRow>
{
    public void Configure(EntityTypeBuilder<NotificationDeliveryRow> e)
    {
        e.ToTable("notification_deliveries");
        e.HasKey(x => x.Id);
        e.HasIndex(x => new { x.Status, x.NextAttemptAtMs }).HasDatabaseName("ix_notification_deliveries_due");
        e.HasIndex(x => x.ChannelId).HasDatabaseName("ix_notification_deliveries_channel_id");
        e.Property(x => x.Id).HasColumnName("id").ValueGeneratedNever();
        e.Property(x => x.NotificationId).HasColumnName("notification_id");
        e.Property(x => x.ChannelId).HasColumnName("channel_id");
        e.Property(x => x.UserId).HasColumnName("user_id");
        e.Property(x => x.Status).HasColumnName("status");
        e.Property(x => x.Attempts).HasColumnName("attempts");
        e.Property(x => x.NextAttemptAtMs).HasColumnName("next_attempt_at_ms");
        e.Property(x => x.CreatedAt).HasColumnName("created_at");
        e.Property(x => x.LastAttemptAt).HasColumnName("last_attempt_at");
        e.Property(x => x.LastCode).HasColumnName("last_code");
        e.Property(x => x.LastError).HasColumnName("last_error");
        e.Property(x => x.CompletedAt).HasColumnName("completed_at");
    }
}
