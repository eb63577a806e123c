using Coffer.Server.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Coffer.Server.Features.Tokens;

/// <summary>A Coffer token: only its SHA-256 hash is stored; the accessor is its public handle.</summary>
internal sealed class TokenRow
{
    public required string Accessor { get; set; }

    public required byte[] TokenHash { get; set; }

    public required string Kind { get; set; }

    public Guid UserId { get; set; }

    public string? ParentAccessor { get; set; }

    /// <summary>Space-separated scopes.</summary>
    public required string Scopes { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? ExpiresAt { get; set; }

    public DateTimeOffset? RevokedAt { get; set; }

    public string? DisplayName { get; set; }

    /// <summary>Space-separated CIDR ranges the token may be used from; null means anywhere.</summary>
    public string? IpAllowlist { get; set; }

    public int? MaxUses { get; set; }

    public int UseCount { get; set; }

    /// <summary>The trading limits as JSON (see <see cref="TradingLimits"/>); null means none beyond the parent's.</summary>
    public string? TradingLimits { get; set; }

    /// <summary>
    /// When the token last authenticated a request, null if never. Behind by up to <see cref="TokenStore.LastUsedResolution"/>
    /// plus the lifetime of the token cache: it is written only where a use reaches the database.
    /// </summary>
    public DateTimeOffset? LastUsedAt { get; set; }

    /// <summary>
    /// The RFC 7638 thumbprint of the DPoP key this token is bound to (RFC 9449 <c>cnf.jkt</c>): it is then accepted only
    /// as <c>Authorization: DPoP</c> with a proof signed by that key. Null for a bearer token.
    /// </summary>
    public string? DpopJkt { get; set; }
}

internal sealed class TokenRowConfiguration : IEntityTypeConfiguration<TokenRow>
{
    public void Configure(EntityTypeBuilder<TokenRow> e)
    {
        e.ToTable("tokens");
        e.HasKey(x => x.Accessor);
        e.HasIndex(x => x.TokenHash).IsUnique().HasDatabaseName("ux_tokens_token_hash");
        e.HasIndex(x => x.UserId).HasDatabaseName("ix_tokens_user_id");
        e.Property(x => x.Accessor).HasColumnName("accessor");
        e.Property(x => x.TokenHash).HasColumnName("token_hash");
        e.Property(x => x.Kind).HasColumnName("kind");
        e.Property(x => x.UserId).HasColumnName("user_id");
        e.Property(x => x.ParentAccessor).HasColumnName("parent_accessor");
        e.Property(x => x.Scopes).HasColumnName("scopes");
        e.Property(x => x.CreatedAt).HasColumnName("created_at");
        e.Property(x => x.ExpiresAt).HasColumnName("expires_at");
        e.Property(x => x.RevokedAt).HasColumnName("revoked_at");
        e.Property(x => x.DisplayName).HasColumnName("display_name");
        e.Property(x => x.IpAllowlist).HasColumnName("ip_allowlist");
        e.Property(x => x.MaxUses).HasColumnName("max_uses");
        e.Property(x => x.UseCount).HasColumnName("use_count");
        e.Property(x => x.TradingLimits).HasColumnName("trading_limits");

        // Compared in SQL (the update that records a use never moves it back), so stored as UTC (Data/UtcTime.cs).
        e.Property(x => x.LastUsedAt).HasColumnName("last_used_at").AsUtc();
        e.Property(x => x.DpopJkt).HasColumnName("dpop_jkt");
        e.HasIndex(x => x.ParentAccessor).HasDatabaseName("ix_tokens_parent_accessor");
    }
}
