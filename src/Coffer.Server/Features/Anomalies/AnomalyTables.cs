using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Coffer.Server.Features.Anomalies;

/// <summary>When a token was first seen, and when its learning period ended (migration 0017). Unix milliseconds.</summary>
internal sealed class AnomalyBaselineRow
{
    public required string Accessor { get; set; }

    public long StartedAt { get; set; }

    public long? EstablishedAt { get; set; }
}

/// <summary>A client IP range a token was used from; <see cref="Learned"/> is false for one that was flagged as new.</summary>
internal sealed class AnomalyIpRangeRow
{
    public required string Accessor { get; set; }

    public required string IpRange { get; set; }

    public long FirstSeenAt { get; set; }

    public bool Learned { get; set; }
}

internal sealed class AnomalyBaselineRowConfiguration : IEntityTypeConfiguration<AnomalyBaselineRow>
{
    public void Configure(EntityTypeBuilder<AnomalyBaselineRow> e)
    {
        e.ToTable("anomaly_baselines");
        e.HasKey(x => x.Accessor);
        e.Property(x => x.Accessor).HasColumnName("accessor");
        e.Property(x => x.StartedAt).HasColumnName("started_at");
        e.Property(x => x.EstablishedAt).HasColumnName("established_at");
    }
}

internal sealed class AnomalyIpRangeRowConfiguration : IEntityTypeConfiguration<AnomalyIpRangeRow>
{
    public void Configure(EntityTypeBuilder<AnomalyIpRangeRow> e)
    {
        e.ToTable("anomaly_ip_ranges");
        e.HasKey(x => new { x.Accessor, x.IpRange });
        e.Property(x => x.Accessor).HasColumnName("accessor");
        e.Property(x => x.IpRange).HasColumnName("ip_range");
        e.Property(x => x.FirstSeenAt).HasColumnName("first_seen_at");
        e.Property(x => x.Learned).HasColumnName("learned");
    }
}
