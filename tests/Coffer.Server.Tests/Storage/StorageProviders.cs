using Coffer.Server.Tests.Support;

namespace Coffer.Server.Tests.Storage;

/// <summary>Runs a storage test once per provider: the embedded SQLite and the real PostgreSQL.</summary>
internal sealed class StorageUnderTest : IAsyncDisposable
{
    private StorageUnderTest(TestData data, PostgresDatabase? postgres)
    {
        Data = data;
        Postgres = postgres;
    }

    public TestData Data { get; }

    public PostgresDatabase? Postgres { get; }

    public Coffer.Server.Hosting.ServerSettings Settings(Coffer.Vault.KeyProviderKind provider = Coffer.Vault.KeyProviderKind.Shamir) => Data.Settings(provider, Postgres);

    public static async Task<StorageUnderTest> CreateAsync(string provider) =>
        new(new TestData(), provider == "postgres" ? await PostgresDatabase.CreateAsync() : null);

    public async ValueTask DisposeAsync()
    {
        if (Postgres is not null)
        {
            await Postgres.DisposeAsync();
        }

        Data.Dispose();
    }
}
