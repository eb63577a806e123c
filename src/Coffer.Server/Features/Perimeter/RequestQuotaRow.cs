using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Coffer.Server.Features.Perimeter;

/// <summary>
/// A day's count of one quota partition (migration 0016). <see cref="QuotaLedger"/> increments it with one atomic upsert in
/// SQL; the entity is here so the model describes every table (and SchemaTests can hold the two to each other).
/// </summary>
internal sealed class RequestQuotaRow
{
    public required string PartitionKey { get; set; }

    /// <summary>The UTC day, <c>yyyy-MM-dd</c>.</summary>
    public required string Day { get; set; }

    public long Count { get; set; }
}

internal sealed class RequestQuotaRowConfiguration : IEntityTypeConfiguration<RequestQuotaRow>
{
    public void Configure(EntityTypeBuilder<RequestQuotaRow> e)
    {
        e.ToTable("request_quotas");
        e.HasKey(x => new { x.PartitionKey, x.Day });
        e.HasIndex(x => x.Day).HasDatabaseName("ix_request_quotas_day");
        e.Property(x => x.PartitionKey).HasColumnName("partition_key");
        e.Property(x => x.Day).HasColumnName("day");
        e.Property(x => x.Count).HasColumnName("count");
    }
}
