using System.Data.Common;
using Coffer.Server.Data;
using Coffer.Server.Features.Identity;
using Coffer.Server.Hosting;
using Coffer.Server.Tests.Storage;
using Coffer.Server.Tests.Support;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.Extensions.DependencyInjection;

namespace Coffer.Server.Tests.Identity;

/// <summary>
/// The hand-written migrations create exactly what EF Core's model (Identity's entities included) expects: every
/// table, every mapped column with its store type and nullability, every index with its columns and uniqueness — on
/// both providers. A column EF reads but no migration creates fails here, not in production.
/// </summary>
public sealed class SchemaTests
{
    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Migrations_EveryEntityOfTheModel_MatchesTablesColumnsAndIndexes(string provider)
    {
        await using var storage = await StorageUnderTest.CreateAsync(provider);
        var settings = storage.Settings();
        await Migrator.MigrateAsync(settings, default);
        await using var db = Open(settings);
        await using var connection = Database.CreateConnection(settings);
        await connection.OpenAsync();
        var problems = new List<string>();
        var tables = new HashSet<string>(StringComparer.Ordinal);

        foreach (var entity in db.Model.GetEntityTypes().Where(e => e.GetTableName() is not null && !e.IsOwned()))
        {
            var table = entity.GetTableName()!;
            tables.Add(table);
            var store = StoreObjectIdentifier.Table(table, entity.GetSchema());
            var actual = await ColumnsAsync(connection, settings.Storage, table);
            var mapped = entity.GetProperties().Select(p => (Property: p, Column: p.GetColumnName(store)!)).ToList();

            // Owned types mapped to JSON (Identity's passkey data) live in one container column of the owner's table.
            var json = entity.GetNavigations().Select(n => n.TargetEntityType).Where(t => t.IsOwned() && t.IsMappedToJson())
                .Select(t => (Column: t.GetContainerColumnName()!, Type: t.GetContainerColumnType() ?? JsonColumnType(settings.Storage), Nullable: !t.FindOwnership()!.IsRequiredDependent))
                .ToList();

            // Every mapped column can be selected (LIMIT 0 reads no rows, but the database resolves every name).
            await ExecuteAsync(connection, $"SELECT {string.Join(", ", mapped.Select(m => Quote(m.Column)))} FROM {Quote(table)} LIMIT 0");
            foreach (var (property, column) in mapped)
            {
                if (!actual.TryGetValue(column, out var found))
                {
                    problems.Add($"{table}.{column}: in the model, not in the database");
                    continue;
                }

                var expectedType = property.GetColumnType(store);
                if (!string.Equals(expectedType, found.Type, StringComparison.OrdinalIgnoreCase))
                {
                    problems.Add($"{table}.{column}: model type {expectedType}, database type {found.Type}");
                }

                if (property.IsColumnNullable(store) != found.Nullable)
                {
                    problems.Add($"{table}.{column}: model nullable={property.IsColumnNullable(store)}, database nullable={found.Nullable}");
                }
            }

            foreach (var (column, type, nullable) in json)
            {
                if (!actual.TryGetValue(column, out var found))
                {
                    problems.Add($"{table}.{column}: JSON column in the model, not in the database");
                }
                else if (!string.Equals(type, found.Type, StringComparison.OrdinalIgnoreCase) || nullable != found.Nullable)
                {
                    problems.Add($"{table}.{column}: model JSON {type} nullable={nullable}, database {found.Type} nullable={found.Nullable}");
                }
            }

            foreach (var extra in actual.Keys.Except(mapped.Select(m => m.Column).Concat(json.Select(j => j.Column)), StringComparer.Ordinal))
            {
                problems.Add($"{table}.{extra}: in the database, not in the model");
            }

            var indexes = await IndexesAsync(connection, settings.Storage, table);
            foreach (var index in entity.GetIndexes())
            {
                var name = index.GetDatabaseName(store)!;
                var columns = index.Properties.Select(p => p.GetColumnName(store)!).ToList();
                if (!indexes.TryGetValue(name, out var found))
                {
                    problems.Add($"index {name} on {table}: in the model, not in the database");
                }
                else if (found.Unique != index.IsUnique || !found.Columns.SequenceEqual(columns))
                {
                    problems.Add($"index {name}: model unique={index.IsUnique} ({string.Join(", ", columns)}), database unique={found.Unique} ({string.Join(", ", found.Columns)})");
                }
            }
        }

        foreach (var table in await TablesAsync(connection, settings.Storage))
        {
            if (!tables.Contains(table) && table != "coffer_schema_migrations")
            {
                problems.Add($"table {table}: in the database, not in the model");
            }
        }

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
        Assert.Contains("users", tables);
        Assert.Contains("user_roles", tables);
        Assert.Contains("user_passkeys", tables);
        Assert.Contains("passkey_ceremonies", tables);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task UserManager_RoundTrip_StoresAndReadsUsersRolesAndPasswords(string provider)
    {
        await using var storage = await StorageUnderTest.CreateAsync(provider);
        await using var server = await ServerInstance.StartAsync(storage.Settings());
        using var scope = server.Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<CofferUser>>();
        var created = DateTimeOffset.UtcNow;
        var user = new CofferUser { UserName = "Round.Trip", CreatedAt = created, TotpLastStep = 42, LockoutCount = 2 };

        var result = await users.CreateAsync(user, "plaid kettle orbit meadow");
        Assert.True(result.Succeeded, string.Join("; ", result.Errors.Select(e => e.Description)));
        Assert.True((await users.AddToRoleAsync(user, Roles.Viewer)).Succeeded);

        using var other = server.Services.CreateScope();
        var again = other.ServiceProvider.GetRequiredService<UserManager<CofferUser>>();
        var found = await again.FindByNameAsync("round.trip");
        Assert.NotNull(found);
        Assert.Equal(user.Id, found.Id);
        Assert.Equal(42, found.TotpLastStep);
        Assert.Equal(2, found.LockoutCount);
        Assert.Equal(created.ToUnixTimeMilliseconds(), found.CreatedAt.ToUnixTimeMilliseconds());
        Assert.True(await again.CheckPasswordAsync(found, "plaid kettle orbit meadow"));
        Assert.False(await again.CheckPasswordAsync(found, "plaid kettle orbit meadows"));
        Assert.Equal([Roles.Viewer], await again.GetRolesAsync(found));
        Assert.Equal([user.Id], (await again.GetUsersInRoleAsync(Roles.Viewer)).Select(u => u.Id));
        var roles = other.ServiceProvider.GetRequiredService<RoleManager<CofferRole>>();
        Assert.Equal([Roles.Admin, Roles.Auditor, Roles.Trader, Roles.Viewer], roles.Roles.Select(r => r.Name!).AsEnumerable().Order(StringComparer.Ordinal));
    }

    private static CofferDb Open(ServerSettings settings)
    {
        var options = new DbContextOptionsBuilder<CofferDb>();
        Database.Configure(options, settings);
        return new CofferDb(options.Options);
    }

    /// <summary>What EF Core's providers store JSON in when the model does not say: SQLite TEXT, Npgsql jsonb.</summary>
    private static string JsonColumnType(StorageProvider provider) => provider == StorageProvider.Sqlite ? "TEXT" : "jsonb";

    private static string Quote(string name) => "\"" + name + "\"";

    private static async Task<Dictionary<string, (string Type, bool Nullable)>> ColumnsAsync(DbConnection connection, StorageProvider provider, string table)
    {
        var sql = provider == StorageProvider.Sqlite
            ? $"SELECT name, type, \"notnull\" = 0 FROM pragma_table_info('{table}')"
            : $"""
              SELECT a.attname, format_type(a.atttypid, a.atttypmod), NOT a.attnotnull FROM pg_attribute a
              JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
              WHERE c.relname = '{table}' AND n.nspname = current_schema() AND a.attnum > 0 AND NOT a.attisdropped
              """;
        var columns = new Dictionary<string, (string, bool)>(StringComparer.Ordinal);
        foreach (var row in await QueryAsync(connection, sql))
        {
            columns[(string)row[0]] = ((string)row[1], Convert.ToBoolean(row[2], System.Globalization.CultureInfo.InvariantCulture));
        }

        return columns;
    }

    private static async Task<Dictionary<string, (bool Unique, List<string> Columns)>> IndexesAsync(DbConnection connection, StorageProvider provider, string table)
    {
        var indexes = new Dictionary<string, (bool, List<string>)>(StringComparer.Ordinal);
        if (provider == StorageProvider.Sqlite)
        {
            foreach (var row in await QueryAsync(connection, $"SELECT name, \"unique\" FROM pragma_index_list('{table}') WHERE origin = 'c'"))
            {
                var name = (string)row[0];
                var columns = (await QueryAsync(connection, $"SELECT name FROM pragma_index_info('{name}') ORDER BY seqno")).Select(r => (string)r[0]).ToList();
                indexes[name] = (Convert.ToInt64(row[1], System.Globalization.CultureInfo.InvariantCulture) == 1, columns);
            }

            return indexes;
        }

        var sql = $"""
            SELECT i.relname, ix.indisunique, a.attname FROM pg_index ix
            JOIN pg_class t ON t.oid = ix.indrelid JOIN pg_class i ON i.oid = ix.indexrelid
            JOIN LATERAL unnest(ix.indkey) WITH ORDINALITY AS k(attnum, ord) ON TRUE
            JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
            WHERE t.relname = '{table}' AND NOT ix.indisprimary ORDER BY i.relname, k.ord
            """;
        foreach (var row in await QueryAsync(connection, sql))
        {
            var name = (string)row[0];
            if (!indexes.TryGetValue(name, out var entry))
            {
                entry = ((bool)row[1], []);
                indexes[name] = entry;
            }

            entry.Item2.Add((string)row[2]);
        }

        return indexes;
    }

    private static async Task<List<string>> TablesAsync(DbConnection connection, StorageProvider provider)
    {
        var sql = provider == StorageProvider.Sqlite
            ? "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            : "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()";
        return [.. (await QueryAsync(connection, sql)).Select(r => (string)r[0])];
    }

    private static async Task<List<object[]>> QueryAsync(DbConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<object[]>();
        while (await reader.ReadAsync())
        {
            var values = new object[reader.FieldCount];
            reader.GetValues(values);
            rows.Add(values);
        }

        return rows;
    }

    private static async Task ExecuteAsync(DbConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync();
    }
}
