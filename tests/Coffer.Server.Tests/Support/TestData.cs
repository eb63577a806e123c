using Coffer.Server.Hosting;
using Coffer.Vault;

namespace Coffer.Server.Tests.Support;

/// <summary>A throwaway data directory and the settings of a server over it.</summary>
internal sealed class TestData : IDisposable
{
    public TestData() => Directory = System.IO.Directory.CreateTempSubdirectory("coffer-test-").FullName;

    public string Directory { get; }

    public ServerSettings Settings(KeyProviderKind provider = KeyProviderKind.Shamir, PostgresDatabase? postgres = null) => new()
    {
        DataDirectory = Directory,
        Listen = "127.0.0.1:0",
        KeyProvider = provider,
        Storage = postgres is null ? StorageProvider.Sqlite : StorageProvider.Postgres,
        PostgresConnectionString = postgres?.ConnectionString,
        Dev = provider == KeyProviderKind.File,
    };

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        System.IO.Directory.Delete(Directory, recursive: true);
    }
}
