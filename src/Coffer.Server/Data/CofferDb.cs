using Microsoft.EntityFrameworkCore;

namespace Coffer.Server.Data;

/// <summary>
/// Coffer's database. The schema is created by the hand-written SQL migrations in <c>Data/Migrations</c>, one folder
/// per provider; this model must describe exactly what they create (a test compares them).
/// </summary>
internal sealed class CofferDb(DbContextOptions<CofferDb> options) : DbContext(options)
{
    public DbSet<VaultStateRow> VaultState => Set<VaultStateRow>();

    public DbSet<UserKeyringRow> UserKeyrings => Set<UserKeyringRow>();

    public DbSet<SecretRow> Secrets => Set<SecretRow>();

    public DbSet<TokenRow> Tokens => Set<TokenRow>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<VaultStateRow>(e =>
        {
            e.ToTable("vault_state");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasColumnName("id").ValueGeneratedNever();
            e.Property(x => x.InstallId).HasColumnName("install_id");
            e.Property(x => x.Provider).HasColumnName("provider");
            e.Property(x => x.Shares).HasColumnName("shares");
            e.Property(x => x.Threshold).HasColumnName("threshold");
            e.Property(x => x.RootKeyring).HasColumnName("root_keyring");
            e.Property(x => x.ProviderData).HasColumnName("provider_data");
            e.Property(x => x.InitializedAt).HasColumnName("initialized_at");
        });
        modelBuilder.Entity<UserKeyringRow>(e =>
        {
            e.ToTable("user_keyrings");
            e.HasKey(x => x.UserId);
            e.Property(x => x.UserId).HasColumnName("user_id").ValueGeneratedNever();
            e.Property(x => x.RootKeyVersion).HasColumnName("root_key_version");
            e.Property(x => x.Envelope).HasColumnName("envelope");
            e.Property(x => x.UpdatedAt).HasColumnName("updated_at");
        });
        modelBuilder.Entity<SecretRow>(e =>
        {
            e.ToTable("secrets");
            e.HasKey(x => x.SecretId);
            e.HasIndex(x => x.UserId).HasDatabaseName("ix_secrets_user_id");
            e.Property(x => x.SecretId).HasColumnName("secret_id").ValueGeneratedNever();
            e.Property(x => x.UserId).HasColumnName("user_id");
            e.Property(x => x.Version).HasColumnName("version");
            e.Property(x => x.KeyVersion).HasColumnName("key_version");
            e.Property(x => x.WrappedDataKey).HasColumnName("wrapped_data_key");
            e.Property(x => x.Ciphertext).HasColumnName("ciphertext");
            e.Property(x => x.UpdatedAt).HasColumnName("updated_at");
        });
        modelBuilder.Entity<TokenRow>(e =>
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
        });
    }
}
