using System.Net;
using Coffer.Server.Hosting;
using Coffer.Server.Tests.Support;
using Coffer.Vault;
using Coffer.Vault.Signing;
using Coffer.Vault.Tests.Pkcs11;

namespace Coffer.Server.Tests.Sys;

/// <summary>What each key provider does across a restart of the server process.</summary>
[Collection(SoftHsmTestGroup.Name)]
public sealed class RestartTests(SoftHsmFixture hsm)
{
    [Fact]
    public async Task Restart_Shamir_ComesUpSealed_SharesBringSecretsBack()
    {
        using var data = new TestData();
        var server = await ServerInstance.StartAsync(data.Settings());
        var (shares, _) = await server.InitAndUnsealAsync(shares: 3, threshold: 2);
        var handle = new CredentialHandle(Guid.NewGuid(), Guid.NewGuid());
        await server.Vault.StoreSecretAsync(handle.UserId, handle.SecretId, "secret"u8.ToArray(), default);
        var signature = await server.Vault.SignAsync(handle, SigningMechanism.HmacSha256Hex, "m"u8.ToArray());

        server = await server.RestartAsync();
        try
        {
            Assert.True(server.Vault.IsSealed);
            Assert.True((await server.GetJsonAsync("/api/v1/sys/status")).GetProperty("sealed").GetBoolean());
            using var sealedCall = await server.PostJsonAsync("/api/v1/sys/rotate", new { });
            await ProblemAssert.AssertAsync(sealedCall, HttpStatusCode.ServiceUnavailable, "sealed");

            (await server.PostJsonAsync("/api/v1/sys/unseal", new { share = shares[2] })).Dispose();
            (await server.PostJsonAsync("/api/v1/sys/unseal", new { share = shares[1] })).Dispose();

            Assert.False(server.Vault.IsSealed);
            Assert.Equal(signature, await server.Vault.SignAsync(handle, SigningMechanism.HmacSha256Hex, "m"u8.ToArray()));
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    [Fact]
    public async Task Restart_Pkcs11_ComesUpUnsealed_AndSealLastsUntilRestart()
    {
        using var data = new TestData();
        var settings = data.Settings(KeyProviderKind.Pkcs11) with { Pkcs11 = hsm.Options() };
        var server = await ServerInstance.StartAsync(settings);
        try
        {
            using var init = await server.PostJsonAsync("/api/v1/sys/init", new { });
            var body = await System.Net.Http.Json.HttpContentJsonExtensions.ReadFromJsonAsync<System.Text.Json.JsonElement>(init.Content);
            Assert.Equal(HttpStatusCode.OK, init.StatusCode);
            Assert.Equal(0, body.GetProperty("shares").GetArrayLength());
            Assert.Equal("pkcs11", body.GetProperty("provider").GetString());
            Assert.False(body.GetProperty("sealed").GetBoolean());
            var token = body.GetProperty("admin_token").GetString()!;
            var handle = new CredentialHandle(Guid.NewGuid(), Guid.NewGuid());
            await server.Vault.StoreSecretAsync(handle.UserId, handle.SecretId, "secret"u8.ToArray(), default);
            var signature = await server.Vault.SignAsync(handle, SigningMechanism.HmacSha256Hex, "m"u8.ToArray());

            // The unseal key is stored only wrapped by the HSM's KEK.
            await using (var connection = Coffer.Server.Data.Database.CreateConnection(settings))
            {
                await connection.OpenAsync();
                await using var command = connection.CreateCommand();
                command.CommandText = "SELECT length(provider_data) FROM vault_state";
                Assert.Equal(40L, (long)(await command.ExecuteScalarAsync())!);
            }

            server = await server.RestartAsync();
            Assert.False(server.Vault.IsSealed);
            Assert.Equal(signature, await server.Vault.SignAsync(handle, SigningMechanism.HmacSha256Hex, "m"u8.ToArray()));

            (await server.PostJsonAsync("/api/v1/sys/seal", null, token)).Dispose();
            Assert.True(server.Vault.IsSealed);
            await Assert.ThrowsAsync<VaultException>(() => server.Vault.SignAsync(handle, SigningMechanism.HmacSha256Hex, "m"u8.ToArray()).AsTask());
            using var shares = await server.PostJsonAsync("/api/v1/sys/unseal", new { share = "cofs1_x" });
            await ProblemAssert.AssertAsync(shares, HttpStatusCode.BadRequest, "invalid-argument");

            server = await server.RestartAsync();
            Assert.False(server.Vault.IsSealed);
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    [Fact]
    public async Task Start_Pkcs11UnknownToken_FailsToStartNamingItWithoutPrintingPin()
    {
        using var data = new TestData();
        var good = data.Settings(KeyProviderKind.Pkcs11) with { Pkcs11 = hsm.Options() };
        await (await ServerInstance.StartAsync(good)).DisposeAsync();
        var wrongToken = good with { Pkcs11 = good.Pkcs11! with { TokenLabel = "no-such-token" } };
        await using (var first = await ServerInstance.StartAsync(good))
        {
            (await first.PostJsonAsync("/api/v1/sys/init", new { })).Dispose();
        }

        var error = await Assert.ThrowsAnyAsync<Exception>(() => ServerInstance.StartAsync(wrongToken));

        Assert.Contains("no-such-token", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(good.Pkcs11!.Pin, error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Restart_DevFileProvider_ComesUpUnsealed_AndSaysItIsDevOnly()
    {
        using var data = new TestData();
        var server = await ServerInstance.StartAsync(data.Settings(KeyProviderKind.File));
        try
        {
            Assert.Contains("development only", server.Console, StringComparison.Ordinal);
            Assert.Matches("export COFFER_TOKEN=cof_trader_[0-9A-Za-z_]+", server.Console);
            Assert.False(server.Vault.IsSealed);

            server = await server.RestartAsync();

            Assert.False(server.Vault.IsSealed);
            Assert.DoesNotContain("COFFER_TOKEN", server.Console, StringComparison.Ordinal);
            var status = await server.GetJsonAsync("/api/v1/sys/status");
            Assert.Equal("file", status.GetProperty("provider").GetString());
            Assert.True(status.GetProperty("dev_only").GetBoolean());
            Assert.True(OperatingSystem.IsWindows() || File.GetUnixFileMode(server.Settings.DevKeyFilePath) == (UnixFileMode.UserRead | UnixFileMode.UserWrite));
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    [Fact]
    public async Task Start_ProviderDiffersFromInit_RefusesToStart()
    {
        using var data = new TestData();
        await using (var server = await ServerInstance.StartAsync(data.Settings(KeyProviderKind.File)))
        {
            (await server.PostJsonAsync("/api/v1/sys/init", new { })).Dispose();
        }

        var error = await Assert.ThrowsAsync<VaultException>(() => ServerInstance.StartAsync(data.Settings(KeyProviderKind.Shamir)));

        Assert.Contains("initialized with the file key provider", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_FileProviderWithoutDev_Refused()
    {
        var error = Assert.Throws<SettingsException>(() => SettingsResolver.Resolve("/tmp/x", null, dev: false, name => name == "COFFER_KEY_PROVIDER" ? "file" : null));

        Assert.Contains("development only", error.Message, StringComparison.Ordinal);
    }
}
