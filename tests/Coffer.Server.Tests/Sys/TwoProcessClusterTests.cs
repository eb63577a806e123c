using System.Diagnostics;
using System.Net;
using Coffer.Server.Tests.Support;

namespace Coffer.Server.Tests.Sys;

/// <summary>
/// DESIGN §1 promise 4 and §8 with real processes: two <c>coffer server</c> OS processes over one PostgreSQL database,
/// each with its own data directory and port. What one node revokes or seals, the other honours within one second.
/// </summary>
public sealed class TwoProcessClusterTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task Revoke_ThroughOneProcess_OtherProcessRefusesWithinOneSecond()
    {
        await using var cluster = await TwoNodes.StartAsync();
        var (a, b) = (cluster.A, cluster.B);
        var created = await a.SendJsonAsync(HttpMethod.Post, "/api/v1/tokens", new { scopes = new[] { "tokens:read" } }, cluster.AdminToken);
        var token = created.GetProperty("token").GetString()!;

        // Both nodes have authenticated (and cached) the token.
        foreach (var node in new[] { a, b, a, b })
        {
            Assert.Equal(HttpStatusCode.OK, await SelfAsync(node, token));
        }

        using (var revoke = await a.SendAsync(HttpMethod.Post, "/api/v1/tokens/self/revoke", token: token))
        {
            Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        }

        var sinceRevoke = Stopwatch.StartNew();
        HttpStatusCode status;
        TimeSpan answeredAt;
        do
        {
            status = await SelfAsync(b, token);
            answeredAt = sinceRevoke.Elapsed;
        }
        while (status == HttpStatusCode.OK && answeredAt < Bound);

        Assert.True(status == HttpStatusCode.Unauthorized, $"node B still answered {status} {answeredAt.TotalMilliseconds:F0} ms after the revoke.\n{cluster.Consoles}");
        Assert.True(answeredAt < Bound, $"node B refused the token only after {answeredAt.TotalMilliseconds:F0} ms.\n{cluster.Consoles}");
        Assert.Equal(HttpStatusCode.Unauthorized, await SelfAsync(a, token));
    }

    [Fact]
    public async Task Seal_ThroughOneProcess_OtherProcessReportsSealedWithinOneSecond()
    {
        await using var cluster = await TwoNodes.StartAsync();
        var (a, b) = (cluster.A, cluster.B);
        Assert.False((await b.HealthAsync()).GetProperty("sealed").GetBoolean());

        await a.SendJsonAsync(HttpMethod.Post, "/api/v1/sys/seal", token: cluster.AdminToken);

        var sinceSeal = Stopwatch.StartNew();
        bool sealedNow;
        TimeSpan answeredAt;
        do
        {
            sealedNow = (await b.HealthAsync()).GetProperty("sealed").GetBoolean();
            answeredAt = sinceSeal.Elapsed;
        }
        while (!sealedNow && answeredAt < Bound);

        Assert.True(sealedNow, $"node B still reported unsealed {answeredAt.TotalMilliseconds:F0} ms after the seal.\n{cluster.Consoles}");
        Assert.True(answeredAt < Bound, $"node B reported sealed only after {answeredAt.TotalMilliseconds:F0} ms.\n{cluster.Consoles}");
        Assert.True((await a.HealthAsync()).GetProperty("sealed").GetBoolean());
    }

    private static async Task<HttpStatusCode> SelfAsync(ServerProcess node, string token)
    {
        using var response = await node.SendAsync(HttpMethod.Get, "/api/v1/tokens/self", token: token);
        return response.StatusCode;
    }

    /// <summary>Two processes on one fresh database, initialized through A and unsealed on both with the same shares.</summary>
    private sealed class TwoNodes : IAsyncDisposable
    {
        private readonly PostgresDatabase _database;
        private readonly TestData _dataA;
        private readonly TestData _dataB;

        private TwoNodes(PostgresDatabase database, TestData dataA, TestData dataB)
        {
            _database = database;
            _dataA = dataA;
            _dataB = dataB;
        }

        public ServerProcess A { get; private set; } = null!;

        public ServerProcess B { get; private set; } = null!;

        public string AdminToken { get; private set; } = null!;

        public string Consoles => $"node A's console:\n{A?.Output}\nnode B's console:\n{B?.Output}";

        public static async Task<TwoNodes> StartAsync()
        {
            var nodes = new TwoNodes(await PostgresDatabase.CreateAsync(), new TestData(), new TestData());
            try
            {
                var environment = new Dictionary<string, string>
                {
                    ["COFFER_STORAGE"] = "postgres",
                    ["COFFER_POSTGRES"] = nodes._database.ConnectionString,
                    ["COFFER_KEY_PROVIDER"] = "shamir",

                    // The polling below is tight on purpose; the rate limits are tested elsewhere and must not answer for B.
                    ["COFFER_RATE_LIMIT_INTERACTIVE"] = "100000",
                    ["COFFER_RATE_LIMIT_API"] = "100000",
                    ["COFFER_RATE_LIMIT_ANONYMOUS"] = "100000",
                    ["COFFER_RATE_LIMIT_PER_IP"] = "100000",
                };

                // A first: it applies the migrations; B then finds the schema current.
                nodes.A = await ServerProcess.StartAsync("node A", nodes._dataA.Directory, environment);
                nodes.B = await ServerProcess.StartAsync("node B", nodes._dataB.Directory, environment);
                var init = await nodes.A.SendJsonAsync(HttpMethod.Post, "/api/v1/sys/init", new { shares = 3, threshold = 2 });
                nodes.AdminToken = init.GetProperty("admin_token").GetString()!;
                var shares = init.GetProperty("shares").EnumerateArray().Select(s => s.GetString()!).Take(2).ToList();

                // B loaded before the init: it must see it now, and refuse a second init before writing anything.
                Assert.True((await nodes.B.HealthAsync()).GetProperty("initialized").GetBoolean(), $"node B does not see A's init.\n{nodes.B.Output}");
                using (var again = await nodes.B.SendAsync(HttpMethod.Post, "/api/v1/sys/init", new { shares = 3, threshold = 2, admin_username = "intruder" }))
                {
                    Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
                    Assert.Contains("already-initialized", await again.Content.ReadAsStringAsync(), StringComparison.Ordinal);
                }

                await using (var connection = new Npgsql.NpgsqlConnection(nodes._database.ConnectionString))
                {
                    await connection.OpenAsync();
                    await using var count = new Npgsql.NpgsqlCommand("SELECT COUNT(*) FROM users", connection);
                    Assert.Equal(1L, await count.ExecuteScalarAsync());
                }

                // The root material is in the shared database; each node unseals it with the same quorum.
                foreach (var node in new[] { nodes.A, nodes.B })
                {
                    foreach (var share in shares)
                    {
                        await node.SendJsonAsync(HttpMethod.Post, "/api/v1/sys/unseal", new { share });
                    }

                    Assert.False((await node.HealthAsync()).GetProperty("sealed").GetBoolean(), $"{node.Name} did not unseal.\n{node.Output}");
                }

                return nodes;
            }
            catch
            {
                await nodes.DisposeAsync();
                throw;
            }
        }

        public async ValueTask DisposeAsync()
        {
            B?.Dispose();
            A?.Dispose();
            await _database.DisposeAsync();
            _dataB.Dispose();
            _dataA.Dispose();
        }
    }
}
