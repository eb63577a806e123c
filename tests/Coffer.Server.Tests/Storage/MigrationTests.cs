using System.Data.Common;
using Coffer.Server.Data;
using Coffer.Server.Hosting;

namespace Coffer.Server.Tests.Storage;

public sealed class MigrationTests
{
    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Migrate_FreshDatabase_AppliesAllOnceThenNothing(string provider)
    {
        await using var storage = await StorageUnderTest.CreateAsync(provider);
        var settings = storage.Settings();

        var first = await Migrator.MigrateAsync(settings, default);
        var second = await Migrator.MigrateAsync(settings, default);

        Assert.Equal(Migrator.Load(settings.Storage).Select(m => m.Name), first);
        Assert.Empty(second);
        Assert.Equal(0, await ScalarAsync(settings, "SELECT COUNT(*) FROM vault_state"));
        Assert.Equal(0, await ScalarAsync(settings, "SELECT COUNT(*) FROM secrets"));
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Migrate_AppliedScriptWasEdited_RefusesAndChangesNothing(string provider)
    {
        await using var storage = await StorageUnderTest.CreateAsync(provider);
        var settings = storage.Settings();
        await Migrator.MigrateAsync(settings, default);
        await ExecuteAsync(settings, "UPDATE coffer_schema_migrations SET sha256 = 'edited' WHERE version = 1");

        var error = await Assert.ThrowsAsync<MigrationException>(() => Migrator.MigrateAsync(settings, default));

        Assert.Contains("changed after it was applied", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Migrate_DatabaseNewerThanBinary_Refuses(string provider)
    {
        await using var storage = await StorageUnderTest.CreateAsync(provider);
        var settings = storage.Settings();
        await Migrator.MigrateAsync(settings, default);
        await ExecuteAsync(settings, "INSERT INTO coffer_schema_migrations (version, name, sha256, applied_at) VALUES (999, '0999_future', 'x', 'now')");

        var error = await Assert.ThrowsAsync<MigrationException>(() => Migrator.MigrateAsync(settings, default));

        Assert.Contains("newer than this binary", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Migrate_Sqlite_UsesWriteAheadLog()
    {
        await using var storage = await StorageUnderTest.CreateAsync("sqlite");
        var settings = storage.Settings();

        await Migrator.MigrateAsync(settings, default);

        await using var connection = Database.CreateConnection(settings);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode;";
        Assert.Equal("wal", (string?)await command.ExecuteScalarAsync());
    }

    [Fact]
    public async Task Migrate_Postgres_ConcurrentNodes_ApplyOnce()
    {
        await using var storage = await StorageUnderTest.CreateAsync("postgres");
        var settings = storage.Settings();

        var runs = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => Migrator.MigrateAsync(settings, default))));

        Assert.Single(runs, r => r.Count > 0);
        Assert.Equal(Migrator.Load(settings.Storage).Count, await ScalarAsync(settings, "SELECT COUNT(*) FROM coffer_schema_migrations"));
    }

    [Fact]
    public void Load_BothProviders_HaveTheSameMigrations()
    {
        var sqlite = Migrator.Load(StorageProvider.Sqlite).Select(m => m.Name);
        var postgres = Migrator.Load(StorageProvider.Postgres).Select(m => m.Name);

        Assert.Equal(sqlite, postgres);
        Assert.NotEmpty(sqlite);
    }

    private static async Task<long> ScalarAsync(ServerSettings settings, string sql)
    {
        await using var connection = Database.CreateConnection(settings);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task ExecuteAsync(ServerSettings settings, string sql)
    {
        await using DbConnection connection = Database.CreateConnection(settings);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }
}
