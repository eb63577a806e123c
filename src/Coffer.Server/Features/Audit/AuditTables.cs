using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Coffer.Server.Features.Audit;

/// <summary>One record of the audit log, as stored (migration 0002_audit).</summary>
internal sealed class AuditRecordRow
{
    public long Seq { get; set; }

    public DateTimeOffset OccurredAt { get; set; }

    public required string Actor { get; set; }

    public Guid? UserId { get; set; }

    public required string Action { get; set; }

    public string? Target { get; set; }

    public required string Outcome { get; set; }

    public string? ClientIp { get; set; }

    /// <summary>JSON text, exactly as it was hashed.</summary>
    public required string Details { get; set; }

    public required string PrevHash { get; set; }

    public required string Hash { get; set; }
}

/// <summary>The newest record's seq and hash; appends chain onto it.</summary>
internal sealed class AuditHeadRow
{
    public int Id { get; set; } = 1;

    public long Seq { get; set; }

    public required string Hash { get; set; }
}

/// <summary>The per-install HMAC key for sensitive detail values.</summary>
internal sealed class AuditSaltRow
{
    public int Id { get; set; } = 1;

    public required byte[] Salt { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}

internal sealed class AuditRecordRowConfiguration : IEntityTypeConfiguration<AuditRecordRow>
{
    public void Configure(EntityTypeBuilder<AuditRecordRow> e)
    {
        e.ToTable("audit_log");
        e.HasKey(x => x.Seq);
        e.HasIndex(x => new { x.Action, x.Seq }).HasDatabaseName("ix_audit_log_action_seq");
        e.HasIndex(x => new { x.Actor, x.Seq }).HasDatabaseName("ix_audit_log_actor_seq");
        e.HasIndex(x => x.OccurredAt).HasDatabaseName("ix_audit_log_occurred_at");
        e.Property(x => x.Seq).HasColumnName("seq").ValueGeneratedNever();

        // Stored as a UTC DateTime rather than a DateTimeOffset: EF Core's SQLite provider refuses to translate
        // comparisons of DateTimeOffset (it is text with an offset there), and the API filters by time. A UTC DateTime
        // is text that sorts in time order on SQLite and timestamp with time zone on PostgreSQL.
        e.Property(x => x.OccurredAt).HasColumnName("occurred_at").HasConversion(
            v => v.UtcDateTime,
            v => new DateTimeOffset(DateTime.SpecifyKind(v, DateTimeKind.Utc)));
        e.Property(x => x.Actor).HasColumnName("actor");
        e.Property(x => x.UserId).HasColumnName("user_id");
        e.Property(x => x.Action).HasColumnName("action");
        e.Property(x => x.Target).HasColumnName("target");
        e.Property(x => x.Outcome).HasColumnName("outcome");
        e.Property(x => x.ClientIp).HasColumnName("client_ip");
        e.Property(x => x.Details).HasColumnName("details");
        e.Property(x => x.PrevHash).HasColumnName("prev_hash");
        e.Property(x => x.Hash).HasColumnName("hash");
    }
}

internal sealed class AuditHeadRowConfiguration : IEntityTypeConfiguration<AuditHeadRow>
{
    public void Configure(EntityTypeBuilder<AuditHeadRow> e)
    {
        e.ToTable("audit_head");
        e.HasKey(x => x.Id);
        e.Property(x => x.Id).HasColumnName("id").ValueGeneratedNever();
        e.Property(x => x.Seq).HasColumnName("seq");
        e.Property(x => x.Hash).HasColumnName("hash");
    }
}

internal sealed class AuditSaltRowConfiguration : IEntityTypeConfiguration<AuditSaltRow>
{
    public void Configure(EntityTypeBuilder<AuditSaltRow> e)
    {
        e.ToTable("audit_salt");
        e.HasKey(x => x.Id);
        e.Property(x => x.Id).HasColumnName("id").ValueGeneratedNever();
        e.Property(x => x.Salt).HasColumnName("salt");
        e.Property(x => x.CreatedAt).HasColumnName("created_at");
    }
}
