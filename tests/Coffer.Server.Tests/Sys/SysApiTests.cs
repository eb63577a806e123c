using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Coffer.Server.Tests.Support;
using Coffer.Vault.Signing;

namespace Coffer.Server.Tests.Sys;

public sealed class SysApiTests : ServerTest
{

    [Fact]
    public async Task Health_Uninitialized_OkWithState()
    {
        var health = await Server.GetJsonAsync("/api/v1/sys/health");

        Assert.Equal("ok", health.GetProperty("status").GetString());
        Assert.False(health.GetProperty("initialized").GetBoolean());
        Assert.True(health.GetProperty("sealed").GetBoolean());
    }

    [Fact]
    public async Task Status_Uninitialized_ShowsProviderAndVersion()
    {
        var status = await Server.GetJsonAsync("/api/v1/sys/status");

        Assert.False(status.GetProperty("initialized").GetBoolean());
        Assert.True(status.GetProperty("sealed").GetBoolean());
        Assert.Equal("shamir", status.GetProperty("provider").GetString());
        Assert.False(status.GetProperty("dev_only").GetBoolean());
        Assert.Equal(JsonValueKind.Null, status.GetProperty("key_versions").ValueKind);
        Assert.False(string.IsNullOrEmpty(status.GetProperty("version").GetString()));
    }

    [Fact]
    public async Task Init_Shamir_ReturnsSharesAndTokenOnce_ThenSealed()
    {
        using var response = await Server.PostJsonAsync("/api/v1/sys/init", new { shares = 5, threshold = 3 });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(5, body.GetProperty("shares").GetArrayLength());
        Assert.All(body.GetProperty("shares").EnumerateArray(), s => Assert.StartsWith("cofs1_", s.GetString(), StringComparison.Ordinal));
        Assert.Matches("^cof_trader_[0-9A-Za-z]{43}_[0-9A-Za-z]{6}$", body.GetProperty("admin_token").GetString());
        Assert.StartsWith("acc_", body.GetProperty("admin_accessor").GetString(), StringComparison.Ordinal);
        Assert.True(body.GetProperty("sealed").GetBoolean());

        using var again = await Server.PostJsonAsync("/api/v1/sys/init", new { shares = 5, threshold = 3 });
        await ProblemAssert.AssertAsync(again, HttpStatusCode.Conflict, "already-initialized");
    }

