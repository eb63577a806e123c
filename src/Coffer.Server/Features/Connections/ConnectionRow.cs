using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Coffer.Server.Features.Connections;

/// <summary>
/// One exchange account of a user. The secret is not here: it is in the vault under <see cref="SecretId"/>, and the
/// connection is usable only while its <c>credential</c> token (<see cref="CredentialAccessor"/>) is live in the user's
/// tree — revoking the tree (freeze) locks every stored credential at once.
/// </summary>
internal sealed class ConnectionRow
{
    public const string Active = "active";
    public const string Locked = "locked";

    public Guid Id { get; set; }

    public Guid UserId { get; set; }

    public required string Exchange { get; set; }

    public required string Label { get; set; }

    /// <summary>The exchange's public key id (sent in a header on every call). Shown only masked.</summary>
    public required string ApiKey { get; set; }

    public Guid SecretId { get; set; }

    public required string CredentialAccessor { get; set; }

    /// <summary>Null for the exchange's production API.</summary>
    public string? BaseUrl { get; set; }

    public required string Status { get; set; }

    public string? LockReason { get; set; }

    public bool CanRead { get; set; }

    public bool CanTrade { get; set; }

    public bool CanWithdraw { get; set; }

    public bool CanTransfer { get; set; }

    public bool? IpRestricted { get; set; }

    /// <summary>The exchange's own permission names, space-separated.</summary>
    public required string ReportedPermissions { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset VerifiedAt { get; set; }
}

internal sealed class ConnectionRowConfiguration : IEntityTypeConfiguration<ConnectionRow>
{
    public void Configure(EntityTypeBuilder<ConnectionRow> e)
    {
        e.ToTable("exchange_connections");
        e.HasKey(x => x.Id);
        e.Property(x => x.Id).HasColumnName("id").ValueGeneratedNever();
        e.Property(x => x.UserId).HasColumnName("user_id");
        e.Property(x => x.Exchange).HasColumnName("exchange");
        e.Property(x => x.Label).HasColumnName("label");
        e.Property(x => x.ApiKey).HasColumnName("api_key");
        e.Property(x => x.SecretId).HasColumnName("secret_id");
        e.Property(x => x.CredentialAccessor).HasColumnName("credential_accessor");
        e.Property(x => x.BaseUrl).HasColumnName("base_url");
        e.Property(x => x.Status).HasColumnName("status");
        e.Property(x => x.LockReason).HasColumnName("lock_reason");
        e.Property(x => x.CanRead).HasColumnName("can_read");
        e.Property(x => x.CanTrade).HasColumnName("can_trade");
        e.Property(x => x.CanWithdraw).HasColumnName("can_withdraw");
        e.Property(x => x.CanTransfer).HasColumnName("can_transfer");
        e.Property(x => x.IpRestricted).HasColumnName("ip_restricted");
        e.Property(x => x.ReportedPermissions).HasColumnName("reported_permissions");
        e.Property(x => x.CreatedAt).HasColumnName("created_at");
        e.Property(x => x.VerifiedAt).HasColumnName("verified_at");
        e.HasIndex(x => x.UserId).HasDatabaseName("ix_exchange_connections_user_id");
        e.HasIndex(x => new { x.UserId, x.Label }).IsUnique().HasDatabaseName("ux_exchange_connections_user_label");
    }
}
