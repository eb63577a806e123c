using System.Net;
using System.Text.Json;
using Coffer.Server.Tests.Support;

namespace Coffer.Server.Tests.Sys;

/// <summary>DESIGN §1 promise 5: bad input gets a problem response and changes nothing.</summary>
public sealed class MalformedInputTests : ServerTest
{
    private string _token = null!;
    private IReadOnlyList<string> _shares = null!;

    public static TheoryData<string, string, string, int, string> Cases() => new()
    {
        { "/api/v1/sys/init", "{\"shares\":", "application/json", 400, "invalid-request" },
        { "/api/v1/sys/init", "{\"shares\":\"five\",\"threshold\":3}", "application/json", 400, "invalid-request" },
        { "/api/v1/sys/init", "{\"shares\":5,\"threshold\":3,\"extra\":1}", "application/json", 400, "invalid-request" },
        { "/api/v1/sys/init", "[1,2,3]", "application/json", 400, "invalid-request" },
        { "/api/v1/sys/init", "{\"shares\":5.5}", "application/json", 400, "invalid-request" },
        { "/api/v1/sys/init", "shares=5", "application/x-www-form-urlencoded", 415, "unsupported-media-type" },
        { "/api/v1/sys/unseal", "{\"share\":42}", "application/json", 400, "invalid-request" },
        { "/api/v1/sys/unseal", "{}", "application/json", 400, "invalid-request" },
        { "/api/v1/sys/unseal", "{\"share\":\"cofs1_AAAA\",\"reset\":true}", "application/json", 400, "invalid-request" },
        { "/api/v1/sys/unseal", "{\"share\":\"cofs1_notashare\"}", "application/json", 400, "invalid-share" },
        { "/api/v1/sys/unseal", "{\"share\":\"" + new string('A', 600) + "\"}", "application/json", 400, "invalid-share" },
        { "/api/v1/sys/unseal", "{\"share\":null}", "application/json", 400, "invalid-request" },
        { "/api/v1/sys/unseal", "not json at all", "application/json", 400, "invalid-request" },
        { "/api/v1/sys/unseal", "{\"share\":\"x\"}", "text/plain", 415, "unsupported-media-type" },
        { "/api/v1/sys/rotate", "{\"min_decryption_version\":\"1\"}", "application/json", 400, "invalid-request" },
        { "/api/v1/sys/rotate", "{\"min_decryption_version\":0}", "application/json", 400, "invalid-argument" },
        { "/api/v1/sys/rotate", "{\"min_decryption_version\":9}", "application/json", 400, "invalid-argument" },
        { "/api/v1/sys/rotate", "{\"unknown\":true}", "application/json", 400, "invalid-request" },
        { "/api/v1/sys/rotate", "{", "application/json", 400, "invalid-request" },
    };

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        (_shares, _token) = await Server.InitAndUnsealAsync(shares: 3, threshold: 3);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Post_MalformedBody_ProblemAndNoStateChange(string path, string body, string contentType, int status, string slug)
    {
        // Unseal is only meaningful while sealed: seal first (and give one share) so progress can be compared.
        if (path.EndsWith("/unseal", StringComparison.Ordinal))
        {
            (await Server.PostJsonAsync("/api/v1/sys/seal", null, _token)).Dispose();
            (await Server.PostJsonAsync("/api/v1/sys/unseal", new { share = _shares[0] })).Dispose();
        }

        var before = await SnapshotAsync();

        using var response = await Server.PostRawAsync(path, body, contentType, _token);

        var problem = await ProblemAssert.AssertAsync(response, (HttpStatusCode)status, slug);
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("detail").GetString()));
        Assert.DoesNotContain("five", problem.GetRawText(), StringComparison.Ordinal);
        Assert.Equal(before, await SnapshotAsync());
    }

    [Theory]
    [InlineData("/api/v1/sys/init")]
    [InlineData("/api/v1/sys/unseal")]
    [InlineData("/api/v1/sys/rotate")]
    public async Task Post_OversizedBody_413AndNoStateChange(string path)
    {
        var before = await SnapshotAsync();
        var huge = "{\"share\":\"" + new string('A', 200_000) + "\"}";

        using var response = await Server.PostRawAsync(path, huge, "application/json", _token, expectContinue: true);

        await ProblemAssert.AssertAsync(response, HttpStatusCode.RequestEntityTooLarge, "payload-too-large");
        Assert.Equal(before, await SnapshotAsync());
    }

    [Theory]
    [InlineData("{\"shares\":99,\"threshold\":3}")]
    [InlineData("{\"shares\":3,\"threshold\":4}")]
    [InlineData("{\"shares\":3,\"threshold\":1}")]
    [InlineData("{\"shares\":-1,\"threshold\":-1}")]
    public async Task Init_BadShareParameters_ProblemAndStaysUninitialized(string body)
    {
        using var data = new TestData();
        await using var fresh = await ServerInstance.StartAsync(data.Settings());

        using var response = await fresh.PostRawAsync("/api/v1/sys/init", body);

        await ProblemAssert.AssertAsync(response, HttpStatusCode.BadRequest, "invalid-argument");
        Assert.False(fresh.Vault.Status.Initialized);
        await using var connection = Coffer.Server.Data.Database.CreateConnection(fresh.Settings);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT (SELECT COUNT(*) FROM tokens) + (SELECT COUNT(*) FROM vault_state)";
        Assert.Equal(0L, (long)(await command.ExecuteScalarAsync())!);
    }

    /// <summary>Everything a bad request might have changed: vault state, key versions, rows, unseal progress.</summary>
    private async Task<string> SnapshotAsync()
    {
        var status = await Server.GetJsonAsync("/api/v1/sys/status", _token);
        var state = Server.Vault.Status;
        await using var connection = Coffer.Server.Data.Database.CreateConnection(Server.Settings);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT (SELECT COUNT(*) FROM tokens) || '/' || (SELECT COUNT(*) FROM user_keyrings) || '/' || (SELECT COUNT(*) FROM secrets) || '/' || (SELECT hex(root_keyring) FROM vault_state)";
        var rows = (string?)await command.ExecuteScalarAsync();
        return JsonSerializer.Serialize(status) + state + rows;
    }
}
