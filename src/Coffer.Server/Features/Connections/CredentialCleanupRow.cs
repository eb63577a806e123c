using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Coffer.Server.Features.Connections;

/// <summary>
/// A vault secret (and, once there is one, its credential token) that is to be removed unless a connection comes to
/// reference it: written before the secret is stored, deleted in the transaction that stores the connection. A row
/// still here after <see cref="CredentialJournal.Grace"/> is what a crash left behind, and <see cref="CredentialJournal"/>
/// sweeps it. A claimed row is being (or has been) removed: no connection may take its secret any more.
/// </summary>
internal sealed class CredentialCleanupRow
{
    public Guid SecretId { get; set; }

    public Guid UserId { get; set; }

    public string? CredentialAccessor { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? ClaimedAt { get; set; }
}

internal sealed class CredentialCleanupRowConfiguration : IEntityTypeConfiguration<CredentialCleanupRow>
{
    public void Configure(EntityTypeBuilder<CredentialCleanupRow> e)
    {
        e.ToTable("exchange_credential_cleanup");
        e.HasKey(x => x.SecretId);
        e.Property(x => x.SecretId).HasColumnName("secret_id").ValueGeneratedNever();
        e.Property(x => x.UserId).HasColumnName("user_id");
        e.Property(x => x.CredentialAccessor).HasColumnName("credential_accessor");
        e.Property(x => x.CreatedAt).HasColumnName("created_at");
        e.Property(x => x.ClaimedAt).HasColumnName("claimed_at");
    }
}
