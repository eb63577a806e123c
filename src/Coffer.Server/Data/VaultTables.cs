using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Coffer.Server.Data;

internal sealed class VaultStateRowConfiguration : IEntityTypeConfiguration<VaultStateRow>
{
    public void Configure(EntityTypeBuilder<VaultStateRow> e)
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
    }
}

internal sealed class UserKeyringRowConfiguration : IEntityTypeConfiguration<UserKeyringRow>
{
    public void Configure(EntityTypeBuilder<UserKeyringRow> e)
    {
        e.ToTable("user_keyrings");
        e.HasKey(x => x.UserId);
        e.Property(x => x.UserId).HasColumnName("user_id").ValueGeneratedNever();
        e.Property(x => x.RootKeyVersion).HasColumnName("root_key_version");
        e.Property(x => x.Envelope).HasColumnName("envelope");
        e.Property(x => x.UpdatedAt).HasColumnName("updated_at");
    }
}

internal sealed class SecretRowConfiguration : IEntityTypeConfiguration<SecretRow>
{
    public void Configure(EntityTypeBuilder<SecretRow> e)
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
    }
}
