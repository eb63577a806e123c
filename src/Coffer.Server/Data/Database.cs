using System.Data.Common;
using Coffer.Server.Hosting;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Coffer.Server.Data;

/// <summary>Opens the configured database, for EF Core and for the migration runner alike.</summary>
internal static class Database
{
    public static void Configure(DbContextOptionsBuilder options, ServerSettings settings)
    {
        if (settings.Storage == StorageProvider.Postgres)
        {
            options.UseNpgsql(settings.PostgresConnectionString);
        }
        else
        {
            options.UseSqlite(SqliteConnectionString(settings));
        }
    }

    public static DbConnection CreateConnection(ServerSettings settings) => settings.Storage == StorageProvider.Postgres
        ? new NpgsqlConnection(settings.PostgresConnectionString)
        : new SqliteConnection(SqliteConnectionString(settings));

    /// <summary>A description of where the data is that is safe to print (no password).</summary>
    public static string Describe(ServerSettings settings)
    {
        if (settings.Storage == StorageProvider.Sqlite)
        {
            return $"sqlite {settings.SqlitePath}";
        }

        var builder = new NpgsqlConnectionStringBuilder(settings.PostgresConnectionString);
        return $"postgres {builder.Host}:{builder.Port}/{builder.Database}";
    }

    private static string SqliteConnectionString(ServerSettings settings) => new SqliteConnectionStringBuilder
    {
        DataSource = settings.SqlitePath,
        Mode = SqliteOpenMode.ReadWriteCreate,
        Pooling = true,
        DefaultTimeout = 30,
    }.ToString();
}
