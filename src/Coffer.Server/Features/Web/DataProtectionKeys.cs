using System.Xml.Linq;
using Coffer.Server.Data;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.Extensions.Options;

namespace Coffer.Server.Features.Web;

/// <summary>One key of the Data Protection key ring, as the key manager wrote it.</summary>
internal sealed class DataProtectionKeyRow
{
    public long Id { get; set; }

    public string? FriendlyName { get; set; }

    public required string Xml { get; set; }
}

internal sealed class DataProtectionKeyRowConfiguration : IEntityTypeConfiguration<DataProtectionKeyRow>
{
    public void Configure(EntityTypeBuilder<DataProtectionKeyRow> e)
    {
        e.ToTable("data_protection_keys");
        e.HasKey(x => x.Id);
        e.Property(x => x.Id).HasColumnName("id").ValueGeneratedOnAdd();
        e.Property(x => x.FriendlyName).HasColumnName("friendly_name");
        e.Property(x => x.Xml).HasColumnName("xml");
    }
}

/// <summary>
/// The Data Protection key ring in Coffer's database, so every node over one PostgreSQL (and every restart) reads the
/// same keys: an antiforgery token fetched from one node validates on the next. The keys protect only antiforgery
/// tokens (nothing else in Coffer uses Data Protection), which are a second line behind SameSite=Strict; they are kept
/// unencrypted so that they work while the vault is sealed too (a signed-in admin's browser can still post an unseal).
/// </summary>
internal sealed class DbXmlRepository(IDbContextFactory<CofferDb> factory) : IXmlRepository
{
    public IReadOnlyCollection<XElement> GetAllElements()
    {
        using var db = factory.CreateDbContext();
        return [.. db.Table<DataProtectionKeyRow>().AsNoTracking().OrderBy(k => k.Id).Select(k => k.Xml).AsEnumerable().Select(x => XElement.Parse(x))];
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        ArgumentNullException.ThrowIfNull(element);
        using var db = factory.CreateDbContext();
        db.Table<DataProtectionKeyRow>().Add(new DataProtectionKeyRow { FriendlyName = friendlyName, Xml = element.ToString(SaveOptions.DisableFormatting) });
        db.SaveChanges();
    }
}

/// <summary>Points the key manager at <see cref="DbXmlRepository"/>.</summary>
internal sealed class DataProtectionKeyStore(IDbContextFactory<CofferDb> factory) : IConfigureOptions<KeyManagementOptions>
{
    public void Configure(KeyManagementOptions options) => options.XmlRepository = new DbXmlRepository(factory);
}
