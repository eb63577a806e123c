using System.Text;
using Coffer.Server.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Coffer.Server.Features.Identity;

/// <summary>
/// Names Identity's tables and columns the way the rest of Coffer's schema is named (snake_case, <c>ix_</c>/<c>ux_</c>
/// indexes) and pins Identity's schema to version 3 (the .NET 10 schema: version 2 plus passkeys, see
/// <see cref="PasskeySchema"/>): Identity picks its schema version from the options of the application that builds the
/// model (version 1 when there is none), and EF caches the first model it builds per context type, so setting the
/// lengths and the passkey table here keeps the model the same however the context is created (by the server, by
/// <c>coffer migrate</c>, or by a test). Migrations 0004 and 0006 create exactly this.
/// </summary>
internal sealed class IdentitySchema :
    IEntityTypeConfiguration<CofferUser>,
    IEntityTypeConfiguration<CofferRole>,
    IEntityTypeConfiguration<IdentityUserClaim<Guid>>,
    IEntityTypeConfiguration<IdentityUserLogin<Guid>>,
    IEntityTypeConfiguration<IdentityUserToken<Guid>>,
    IEntityTypeConfiguration<IdentityUserRole<Guid>>,
    IEntityTypeConfiguration<IdentityRoleClaim<Guid>>
{
    public void Configure(EntityTypeBuilder<CofferUser> builder)
    {
        builder.Property(x => x.PhoneNumber).HasMaxLength(256);
        Name(builder, "users");
    }

    public void Configure(EntityTypeBuilder<CofferRole> builder) => Name(builder, "roles");

    public void Configure(EntityTypeBuilder<IdentityUserClaim<Guid>> builder) => Name(builder, "user_claims");

    public void Configure(EntityTypeBuilder<IdentityUserLogin<Guid>> builder)
    {
        builder.Property(x => x.LoginProvider).HasMaxLength(128);
        builder.Property(x => x.ProviderKey).HasMaxLength(128);
        Name(builder, "user_logins");
    }

    public void Configure(EntityTypeBuilder<IdentityUserToken<Guid>> builder)
    {
        builder.Property(x => x.LoginProvider).HasMaxLength(128);
        builder.Property(x => x.Name).HasMaxLength(128);
        Name(builder, "user_tokens");
    }

    public void Configure(EntityTypeBuilder<IdentityUserRole<Guid>> builder) => Name(builder, "user_roles");

    public void Configure(EntityTypeBuilder<IdentityRoleClaim<Guid>> builder) => Name(builder, "role_claims");

    /// <summary>PascalCase to snake_case: NormalizedUserName → normalized_user_name.</summary>
    internal static string Snake(string name)
    {
        var text = new StringBuilder(name.Length + 8);
        for (var i = 0; i < name.Length; i++)
        {
            if (char.IsUpper(name[i]) && i > 0)
            {
                text.Append('_');
            }

            text.Append(char.ToLowerInvariant(name[i]));
        }

        return text.ToString();
    }

    internal static void Name(EntityTypeBuilder builder, string table)
    {
        builder.ToTable(table);
        foreach (var property in builder.Metadata.GetDeclaredProperties().ToList())
        {
            builder.Property(property.Name).HasColumnName(Snake(property.Name));
        }

        foreach (var index in builder.Metadata.GetDeclaredIndexes().ToList())
        {
            var columns = string.Join('_', index.Properties.Select(p => Snake(p.Name)));
            index.SetDatabaseName($"{(index.IsUnique ? "ux" : "ix")}_{table}_{columns}");
        }
    }
}

/// <summary>Recovery codes (hashed, single use): the second factor of last resort when the authenticator is lost.</summary>
internal sealed class RecoveryCodeRow
{
    public Guid Id { get; set; }

    public Guid UserId { get; set; }

    /// <summary>SHA-256 of the code: codes carry 80 random bits, so a fast hash suffices (unlike passwords).</summary>
    public required byte[] CodeHash { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? UsedAt { get; set; }
}

/// <summary>A sign-up invitation: a single-use code (stored as its SHA-256) that lets one person sign up with a role.</summary>
internal sealed class InvitationRow
{
    public Guid Id { get; set; }

    public required byte[] CodeHash { get; set; }

    public required string Role { get; set; }

    public Guid CreatedBy { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>Unix milliseconds, so that "not expired" is one comparison in SQL on both providers.</summary>
    public long ExpiresAt { get; set; }

    public DateTimeOffset? UsedAt { get; set; }

    public Guid? UsedBy { get; set; }
}

internal sealed class RecoveryCodeRowConfiguration : IEntityTypeConfiguration<RecoveryCodeRow>
{
    public void Configure(EntityTypeBuilder<RecoveryCodeRow> e)
    {
        e.ToTable("recovery_codes");
        e.HasKey(x => x.Id);
        e.Property(x => x.Id).HasColumnName("id").ValueGeneratedNever();
        e.Property(x => x.UserId).HasColumnName("user_id");
        e.Property(x => x.CodeHash).HasColumnName("code_hash");
        e.Property(x => x.CreatedAt).HasColumnName("created_at");
        e.Property(x => x.UsedAt).HasColumnName("used_at");
        e.HasIndex(x => x.UserId).HasDatabaseName("ix_recovery_codes_user_id");
        e.HasOne<CofferUser>().WithMany().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class InvitationRowConfiguration : IEntityTypeConfiguration<InvitationRow>
{
    public void Configure(EntityTypeBuilder<InvitationRow> e)
    {
        e.ToTable("invitations");
        e.HasKey(x => x.Id);
        e.Property(x => x.Id).HasColumnName("id").ValueGeneratedNever();
        e.Property(x => x.CodeHash).HasColumnName("code_hash");
        e.Property(x => x.Role).HasColumnName("role");
        e.Property(x => x.CreatedBy).HasColumnName("created_by");
        e.Property(x => x.CreatedAt).HasColumnName("created_at");
        e.Property(x => x.ExpiresAt).HasColumnName("expires_at");
        e.Property(x => x.UsedAt).HasColumnName("used_at");
        e.Property(x => x.UsedBy).HasColumnName("used_by");
        e.HasIndex(x => x.CodeHash).IsUnique().HasDatabaseName("ux_invitations_code_hash");
    }
}

/// <summary>Keeps <see cref="CofferDb"/> referenced from this folder's configurations (the model lives there).</summary>
internal static class IdentityTables
{
    public static DbSet<RecoveryCodeRow> RecoveryCodes(this CofferDb db) => db.Table<RecoveryCodeRow>();

    public static DbSet<InvitationRow> Invitations(this CofferDb db) => db.Table<InvitationRow>();
}
