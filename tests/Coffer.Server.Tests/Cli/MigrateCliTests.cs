using System.Text.Json;
using Coffer.Cli.Tests.Infrastructure;
using Coffer.Server.Data;
using Coffer.Server.Hosting;
using Coffer.Server.Tests.Storage;

namespace Coffer.Server.Tests.Cli;

/// <summary><c>coffer migrate</c> works offline on the data directory (SQLite) or the configured PostgreSQL.</summary>
public sealed class MigrateCliTests
{
    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Migrate_FreshThenAgain_AppliesOnceThenUpToDate(string provider)
    {
        await using var storage = await StorageUnderTest.CreateAsync(provider);
        var environment = new Dictionary<string, string?>
        {
            ["COFFER_STORAGE"] = provider,
            ["COFFER_POSTGRES"] = storage.Postgres?.ConnectionString,
        };

        var first = await CliRunner.RunAsync(environment, "migrate", "--data", storage.Data.Directory, "--format", "json");
        var second = await CliRunner.RunAsync(environment, "migrate", "--data", storage.Data.Directory);

        Assert.Equal(0, first.ExitCode);
        var shipped = Migrator.Load(provider == "postgres" ? StorageProvider.Postgres : StorageProvider.Sqlite).Select(m => m.Name);
        Assert.Equal(shipped, JsonDocument.Parse(first.Stdout).RootElement.GetProperty("applied").EnumerateArray().Select(a => a.GetString()));
        Assert.Equal(0, second.ExitCode);
        Assert.Contains("up to date", second.Stdout, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(provider == "sqlite", File.Exists(Path.Combine(storage.Data.Directory, "coffer.db")));
    }
}
