using System.Security.Cryptography;
using System.Text;
using Coffer.Exchanges;
using Coffer.Server.Data;
using Coffer.Server.Hosting;
using Microsoft.EntityFrameworkCore;

namespace Coffer.Server.Features.Connections;

/// <summary>
/// Nonces kept in the database (DESIGN §5): strictly increasing per API key across restarts and across every node, in
/// one atomic upsert. The key is stored as its SHA-256, not in the clear.
/// </summary>
internal sealed class DbNonceStore(ServerSettings settings) : INonceStore
{
    private const string Upsert =
        "INSERT INTO exchange_nonces (nonce_key, last_nonce) VALUES (@key, @least) "
        + "ON CONFLICT (nonce_key) DO UPDATE SET last_nonce = CASE WHEN exchange_nonces.last_nonce + 1 > @least THEN exchange_nonces.last_nonce + 1 ELSE @least END "
        + "RETURNING last_nonce";

    public async ValueTask<long> NextAsync(string key, long atLeast, CancellationToken cancellationToken)
    {
        await using var connection = Database.CreateConnection(settings);
        await connection.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = Upsert;
        var name = command.CreateParameter();
        name.ParameterName = "@key";
        name.Value = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
        command.Parameters.Add(name);
        var least = command.CreateParameter();
        least.ParameterName = "@least";
        least.Value = atLeast;
        command.Parameters.Add(least);
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
    }
}

/// <summary>The last nonce handed out for one key (by <see cref="DbNonceStore"/>'s upsert; mapped so the model describes every table).</summary>
internal sealed class NonceRow
{
    public required string Key { get; set; }

    public long Last { get; set; }
}

internal sealed class NonceRowConfiguration : Microsoft.EntityFrameworkCore.IEntityTypeConfiguration<NonceRow>
{
    public void Configure(Microsoft.EntityFrameworkCore.Metadata.Builders.EntityTypeBuilder<NonceRow> e)
    {
        e.ToTable("exchange_nonces");
        e.HasKey(x => x.Key);
        e.Property(x => x.Key).HasColumnName("nonce_key");
        e.Property(x => x.Last).HasColumnName("last_nonce");
    }
}
