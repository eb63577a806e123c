using Coffer.Server.Features.Identity;
using Coffer.Server.Features.Tokens;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace Coffer.Server.Data;

/// <summary>
/// Coffer's database. The schema is created by the hand-written SQL migrations in <c>Data/Migrations</c>, one folder
/// per provider; this model must describe exactly what they create (a test compares them, column by column).
/// </summary>
/// <remarks>
/// It is also ASP.NET Core Identity's store: users, roles and their claims live in the same database, on the same
/// connection and in the same transactions as the token tree, so that signing up (claiming an invitation, creating the
/// user) is one transaction and one set of migrations covers everything. A second context on the same connection would
/// have meant two models to keep in step with one schema and no shared transaction.
/// </remarks>
internal sealed class CofferDb(DbContextOptions<CofferDb> options)
    : IdentityDbContext<CofferUser, CofferRole, Guid>(options)
{
    public DbSet<VaultStateRow> VaultState => Set<VaultStateRow>();

    public DbSet<UserKeyringRow> UserKeyrings => Set<UserKeyringRow>();

    public DbSet<SecretRow> Secrets => Set<SecretRow>();

    public DbSet<TokenRow> Tokens => Set<TokenRow>();

    /// <summary>The table of any feature's entity, for features that do not warrant a property here.</summary>
    public DbSet<T> Table<T>()
        where T : class => Set<T>();

    /// <summary>
    /// Identity's model first (its entities, keys and relationships), then each feature's configuration beside it —
    /// including <see cref="IdentitySchema"/>, which pins Identity's schema to one version and names it Coffer's way.
    /// </summary>
    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.ApplyConfigurationsFromAssembly(typeof(CofferDb).Assembly);
    }
}

/// <summary>A Coffer role; the four are seeded by migration 0004 (see <see cref="Roles"/>).</summary>
internal sealed class CofferRole : IdentityRole<Guid>;
