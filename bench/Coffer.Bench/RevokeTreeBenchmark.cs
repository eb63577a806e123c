using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using Coffer.Server.Data;
using Coffer.Server.Features.Tokens;
using Coffer.Server.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Coffer.Bench;

/// <summary>
/// Revoking a 100,000-token tree (issue #3): TokenTree.RevokeAsync walks the tree with one recursive statement. The
/// baseline revokes the same 100,000 rows with a flat UPDATE by user id (no tree walk), in the same run, so the ratio is
/// the price of the walk. Each iteration inserts a fresh tree (a 1,000-deep chain with 99,000 tokens hung off it at
/// random) before it is measured. PostgreSQL needs COFFER_TEST_POSTGRES (source .ci/postgres.sh).
/// </summary>
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 5)]
public class RevokeTreeBenchmark
{
    private const int Size = 100_000;
    private ServiceProvider _services = null!;
    private DirectoryInfo? _data;
    private string _rootAccessor = string.Empty;
    private Guid _user;

    [Params("sqlite", "postgres")]
    public string Provider { get; set; } = "sqlite";

    [GlobalSetup]
    public void Setup()
    {
        _data = Directory.CreateTempSubdirectory("coffer-bench-revoke-");
        var settings = new ServerSettings
        {
            DataDirectory = _data.FullName,
            Storage = Provider == "postgres" ? StorageProvider.Postgres : StorageProvider.Sqlite,
            PostgresConnectionString = Provider == "postgres" ? FreshPostgresDatabase() : null,
        };
        Migrator.MigrateAsync(settings, default).GetAwaiter().GetResult();
        var services = new ServiceCollection();
        services.AddLogging(l => l.SetMinimumLevel(LogLevel.Warning));
        services.AddSingleton(settings);
        services.AddSingleton(TimeProvider.System);
        services.AddDbContextFactory<CofferDb>(o => Database.Configure(o, settings));
        services.AddTokens();
        _services = services.BuildServiceProvider();
    }

    [IterationSetup]
    public void InsertTree()
    {
        var factory = _services.GetRequiredService<IDbContextFactory<CofferDb>>();
        using (var db = factory.CreateDbContext())
        {
            db.Tokens.ExecuteDelete();
        }

        _user = Guid.NewGuid();
        var random = new Random(7);
        var accessors = new string[Size];
        var rows = new List<TokenRow>(Size);
        for (var i = 0; i < Size; i++)
        {
            accessors[i] = TokenFormat.CreateAccessor();
            var parent = i == 0 ? (int?)null : i < 1000 ? i - 1 : random.Next(0, i);
            rows.Add(new TokenRow
            {
                Accessor = accessors[i],
                TokenHash = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32),
                Kind = i == 0 ? "trader" : "api",
                UserId = _user,
                ParentAccessor = parent is { } p ? accessors[p] : null,
                Scopes = "tokens:read",
                CreatedAt = DateTimeOffset.UtcNow,
            });
        }

        foreach (var chunk in rows.Chunk(5000))
        {
            using var db = factory.CreateDbContext();
            db.ChangeTracker.AutoDetectChangesEnabled = false;
            db.Tokens.AddRange(chunk);
            db.SaveChanges();
        }

        _rootAccessor = accessors[0];
    }

    [Benchmark(Baseline = true, Description = "flat UPDATE of the same 100,000 rows by user id")]
    public int FlatUpdate()
    {
        using var db = _services.GetRequiredService<IDbContextFactory<CofferDb>>().CreateDbContext();
        var now = DateTimeOffset.UtcNow;
        return db.Tokens.Where(x => x.UserId == _user && x.RevokedAt == null).ExecuteUpdate(s => s.SetProperty(x => x.RevokedAt, now));
    }

    [Benchmark(Description = "TokenTree.RevokeAsync of the 100,000-token tree's root")]
    public int RevokeTree()
    {
        var revoked = _services.GetRequiredService<TokenTree>().RevokeAsync(_rootAccessor, default).GetAwaiter().GetResult();
        return revoked == Size ? revoked : throw new InvalidOperationException($"Revoked {revoked}, expected {Size}.");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _services.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _data?.Delete(recursive: true);
    }

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
