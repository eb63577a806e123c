using Coffer.Exchanges.Kraken;
using Coffer.Exchanges.Model;

namespace Coffer.Exchanges.Tests.Sandbox;

/// <summary>
/// A Kraken nonce regression over the wire (DESIGN §5): something else signs with the same key and pushes its nonce past
/// Coffer's — another app using microsecond nonces, or a second Coffer whose persisted nonces are ahead. Coffer's next
/// call fails with the dedicated-key message as a Nonce error, after one retry and no more, and Kraken is not hammered
/// into locking the key out.
/// </summary>
public sealed class KrakenSandboxNonceTests
{
    public static TheoryData<string> OtherUsers => ["app with microsecond nonces", "second Coffer with nonces ahead"];

    [Theory]
    [MemberData(nameof(OtherUsers))]
    public async Task KeyUsedElsewhere_NextCallFailsWithTheDedicatedKeyMessage_AfterOneRetryOnly(string otherUser)
    {
        await using var sandbox = await KrakenSandbox.StartAsync();
        var key = await sandbox.IssueKeyAsync("read", "trade");
        await sandbox.DepositAsync(key.Account, "USD", 1_000m);
        var coffer = await sandbox.ClientAsync(key);
        await coffer.FetchMarketsAsync(default);
        await coffer.FetchBalanceAsync(default);
        var other = sandbox.Client(await sandbox.CredentialsAsync(key), sandbox.OtherServices(await NoncesOfAsync(otherUser, key.ApiKey)));
        await other.FetchBalanceAsync(default);

        var reading = await Assert.ThrowsAsync<ExchangeException>(() => coffer.FetchBalanceAsync(default));
        var trading = await Assert.ThrowsAsync<ExchangeException>(() => coffer.CreateOrderAsync(
            new OrderRequest { Symbol = "BTC/USD", Side = OrderSide.Buy, Type = OrderType.Limit, Amount = 0.001m, Price = 50_000m }, default));

        foreach (var refused in new[] { reading, trading })
        {
            Assert.Equal(ExchangeErrorKind.Nonce, refused.Kind);
            Assert.Equal(KrakenClient.NonceRegressionMessage, refused.Message);
            Assert.Equal("EAPI:Invalid nonce", refused.ExchangeCode);
            Assert.False(refused.IsTransient);
        }

        Assert.Empty(sandbox.Host.State.Engine.GetOrders(key.Account));

        // Each refused call was sent twice (the one retry for Coffer's own out-of-order requests), never more; the other
        // user's key is still served, not locked out by Coffer's refusals.
        Assert.Equal(1_000m, (await other.FetchBalanceAsync(default)).ByCurrency["USD"].Free);
        var signed = (await sandbox.RequestsAsync()).Where(r => r.Path.StartsWith("/0/private/", StringComparison.Ordinal)).ToList();
        Assert.Equal(
            [
                ("/0/private/BalanceEx", "ok"),
                ("/0/private/BalanceEx", "ok"),
                ("/0/private/BalanceEx", "EAPI:Invalid nonce"),
                ("/0/private/BalanceEx", "EAPI:Invalid nonce"),
                ("/0/private/AddOrder", "EAPI:Invalid nonce"),
                ("/0/private/AddOrder", "EAPI:Invalid nonce"),
                ("/0/private/BalanceEx", "ok"),
            ],
            signed.Select(r => (r.Path, r.Outcome)));
        Assert.All(signed, r => Assert.Equal(key.ApiKey, r.ApiKey));
    }

    private static async Task<INonceStore> NoncesOfAsync(string otherUser, string apiKey)
    {
        if (otherUser == "app with microsecond nonces")
        {
            return new MicrosecondNonces();
        }

        // A Coffer restored from another database (or on a node whose clock ran ahead) has persisted nonces an hour on.
        var store = new InMemoryNonceStore();
        await store.NextAsync(apiKey, DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeMilliseconds(), default);
        return store;
    }

    /// <summary>What many Kraken libraries send: the unix time in microseconds, a thousand times Coffer's milliseconds.</summary>
    private sealed class MicrosecondNonces : INonceStore
    {
        private readonly InMemoryNonceStore _inner = new();

        public ValueTask<long> NextAsync(string key, long atLeast, CancellationToken cancellationToken) =>
            _inner.NextAsync(key, atLeast * 1000, cancellationToken);
    }
}
