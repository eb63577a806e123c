using System.Text.Json;
using System.Text.RegularExpressions;
using Coffer.Server.Features.Audit;
using Coffer.Server.Tests.Support;
using Coffer.Vault;
using Microsoft.Data.Sqlite;

namespace Coffer.Server.Tests.Audit;

/// <summary>
/// Dev mode initializes the vault on its own and the file provider unseals on its own at every start: both are
/// recorded like the operator's init and unseal, by actor <c>system</c>, in the audit log and in audit/sys.log.
/// </summary>
public sealed partial class DevAuditTests
{
    [Fact]
    public async Task DevAutoInit_IsRecordedInAuditLogAndSysLog_AsTheApiInitIs()
    {
        using var data = new TestData();
        await using var server = await ServerInstance.StartAsync(data.Settings(KeyProviderKind.File));
        var token = AdminToken(server);

        var records = await server.ListAllAsync(token);
        var lines = server.SysLog();

        var init = Assert.Single(records);
        Assert.Equal(("sys.init", "success", AuditEntry.SystemActor), (init.GetProperty("action").GetString(), init.GetProperty("outcome").GetString(), init.GetProperty("actor").GetString()));
        Assert.Equal("file", init.GetProperty("details").GetProperty("provider").GetString());
        Assert.Equal(0, init.GetProperty("details").GetProperty("shares").GetInt32());
        var line = Assert.Single(lines);
        Assert.Equal(("sys.init", "success", AuditEntry.SystemActor), (line.GetProperty("action").GetString(), line.GetProperty("outcome").GetString(), line.GetProperty("actor").GetString()));
        Assert.Equal("file", line.GetProperty("details").GetProperty("provider").GetString());
        Assert.True((await server.VerifyAsync(token)).GetProperty("ok").GetBoolean());
    }

    [Fact]
    public async Task DevRestart_AutomaticUnseal_IsRecordedInAuditLogAndSysLog()
    {
        using var data = new TestData();
        var server = await ServerInstance.StartAsync(data.Settings(KeyProviderKind.File));
        try
        {
            var token = AdminToken(server);
            server = await server.RestartAsync();
            Assert.False(server.Vault.IsSealed);

            var records = await server.ListAllAsync(token);
            var lines = server.SysLog();

            Assert.Equal(["sys.init/success", "sys.unseal/success"], records.Select(Summary));
            Assert.Equal(["sys.init/success", "sys.unseal/success"], lines.Select(Summary));
            Assert.All([records[1], lines[1]], unseal =>
            {
                Assert.Equal(AuditEntry.SystemActor, unseal.GetProperty("actor").GetString());
                Assert.True(unseal.GetProperty("details").GetProperty("automatic").GetBoolean());
                Assert.Equal("file", unseal.GetProperty("details").GetProperty("provider").GetString());
            });
            Assert.Equal(1, records[1].GetProperty("details").GetProperty("root_key_version").GetInt32());
            Assert.True((await server.VerifyAsync(token)).GetProperty("ok").GetBoolean());
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    [Fact]
    public async Task DevRestart_AuditLogUnwritable_DoesNotStartAndTheSysLogSaysItSealedAgain()
    {
        using var data = new TestData();
        var settings = data.Settings(KeyProviderKind.File);
        await using (await ServerInstance.StartAsync(settings))
        {
        }

        await using (var connection = new SqliteConnection($"Data Source={settings.SqlitePath}"))
        {
            await connection.OpenAsync();
            await using var rename = connection.CreateCommand();
            rename.CommandText = "ALTER TABLE audit_log RENAME TO audit_log_gone";
            await rename.ExecuteNonQueryAsync();
        }

        SqliteConnection.ClearAllPools();

        await Assert.ThrowsAsync<AuditUnavailableException>(() => ServerInstance.StartAsync(settings));

        var lines = File.ReadAllLines(Path.Combine(data.Directory, "audit", "sys.log")).Select(l => JsonSerializer.Deserialize<JsonElement>(l)).ToList();
        Assert.Equal(["sys.init/success", "sys.unseal/success", "sys.seal/success"], lines.Select(Summary));
        Assert.Equal("unseal could not be audited", lines[2].GetProperty("details").GetProperty("reason").GetString());
    }

    private static string Summary(JsonElement record) => record.GetProperty("action").GetString() + "/" + record.GetProperty("outcome").GetString();

    private static string AdminToken(ServerInstance server) => DevToken().Match(server.Console) is { Success: true } match
        ? match.Groups["token"].Value
        : throw new InvalidOperationException("The dev server did not print its admin token.");

    [GeneratedRegex("export COFFER_TOKEN=(?<token>cof_[0-9A-Za-z_]+)", RegexOptions.CultureInvariant)]
    private static partial Regex DevToken();
}