    [Fact]
    public async Task Sealed_EveryOtherEndpoint_Answers503Problem()
    {
        using var init = await Server.PostJsonAsync("/api/v1/sys/init", new { shares = 3, threshold = 2 });
        var token = (await init.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("admin_token").GetString()!;

        foreach (var path in new[] { "/api/v1/sys/seal", "/api/v1/sys/rotate", "/api/v1/anything", "/" })
        {
            using var response = await Server.PostJsonAsync(path, new { }, token);
            await ProblemAssert.AssertAsync(response, HttpStatusCode.ServiceUnavailable, "sealed");
            Assert.True(response.Headers.Contains("Retry-After"));
        }

        Assert.True((await Server.GetJsonAsync("/api/v1/sys/status")).GetProperty("sealed").GetBoolean());
    }

    [Fact]
    public async Task Uninitialized_OtherEndpoints_Answer503NotInitialized()
    {
        using var response = await Server.PostJsonAsync("/api/v1/sys/seal", null);

        await ProblemAssert.AssertAsync(response, HttpStatusCode.ServiceUnavailable, "not-initialized");
    }

    [Fact]
    public async Task Unseal_Threshold_ProgressThenUnsealed()
    {
        using var init = await Server.PostJsonAsync("/api/v1/sys/init", new { shares = 3, threshold = 2 });
        var shares = (await init.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("shares").EnumerateArray().Select(s => s.GetString()!).ToList();

        using var first = await Server.PostJsonAsync("/api/v1/sys/unseal", new { share = shares[2] });
        var progress = await first.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(1, progress.GetProperty("unseal_progress").GetInt32());
        Assert.True(progress.GetProperty("sealed").GetBoolean());

        using var duplicate = await Server.PostJsonAsync("/api/v1/sys/unseal", new { share = shares[2] });
        await ProblemAssert.AssertAsync(duplicate, HttpStatusCode.BadRequest, "invalid-share");
        Assert.Equal(1, (await Server.GetJsonAsync("/api/v1/sys/status")).GetProperty("unseal_progress").GetInt32());

        using var second = await Server.PostJsonAsync("/api/v1/sys/unseal", new { share = shares[0] });
        Assert.False((await second.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("sealed").GetBoolean());

        using var again = await Server.PostJsonAsync("/api/v1/sys/unseal", new { share = shares[1] });
        await ProblemAssert.AssertAsync(again, HttpStatusCode.Conflict, "already-unsealed");
    }

    [Fact]
    public async Task Unseal_Reset_DiscardsProgress()
    {
        using var init = await Server.PostJsonAsync("/api/v1/sys/init", new { shares = 3, threshold = 2 });
        var shares = (await init.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("shares").EnumerateArray().Select(s => s.GetString()!).ToList();
        (await Server.PostJsonAsync("/api/v1/sys/unseal", new { share = shares[0] })).Dispose();

        using var reset = await Server.PostJsonAsync("/api/v1/sys/unseal", new { reset = true });

        Assert.Equal(HttpStatusCode.OK, reset.StatusCode);
        Assert.Equal(0, (await reset.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("unseal_progress").GetInt32());
    }

    [Fact]
    public async Task Seal_WithAdminToken_SealsAndSigningFails_SharesBringItBack()
    {
        var (shares, token) = await Server.InitAndUnsealAsync();
        var handle = new CredentialHandle(Guid.NewGuid(), Guid.NewGuid());
        await Server.Vault.StoreSecretAsync(handle.UserId, handle.SecretId, "secret"u8.ToArray(), default);
        var before = await Server.Vault.SignAsync(handle, SigningMechanism.HmacSha256Hex, "m"u8.ToArray());

        using var seal = await Server.PostJsonAsync("/api/v1/sys/seal", null, token);

        Assert.Equal(HttpStatusCode.OK, seal.StatusCode);
        Assert.True((await seal.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("sealed").GetBoolean());
        var error = await Assert.ThrowsAsync<Coffer.Vault.VaultException>(() => Server.Vault.SignAsync(handle, SigningMechanism.HmacSha256Hex, "m"u8.ToArray()).AsTask());
        Assert.Equal(Coffer.Vault.VaultError.Sealed, error.Code);
        using var rotate = await Server.PostJsonAsync("/api/v1/sys/rotate", new { }, token);
        await ProblemAssert.AssertAsync(rotate, HttpStatusCode.ServiceUnavailable, "sealed");

        foreach (var share in shares.Skip(1))
        {
            (await Server.PostJsonAsync("/api/v1/sys/unseal", new { share })).Dispose();
        }

        Assert.Equal(before, await Server.Vault.SignAsync(handle, SigningMechanism.HmacSha256Hex, "m"u8.ToArray()));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("Bearer cof_trader_0000000000000000000000000000000000000000000_000000")]
    [InlineData("Bearer not-a-token")]
    [InlineData("Basic YWRtaW46YWRtaW4=")]
    public async Task Seal_WithoutValidToken_401AndStillUnsealed(string? authorization)
    {
        await Server.InitAndUnsealAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/sys/seal");
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        using var response = await Server.Client.SendAsync(request);

        await ProblemAssert.AssertAsync(response, HttpStatusCode.Unauthorized, "unauthorized");
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
        Assert.False(Server.Vault.IsSealed);
    }

    [Fact]
    public async Task Seal_TokenWithoutSealScope_403()
    {
        await Server.InitAndUnsealAsync();
        var (token, _) = await Server.InsertAsync(Guid.NewGuid(), ["portfolio:read"]);

        using var response = await Server.PostJsonAsync("/api/v1/sys/seal", null, token);

        await ProblemAssert.AssertAsync(response, HttpStatusCode.Forbidden, "forbidden");
        Assert.False(Server.Vault.IsSealed);
    }

    [Fact]
    public async Task Seal_ExpiredToken_401()
    {
        await Server.InitAndUnsealAsync();
        var (token, _) = await Server.InsertAsync(Guid.NewGuid(), ["sys:seal"], DateTimeOffset.UtcNow.AddSeconds(-1));

        using var response = await Server.PostJsonAsync("/api/v1/sys/seal", null, token);

        await ProblemAssert.AssertAsync(response, HttpStatusCode.Unauthorized, "unauthorized");
        Assert.False(Server.Vault.IsSealed);
    }

    [Fact]
    public async Task Rotate_WithAdminToken_NewRootVersion_StatusShowsIt()
    {
        var (_, token) = await Server.InitAndUnsealAsync();
        var handle = new CredentialHandle(Guid.NewGuid(), Guid.NewGuid());
        await Server.Vault.StoreSecretAsync(handle.UserId, handle.SecretId, "secret"u8.ToArray(), default);

        using var first = await Server.PostJsonAsync("/api/v1/sys/rotate", new { }, token);
        using var second = await Server.PostJsonAsync("/api/v1/sys/rotate", new { min_decryption_version = 3 }, token);

        var one = await first.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(2, one.GetProperty("root").GetProperty("current").GetInt32());
        Assert.Equal(1, one.GetProperty("rewrapped_user_keys").GetInt32());
        var two = await second.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(3, two.GetProperty("root").GetProperty("current").GetInt32());
        Assert.Equal(3, two.GetProperty("root").GetProperty("min_decryption").GetInt32());
        var status = await Server.GetJsonAsync("/api/v1/sys/status", token);
        Assert.Equal(3, status.GetProperty("key_versions").GetProperty("root").GetProperty("current").GetInt32());
        Assert.Equal(JsonValueKind.Null, (await Server.GetJsonAsync("/api/v1/sys/status")).GetProperty("key_versions").ValueKind);
        Assert.NotNull(await Server.Vault.SignAsync(handle, SigningMechanism.HmacSha256Hex, "m"u8.ToArray()));
    }

    [Fact]
    public async Task Responses_CarryStrictSecurityHeaders()
    {
        using var response = await Server.Client.GetAsync(new Uri("/api/v1/sys/health", UriKind.Relative));

        Assert.Equal("max-age=31536000; includeSubDomains", response.Headers.GetValues("Strict-Transport-Security").Single());
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
        Assert.Contains("default-src 'none'", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.True(response.Headers.CacheControl!.NoStore);
        Assert.False(response.Headers.Contains("Server"));
    }

    [Fact]
    public async Task UnknownRouteAndWrongMethod_AreProblems()
    {
        await Server.InitAndUnsealAsync();

        using var missing = await Server.Client.GetAsync(new Uri("/api/v1/nope", UriKind.Relative));
        using var method = await Server.Client.DeleteAsync(new Uri("/api/v1/sys/health", UriKind.Relative));

        await ProblemAssert.AssertAsync(missing, HttpStatusCode.NotFound, "not-found");
        await ProblemAssert.AssertAsync(method, HttpStatusCode.MethodNotAllowed, "method-not-allowed");
    }

    [Fact]
    public async Task Start_PrintsCertificatePathForClients()
    {
        Assert.Contains("COFFER_CACERT=" + Server.Settings.GeneratedCertificatePath, Server.Console, StringComparison.Ordinal);
        Assert.True(File.Exists(Server.Settings.GeneratedCertificatePath));
        Assert.False(await Task.FromResult(File.ReadAllText(Server.Settings.GeneratedCertificatePath).Contains("PRIVATE", StringComparison.Ordinal)));
    }
}
