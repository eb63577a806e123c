using Coffer.Server.Data;
using Coffer.Server.Features.Connections;
using Coffer.Server.Tests.Storage;

namespace Coffer.Server.Tests.Connections;

/// <summary>Kraken's nonces in the database: strictly increasing per key, under concurrency, across store instances (nodes).</summary>
public sealed class NonceStoreTests
{
    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Next_IsStrictlyIncreasing_AtLeastTheFloor_AndPerKey(string provider)
    {
        await using var storage = await StorageUnderTest.CreateAsync(provider);
        var settings = storage.Settings();
        await Migrator.MigrateAsync(settings, default);
        var store = new DbNonceStore(settings);

        Assert.Equal(1000, await store.NextAsync("key-a", 1000, default));
        Assert.Equal(1001, await store.NextAsync("key-a", 1000, default));
        Assert.Equal(5000, await store.NextAsync("key-a", 5000, default));
        Assert.Equal(5001, await store.NextAsync("key-a", 10, default));
        Assert.Equal(10, await store.NextAsync("key-b", 10, default));

        // A second node (another store over the same database) continues the sequence.
        Assert.Equal(5002, await new DbNonceStore(settings).NextAsync("key-a", 0, default));
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Next_Concurrent_NeverHandsOutTheSameNonceTwice(string provider)
    {
        await using var storage = await StorageUnderTest.CreateAsync(provider);
        var settings = storage.Settings();
        await Migrator.MigrateAsync(settings, default);
        var stores = new[] { new DbNonceStore(settings), new DbNonceStore(settings) };

        var nonces = await Task.WhenAll(Enumerable.Range(0, 100).Select(i => stores[i % 2].NextAsync("key", 1, default).AsTask()));

        Assert.Equal(100, nonces.Distinct().Count());
        Assert.Equal(Enumerable.Range(1, 100).Select(i => (long)i), nonces.Order());
    }

    [Fact]
    public async Task TheKeyIsStoredOnlyAsItsHash()
    {
        await using var storage = await StorageUnderTest.CreateAsync("sqlite");
        var settings = storage.Settings();
        await Migrator.MigrateAsync(settings, default);

        await new DbNonceStore(settings).NextAsync("kraken|THE-PUBLIC-KEY", 1, default);

        await using var connection = Database.CreateConnection(settings);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT nonce_key FROM exchange_nonces";
        var stored = (string)(await command.ExecuteScalarAsync())!;
        Assert.DoesNotContain("THE-PUBLIC-KEY", stored, StringComparison.Ordinal);
        Assert.Equal(64, stored.Length);
    }
}
