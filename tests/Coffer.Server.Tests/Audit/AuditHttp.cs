using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Coffer.Server.Data;
using Coffer.Server.Features.Audit;
using Coffer.Server.Features.Tokens;
using Coffer.Server.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Coffer.Server.Tests.Audit;

/// <summary>What the audit tests do to a running server: call the audit API, read the log and the sys.log sink, break them.</summary>
internal static class AuditHttp
{
    public static async Task<HttpResponseMessage> GetAsync(this ServerInstance server, string path, string? token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return await server.Client.SendAsync(request);
    }

    /// <summary>Every record through the API, page by page.</summary>
    public static async Task<List<JsonElement>> ListAllAsync(this ServerInstance server, string token, string filter = "", int limit = 1000)
    {
        var records = new List<JsonElement>();
        long? after = 0;
        while (after is { } seq)
        {
            using var response = await server.GetAsync($"/api/v1/audit?limit={limit}&after_seq={seq}{filter}", token);
            response.EnsureSuccessStatusCode();
            var page = await response.Content.ReadFromJsonAsync<JsonElement>();
            records.AddRange(page.GetProperty("records").EnumerateArray());
            after = page.GetProperty("next_after_seq").ValueKind == JsonValueKind.Null ? null : page.GetProperty("next_after_seq").GetInt64();
        }

        return records;
    }

    public static async Task<JsonElement> VerifyAsync(this ServerInstance server, string token)
    {
        using var response = await server.GetAsync("/api/v1/audit/verify", token);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    public static async Task<List<AuditRecordRow>> RowsAsync(this ServerInstance server)
    {
        await using var db = await server.Services.GetRequiredService<IDbContextFactory<CofferDb>>().CreateDbContextAsync();
        return await db.Table<AuditRecordRow>().AsNoTracking().OrderBy(r => r.Seq).ToListAsync();
    }

    public static async Task<int> ExecuteSqlAsync(this ServerInstance server, string sql)
    {
        await using var connection = Database.CreateConnection(server.Settings);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteNonQueryAsync();
    }

    public static async Task<long> ExecuteScalarAsync(this ServerInstance server, string sql)
    {
        await using var connection = Database.CreateConnection(server.Settings);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>The sys.log sink's lines, parsed.</summary>
    public static List<JsonElement> SysLog(this ServerInstance server)
    {
        var path = server.Services.GetRequiredService<SysAuditSink>().Path;
        return File.Exists(path) ? File.ReadAllLines(path).Select(line => JsonSerializer.Deserialize<JsonElement>(line)).ToList() : [];
    }

    /// <summary>A live token of the given scopes for a new user.</summary>
    public static async Task<(string Token, string Accessor)> TokenAsync(this ServerInstance server, params string[] scopes) =>
        await server.InsertAsync(Guid.NewGuid(), scopes);

    public static async Task<string> AccessorAsync(this ServerInstance server, string token) =>
        (await server.Services.GetRequiredService<TokenStore>().AuthenticateAsync(token, null, default)).Info!.Accessor;
}
