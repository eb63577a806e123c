using Coffer.Server.Features.Tokens;
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

    /// <summary>The table of any feature's entity, for features that do not warrant a property here.</summary>
    public DbSet<T> Table<T>()
        where T : class => Set<T>();

    /// <summary>Each feature describes its own tables in an <see cref="IEntityTypeConfiguration{TEntity}"/> beside it.</summary>
    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(CofferDb).Assembly);
}
