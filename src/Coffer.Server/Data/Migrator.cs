using System.Data;
using System.Data.Common;
using System.Globalization;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using Coffer.Server.Hosting;

namespace Coffer.Server.Data;

/// <summary>
/// Applies the hand-written schema migrations of the configured provider (<c>Data/Migrations/&lt;provider&gt;/NNNN_name.sql</c>,
/// embedded in the assembly). All pending scripts run in one transaction, so a failure leaves the schema as it was.
/// Each applied script's SHA-256 is recorded; a script edited after it was applied stops the run.
/// PostgreSQL takes an advisory lock so that nodes starting together migrate one at a time.
/// </summary>
internal static class Migrator
{
    private const string HistoryTable = "coffer_schema_migrations";

    // Any fixed 64-bit value; shared by every node that migrates the same database.
    private const long AdvisoryLockKey = 0x436f_6666_6572_4d31;

    /// <summary>Applies pending migrations; returns the names of those applied now (empty if up to date).</summary>
    public static async Task<IReadOnlyList<string>> MigrateAsync(ServerSettings settings, CancellationToken cancellationToken)
    {
        if (settings.Storage == StorageProvider.Sqlite)
        {
            Directory.CreateDirectory(settings.DataDirectory);
        }

        var migrations = Load(settings.Storage);
        await using var connection = Database.CreateConnection(settings);
        await connection.OpenAsync(cancellationToken);
        if (settings.Storage == StorageProvider.Sqlite)
        {
            // WAL is a property of the database file: set once, it stays (https://sqlite.org/wal.html#persistence).
            await ExecuteAsync(connection, null, "PRAGMA journal_mode=WAL;", cancellationToken);
        }

        // PostgreSQL: read committed, so that once the advisory lock is ours the history read sees what the previous
        // holder committed (a serializable snapshot would date from before the wait). SQLite: a write transaction
        // taken at once (BEGIN IMMEDIATE), which already excludes every other writer.
        await using var transaction = await connection.BeginTransactionAsync(
            settings.Storage == StorageProvider.Postgres ? IsolationLevel.ReadCommitted : IsolationLevel.Serializable,
            cancellationToken);
        if (settings.Storage == StorageProvider.Postgres)
        {
            await ExecuteAsync(connection, transaction, $"SELECT pg_advisory_xact_lock({AdvisoryLockKey});", cancellationToken);
        }

        await ExecuteAsync(
            connection,
            transaction,
            $"CREATE TABLE IF NOT EXISTS {HistoryTable} (version integer NOT NULL PRIMARY KEY, name text NOT NULL, sha256 text NOT NULL, applied_at text NOT NULL);",
            cancellationToken);

        var applied = await ReadAppliedAsync(connection, transaction, cancellationToken);
        var known = migrations.ToDictionary(m => m.Version);
        foreach (var (version, (name, sha)) in applied)
        {
            if (!known.TryGetValue(version, out var migration))
            {
                throw new MigrationException($"The database has migration {version:D4} ({name}), which this coffer does not know: the database is newer than this binary. Upgrade coffer.");
            }

            if (migration.Sha256 != sha)
            {
                throw new MigrationException($"Migration {version:D4} ({name}) was changed after it was applied. Migrations are append-only: add a new one instead.");
            }
        }

        var now = new List<string>();
        foreach (var migration in migrations.Where(m => !applied.ContainsKey(m.Version)))
        {
            await ExecuteAsync(connection, transaction, migration.Sql, cancellationToken);
            await using var record = connection.CreateCommand();
            record.Transaction = transaction;
            record.CommandText = $"INSERT INTO {HistoryTable} (version, name, sha256, applied_at) VALUES (@v, @n, @s, @t);";
            AddParameter(record, "@v", migration.Version);
            AddParameter(record, "@n", migration.Name);
            AddParameter(record, "@s", migration.Sha256);
            AddParameter(record, "@t", DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture));
            await record.ExecuteNonQueryAsync(cancellationToken);
            now.Add(migration.Name);
        }

        await transaction.CommitAsync(cancellationToken);
        return now;
    }

    /// <summary>The migrations shipped for a provider, in order.</summary>
    internal static IReadOnlyList<Migration> Load(StorageProvider provider)
    {
        var folder = provider == StorageProvider.Postgres ? "postgres" : "sqlite";
        var prefix = $"migrations/{folder}/";
        var assembly = Assembly.GetExecutingAssembly();
        var list = new List<Migration>();
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(prefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            var file = resource[prefix.Length..];
            var underscore = file.IndexOf('_', StringComparison.Ordinal);
            if (underscore != 4 || !int.TryParse(file.AsSpan(0, 4), NumberStyles.None, CultureInfo.InvariantCulture, out var version))
            {
                throw new MigrationException($"Migration file {resource} is not named NNNN_name.sql.");
            }

            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream, Encoding.UTF8);
            var sql = reader.ReadToEnd();
            var sha = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sql)));
            list.Add(new Migration(version, Path.GetFileNameWithoutExtension(file), sql, sha));
        }

        for (var i = 0; i < list.Count; i++)
        {
            if (list[i].Version != i + 1)
            {
                throw new MigrationException($"Migrations must be numbered 0001, 0002, … without gaps; {list[i].Name} is out of sequence.");
            }
        }

        return list;
    }

    private static async Task<Dictionary<int, (string Name, string Sha256)>> ReadAppliedAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"SELECT version, name, sha256 FROM {HistoryTable};";
        var applied = new Dictionary<int, (string, string)>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            applied[reader.GetInt32(0)] = (reader.GetString(1), reader.GetString(2));
        }

        return applied;
    }

    private static async Task ExecuteAsync(DbConnection connection, DbTransaction? transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
#pragma warning disable CA2100 // The SQL is the migration scripts shipped in this assembly, never user input.
        command.CommandText = sql;
#pragma warning restore CA2100
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static void AddParameter(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }

    internal sealed record Migration(int Version, string Name, string Sql, string Sha256);
}

/// <summary>The schema cannot be brought up to date; the message says why and what to do.</summary>
internal sealed class MigrationException(string message) : Exception(message);
