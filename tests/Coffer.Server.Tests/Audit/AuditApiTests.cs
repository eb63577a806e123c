using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Coffer.Server.Features.Audit;
using Coffer.Server.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Coffer.Server.Tests.Audit;

/// <summary><c>/api/v1/audit</c>, <c>/verify</c> and <c>/export</c>: their answers, and every way of being refused.</summary>
public sealed class AuditApiTests : ServerTest
{
    private static readonly string[] Paths = ["/api/v1/audit", "/api/v1/audit/verify", "/api/v1/audit/export"];

    private string _token = null!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        (_, _token) = await Server.InitAndUnsealAsync();
    }

    [Fact]
    public async Task AuditEndpoints_NoToken_Answer401Problem()
    {
        foreach (var path in Paths)
        {
            using var response = await Server.GetAsync(path, token: null);
            await ProblemAssert.AssertAsync(response, HttpStatusCode.Unauthorized, "unauthorized");
        }
    }

    [Fact]
    public async Task AuditEndpoints_TokenWithoutAuditRead_Answer403Problem()
    {
        var (token, _) = await Server.TokenAsync("sys:status", "sys:seal");

        foreach (var path in Paths)
        {
            using var response = await Server.GetAsync(path, token);
            await ProblemAssert.AssertAsync(response, HttpStatusCode.Forbidden, "forbidden");
        }
    }

    [Fact]
    public async Task AuditEndpoints_TokenWithOnlyAuditRead_AreAllowed()
    {
        var (token, _) = await Server.TokenAsync("audit:read");

        foreach (var path in Paths)
        {
            using var response = await Server.GetAsync(path, token);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }

    [Theory]
    [InlineData("after_seq=abc")]
    [InlineData("after_seq=-1")]
    [InlineData("after_seq=1.5")]
    [InlineData("after_seq=1&after_seq=2")]
    [InlineData("limit=0")]
    [InlineData("limit=1001")]
    [InlineData("limit=ten")]
    [InlineData("action=SYS.SEAL")]
    [InlineData("action=sys.%2A.seal")]
    [InlineData("action=")]
    [InlineData("actor=")]
    [InlineData("since=yesterday")]
    [InlineData("until=2025-13-01T00:00:00Z")]
    [InlineData("since=2025-06-02T00:00:00Z&until=2025-06-01T00:00:00Z")]
    [InlineData("afterseq=1")]
    public async Task List_BadQuery_Answers400ProblemNamingTheParameter(string query)
    {
        using var response = await Server.GetAsync("/api/v1/audit?" + query, _token);

        var problem = await ProblemAssert.AssertAsync(response, HttpStatusCode.BadRequest, "invalid-argument");
        var name = query.Split('=')[0];
        Assert.Contains(name, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("limit=10")]
    [InlineData("since=soon")]
    public async Task Export_BadQuery_Answers400Problem(string query)
    {
        using var response = await Server.GetAsync("/api/v1/audit/export?" + query, _token);

        await ProblemAssert.AssertAsync(response, HttpStatusCode.BadRequest, "invalid-argument");
    }

    [Fact]
    public async Task List_PagesAndFilters_ReturnExactlyTheMatchingRecords()
    {
        var log = Server.Services.GetRequiredService<AuditLog>();
        var appended = new List<AuditRecord>();
        for (var i = 0; i < 30; i++)
        {
            appended.Add(await log.AppendAsync(new AuditEntry(i % 3 == 0 ? "token.create" : "token.revoke", AuditOutcome.Success) { Actor = i % 2 == 0 ? "acc_even" : "acc_odd" }.With("i", i), default));
        }

        var everything = await Server.ListAllAsync(_token, limit: 7);
        var seqs = everything.Select(r => r.GetProperty("seq").GetInt64()).ToList();
        Assert.Equal(Enumerable.Range(1, seqs.Count).Select(i => (long)i), seqs);
        Assert.Equal(appended[^1].Seq, seqs[^1]);

        using (var page = await Server.GetAsync("/api/v1/audit?limit=5&after_seq=" + appended[0].Seq.ToString(CultureInfo.InvariantCulture), _token))
        {
            var body = await page.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal(Enumerable.Range(1, 5).Select(i => appended[0].Seq + i), body.GetProperty("records").EnumerateArray().Select(r => r.GetProperty("seq").GetInt64()));
            Assert.Equal(appended[0].Seq + 5, body.GetProperty("next_after_seq").GetInt64());
        }

        Assert.Equal(10, (await Server.ListAllAsync(_token, "&action=token.create", limit: 3)).Count);
        Assert.Equal(30, (await Server.ListAllAsync(_token, "&action=token.*")).Count);
        Assert.All(await Server.ListAllAsync(_token, "&action=sys.*"), r => Assert.StartsWith("sys.", r.GetProperty("action").GetString(), StringComparison.Ordinal));
        Assert.Empty(await Server.ListAllAsync(_token, "&action=token"));
        var odd = await Server.ListAllAsync(_token, "&actor=acc_odd&action=token.revoke");
        Assert.Equal(appended.Where(r => r.Actor == "acc_odd" && r.Action == "token.revoke").Select(r => r.Seq), odd.Select(r => r.GetProperty("seq").GetInt64()));

        // since is inclusive and until exclusive, to the microsecond the record was stamped with.
        var since = Uri.EscapeDataString(appended[10].OccurredAt.ToString("O", CultureInfo.InvariantCulture));
        var until = Uri.EscapeDataString(appended[20].OccurredAt.ToString("O", CultureInfo.InvariantCulture));
        var window = await Server.ListAllAsync(_token, $"&since={since}&until={until}");
        var expected = (await Server.RowsAsync()).Where(r => r.OccurredAt >= appended[10].OccurredAt && r.OccurredAt < appended[20].OccurredAt).Select(r => r.Seq).ToList();
        Assert.Contains(appended[10].Seq, expected);
        Assert.DoesNotContain(appended[20].Seq, expected);
        Assert.Equal(expected, window.Select(r => r.GetProperty("seq").GetInt64()));
    }

    [Fact]
    public async Task List_Record_HasEveryFieldWithDetailsAsAnObject()
    {
        var record = await Server.Services.GetRequiredService<AuditLog>().AppendAsync(
            new AuditEntry("token.create", AuditOutcome.Denied) { Actor = "acc_x", Target = "acc_child", ClientIp = "198.51.100.7", UserId = Guid.NewGuid() }.With("scopes", "orders:read").WithSensitive("token", "cof_api_secret"),
            default);

        var listed = (await Server.ListAllAsync(_token, "&action=token.create")).Single();

        Assert.Equal(record.Seq, listed.GetProperty("seq").GetInt64());
        Assert.Equal(record.OccurredAt, listed.GetProperty("occurred_at").GetDateTimeOffset());
        Assert.Equal("acc_x", listed.GetProperty("actor").GetString());
        Assert.Equal(record.UserId, listed.GetProperty("user_id").GetGuid());
        Assert.Equal("acc_child", listed.GetProperty("target").GetString());
        Assert.Equal("denied", listed.GetProperty("outcome").GetString());
        Assert.Equal("198.51.100.7", listed.GetProperty("client_ip").GetString());
        Assert.Equal("orders:read", listed.GetProperty("details").GetProperty("scopes").GetString());
        Assert.StartsWith("hmac-sha256:", listed.GetProperty("details").GetProperty("token").GetString(), StringComparison.Ordinal);
        Assert.Equal(record.PrevHash, listed.GetProperty("prev_hash").GetString());
        Assert.Equal(record.Hash, listed.GetProperty("hash").GetString());
    }

    [Fact]
    public async Task Verify_IntactThenEdited_ReportsOkThenTheFirstBrokenRecord()
    {
        var intact = await Server.VerifyAsync(_token);
        Assert.True(intact.GetProperty("ok").GetBoolean());
        var count = intact.GetProperty("records").GetInt64();
        Assert.True(count >= 4, intact.ToString());
        Assert.Equal(JsonValueKind.Null, intact.GetProperty("first_broken").ValueKind);
        Assert.Equal((await Server.RowsAsync())[^1].Hash, intact.GetProperty("last_hash").GetString());

        await Server.ExecuteSqlAsync("DROP TRIGGER audit_log_no_update");
        await Server.ExecuteSqlAsync("UPDATE audit_log SET details = '{\"not\":\"what happened\"}' WHERE seq = 2");
        var broken = await Server.VerifyAsync(_token);

        Assert.False(broken.GetProperty("ok").GetBoolean());
        Assert.Equal(1, broken.GetProperty("records").GetInt64());
        var first = broken.GetProperty("first_broken");
        Assert.Equal(2, first.GetProperty("seq").GetInt64());
        Assert.Equal("edited", first.GetProperty("problem").GetString());
        Assert.False(string.IsNullOrEmpty(first.GetProperty("detail").GetString()));

        // An edited record is still listed as stored, so the auditor sees what was done to it.
        await Server.ExecuteSqlAsync("UPDATE audit_log SET details = 'not json' WHERE seq = 3");
        var listed = await Server.ListAllAsync(_token);
        Assert.Equal("not json", listed[2].GetProperty("details").GetString());
    }

    [Fact]
    public async Task Export_StreamsEveryRecordAsJsonLinesInSeqOrder_AndRecordsTheExport()
    {
        var log = Server.Services.GetRequiredService<AuditLog>();
        for (var i = 0; i < 50; i++)
        {
            await log.AppendAsync(new AuditEntry("token.use", AuditOutcome.Success).With("i", i), default);
        }

        using var response = await Server.GetAsync("/api/v1/audit/export", _token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/x-ndjson", response.Content.Headers.ContentType?.MediaType);
        var text = await response.Content.ReadAsStringAsync();
        Assert.EndsWith("\n", text, StringComparison.Ordinal);
        var lines = text.TrimEnd('\n').Split('\n').Select(l => JsonSerializer.Deserialize<JsonElement>(l)).ToList();
        var rows = await Server.RowsAsync();
        Assert.Equal(rows.Select(r => r.Seq), lines.Select(l => l.GetProperty("seq").GetInt64()));
        Assert.Equal(rows.Select(r => r.Hash), lines.Select(l => l.GetProperty("hash").GetString()));
        Assert.Equal("audit.export", lines[^1].GetProperty("action").GetString());
        Assert.Equal(await Server.AccessorAsync(_token), lines[^1].GetProperty("actor").GetString());

        using var filtered = await Server.GetAsync("/api/v1/audit/export?action=sys.*&after_seq=1", _token);
        var sys = (await filtered.Content.ReadAsStringAsync()).TrimEnd('\n').Split('\n').Select(l => JsonSerializer.Deserialize<JsonElement>(l)).ToList();
        Assert.Equal(rows.Where(r => r.Seq > 1 && r.Action.StartsWith("sys.", StringComparison.Ordinal)).Select(r => r.Seq), sys.Select(l => l.GetProperty("seq").GetInt64()));
    }

    [Fact]
    public async Task Export_AuditTableUnwritable_RefusedBeforeAnythingIsSent()
    {
        await Server.ExecuteSqlAsync("ALTER TABLE audit_log RENAME TO audit_log_gone");

        using var response = await Server.GetAsync("/api/v1/audit/export", _token);

        await ProblemAssert.AssertAsync(response, HttpStatusCode.ServiceUnavailable, "audit-unavailable");
    }
}
