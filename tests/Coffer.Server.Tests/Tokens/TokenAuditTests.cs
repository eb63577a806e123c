using System.Net;
using Coffer.Server.Tests.Audit;
using Coffer.Server.Tests.Support;

namespace Coffer.Server.Tests.Tokens;

/// <summary>Token actions in the audit log; a creation whose record cannot be written does not happen.</summary>
public sealed class TokenAuditTests : ServerTest
{
    private string _admin = null!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        (_, _admin) = await Server.InitAndUnsealAsync();
    }

    [Fact]
    public async Task CreateRevokeAndIpDenied_AreAudited_WithoutTokenValues()
    {
        using var created = await Server.PostJsonAsync("/api/v1/tokens", new { scopes = new[] { "tokens:read" }, ip_allowlist = new[] { "203.0.113.7" } }, _admin);
        var body = System.Text.Json.JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement;
        var (token, accessor) = (body.GetProperty("token").GetString()!, body.GetProperty("accessor").GetString()!);
        using (var refused = await Server.GetAsync("/api/v1/tokens/self", token))
        {
            await ProblemAssert.AssertAsync(refused, HttpStatusCode.Forbidden, "ip-not-allowed");
        }

        (await Server.PostJsonAsync($"/api/v1/tokens/{accessor}/revoke", null, _admin)).Dispose();

        var records = await Server.ListAllAsync(_admin);
        var actions = records.Where(r => r.GetProperty("target").GetString() == accessor).Select(r => (r.GetProperty("action").GetString(), r.GetProperty("outcome").GetString())).ToList();
        Assert.Equal([("token.create", "success"), ("token.ip_denied", "denied"), ("token.revoke", "success")], actions);
        Assert.DoesNotContain(token, string.Join('\n', records.Select(r => r.GetRawText())), StringComparison.Ordinal);
        Assert.True((await Server.VerifyAsync(_admin)).GetProperty("ok").GetBoolean());
    }

    [Fact]
    public async Task Create_WhenTheAuditRecordCannotBeWritten_RefusedAndNoTokenExists()
    {
        var before = await Server.ExecuteScalarAsync("SELECT COUNT(*) FROM tokens");
        await Server.ExecuteSqlAsync("ALTER TABLE audit_log RENAME TO audit_log_gone");

        using var response = await Server.PostJsonAsync("/api/v1/tokens", new { scopes = new[] { "tokens:read" } }, _admin);

        await ProblemAssert.AssertAsync(response, HttpStatusCode.ServiceUnavailable, "audit-unavailable");
        Assert.Equal(before, await Server.ExecuteScalarAsync("SELECT COUNT(*) FROM tokens"));
        await Server.ExecuteSqlAsync("ALTER TABLE audit_log_gone RENAME TO audit_log");
    }
}
