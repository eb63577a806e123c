using System.Net;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using Coffer.Server.Features.Perimeter;
using Coffer.Server.Hosting;

namespace Coffer.Bench;

/// <summary>
/// What the daily quotas cost a request: <c>GET /api/v1/tokens/self</c> with an API token, over HTTPS to a real server,
/// with quotas off (the baseline), exact (a lease of 1: one counter write per request) and leased (the default lease,
/// one write per that many requests), so the Ratio column is the price of each. The quotas are set out of reach, so
/// every request is counted and none refused. PostgreSQL needs COFFER_TEST_POSTGRES (source .ci/postgres.sh).
/// Measured on a shared 2-core machine (in process, lease 16): PostgreSQL off 1.23 ms, exact 1.87 ms (1.6×), leased
/// 1.16 ms (1.0×); SQLite off 0.45 ms, exact 2.57 ms (5.9×: a synced write per request), leased 0.85 ms (2.0×). A write
/// costs about 2 ms on SQLite, so the default lease is 64, which spreads it to about 0.03 ms a request.
/// </summary>
[SimpleJob(RunStrategy.Throughput, launchCount: 1, warmupCount: 3, iterationCount: 10)]
public class QuotaOverheadBenchmark
{
    private static readonly string[] ReadTokens = ["tokens:read"];
    private BenchServer _off = null!;
    private BenchServer _exact = null!;
    private BenchServer _leased = null!;
    private string _offToken = string.Empty;
    private string _exactToken = string.Empty;
    private string _leasedToken = string.Empty;

    [Params("sqlite", "postgres")]
    public string Provider { get; set; } = "sqlite";

    [GlobalSetup]
    public void Setup()
    {
        (_off, _offToken) = Start(q => q with { Enabled = false });
        (_exact, _exactToken) = Start(q => q with { LeaseSize = 1 });
        (_leased, _leasedToken) = Start(q => q with { LeaseSize = new DailyQuotaSettings().LeaseSize });
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (var server in new[] { _off, _exact, _leased })
        {
            server.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    [Benchmark(Baseline = true)]
    public Task QuotasOff() => SelfAsync(_off, _offToken);

    [Benchmark]
    public Task QuotasExact() => SelfAsync(_exact, _exactToken);

    [Benchmark]
    public Task QuotasLeased() => SelfAsync(_leased, _leasedToken);

    private static async Task SelfAsync(BenchServer server, string token)
    {
        using var response = await server.SendAsync(HttpMethod.Get, "/api/v1/tokens/self", token: token);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"GET /api/v1/tokens/self: {(int)response.StatusCode}");
        }
    }

    private (BenchServer Server, string Token) Start(Func<DailyQuotaSettings, DailyQuotaSettings> quotas)
    {
        var server = BenchServer.StartAsync(settings => Storage(settings) with { DailyQuotas = quotas(settings.DailyQuotas) }).GetAwaiter().GetResult();
        using var created = server.SendAsync(HttpMethod.Post, "/api/v1/tokens", new { scopes = ReadTokens }, server.AdminToken).GetAwaiter().GetResult();
        var token = BenchServer.JsonAsync(created, HttpStatusCode.Created).GetAwaiter().GetResult().GetProperty("token").GetString()!;
        return (server, token);
    }

    private ServerSettings Storage(ServerSettings settings) => Provider != "postgres" ? settings : settings with
    {
        Storage = StorageProvider.Postgres,
        PostgresConnectionString = FreshPostgresDatabase(),
    };

    private static string FreshPostgresDatabase()
    {
        var admin = Environment.GetEnvironmentVariable("COFFER_TEST_POSTGRES")
            ?? throw new InvalidOperationException("COFFER_TEST_POSTGRES is not set: source .ci/postgres.sh first.");
        var name = "coffer_bench_" + Guid.NewGuid().ToString("N")[..12];
        using (var connection = new Npgsql.NpgsqlConnection(admin))
        {
            connection.Open();
            using var command = new Npgsql.NpgsqlCommand($"CREATE DATABASE {name}", connection);
            command.ExecuteNonQuery();
        }

        return new Npgsql.NpgsqlConnectionStringBuilder(admin) { Database = name }.ConnectionString;
    }
}
