using Npgsql;

namespace Coffer.Server.Tests.Support;

/// <summary>
/// A fresh database on the test PostgreSQL server (COFFER_TEST_POSTGRES, set by .ci/run or by sourcing
/// .ci/postgres.sh), dropped afterwards. A missing server fails the test: storage is tested on both providers.
/// </summary>
internal sealed class PostgresDatabase : IAsyncDisposable
{
    private readonly string _admin;

    private PostgresDatabase(string admin, string name, string connectionString)
    {
        _admin = admin;
        Name = name;
        ConnectionString = connectionString;
    }

    public string Name { get; }

    public string ConnectionString { get; }

    public static string AdminConnectionString => Environment.GetEnvironmentVariable("COFFER_TEST_POSTGRES") is { Length: > 0 } value
        ? value
        : throw new InvalidOperationException("COFFER_TEST_POSTGRES is not set. Run the tests with `bash .ci/run`, or `source .ci/postgres.sh` first to start a throwaway PostgreSQL.");

    public static async Task<PostgresDatabase> CreateAsync()
    {
        var admin = AdminConnectionString;
        var name = "coffer_test_" + Guid.NewGuid().ToString("N")[..16];
        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await command.ExecuteNonQueryAsync();
        }

        var builder = new NpgsqlConnectionStringBuilder(admin) { Database = name };
        return new PostgresDatabase(admin, name, builder.ConnectionString);
    }

    /// <summary>Runs pg_dump of this database and returns the dump's bytes.</summary>
    public async Task<byte[]> DumpAsync()
    {
        var builder = new NpgsqlConnectionStringBuilder(ConnectionString);
        var bin = Environment.GetEnvironmentVariable("COFFER_TEST_PG_BIN") ?? throw new InvalidOperationException("COFFER_TEST_PG_BIN is not set (see .ci/postgres.sh).");
        var start = new System.Diagnostics.ProcessStartInfo(Path.Combine(bin, "pg_dump"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in new[] { "-h", builder.Host!, "-p", builder.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-U", builder.Username!, "-d", Name, "--no-owner" })
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["PGPASSWORD"] = builder.Password;
        using var process = System.Diagnostics.Process.Start(start)!;
        using var output = new MemoryStream();
        var copy = process.StandardOutput.BaseStream.CopyToAsync(output);
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        await copy;
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException("pg_dump failed: " + await errors);
        }

        return output.ToArray();
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(_admin);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS {Name} WITH (FORCE)", connection);
        await command.ExecuteNonQueryAsync();
    }
}
