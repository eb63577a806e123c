using System.Data.Common;
using System.Globalization;
using Coffer.Server.Data;
using Coffer.Server.Features.Audit;
using Coffer.Server.Hosting;
using Coffer.Server.Tests.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;

namespace Coffer.Server.Tests.Audit;

/// <summary>
/// An audit log over a migrated test database of either provider, without a server: the log and verifier as the
/// server builds them, plus raw SQL for tampering the way someone with database access would.
/// </summary>
internal sealed class AuditStore : IAsyncDisposable
{
    private readonly List<AuditLog> _logs = [];

    private AuditStore(StorageUnderTest storage, ServerSettings settings)
    {
        Storage = storage;
        Settings = settings;
        Factory = CreateFactory(settings);
        Log = NewNode();
        Verifier = new AuditVerifier(Factory);
    }

    public StorageUnderTest Storage { get; }

    public ServerSettings Settings { get; }

    public IDbContextFactory<CofferDb> Factory { get; }

    public AuditLog Log { get; }

    public AuditVerifier Verifier { get; }

    public bool IsPostgres => Settings.Storage == StorageProvider.Postgres;

    public static async Task<AuditStore> CreateAsync(string provider)
    {
        var storage = await StorageUnderTest.CreateAsync(provider);
        var settings = storage.Settings();
        await Migrator.MigrateAsync(settings, default);
        return new AuditStore(storage, settings);
    }

    public static IDbContextFactory<CofferDb> CreateFactory(ServerSettings settings)
    {
        var options = new DbContextOptionsBuilder<CofferDb>();
        Database.Configure(options, settings);
        return new PooledDbContextFactory<CofferDb>(options.Options);
    }

    /// <summary>Another AuditLog with its own connections: as far as the database can tell, another node.</summary>
    public AuditLog NewNode()
    {
        var log = new AuditLog(CreateFactory(Settings), TimeProvider.System, NullLogger<AuditLog>.Instance);
        _logs.Add(log);
        return log;
    }

    /// <summary>Appends <paramref name="count"/> varied records (every nullable field set on some, null on others).</summary>
    public async Task<List<AuditRecord>> AppendManyAsync(int count)
    {
        var records = new List<AuditRecord>();
        for (var i = 1; i <= count; i++)
        {
            var entry = new AuditEntry(i % 3 == 0 ? "token.create" : "sys.rotate", i % 4 == 0 ? AuditOutcome.Denied : AuditOutcome.Success)
            {
                Actor = "acc_test" + i.ToString(CultureInfo.InvariantCulture),
                UserId = Guid.NewGuid(),
                Target = "target-" + i.ToString(CultureInfo.InvariantCulture),
                ClientIp = "192.0.2." + i.ToString(CultureInfo.InvariantCulture),
            }.With("n", i).With("note", "record " + i.ToString(CultureInfo.InvariantCulture)).With("flag", i % 2 == 0);
            records.Add(await Log.AppendAsync(entry, default));
        }

        return records;
    }

    /// <summary>Removes the append-only triggers, as anyone rewriting the log directly would have to.</summary>
    public Task AllowTamperingAsync() => ExecuteAsync(IsPostgres
        ? "DROP TRIGGER audit_log_no_update ON audit_log; DROP TRIGGER audit_log_no_delete ON audit_log;"
        : "DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;");

    public async Task<int> ExecuteAsync(string sql, params (string Name, object? Value)[] parameters)
    {
        await using var connection = Database.CreateConnection(Settings);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value ?? DBNull.Value;
            command.Parameters.Add(parameter);
        }

        return await command.ExecuteNonQueryAsync();
    }

    public async Task<object?> ScalarAsync(string sql)
    {
        await using DbConnection connection = Database.CreateConnection(Settings);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        var value = await command.ExecuteScalarAsync();
        return value is DBNull ? null : value;
    }

    public async Task<List<AuditRecordRow>> RowsAsync()
    {
        await using var db = await Factory.CreateDbContextAsync();
        return await db.Table<AuditRecordRow>().AsNoTracking().OrderBy(r => r.Seq).ToListAsync();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var log in _logs)
        {
            log.Dispose();
        }

        await Storage.DisposeAsync();
    }
}
