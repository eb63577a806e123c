using System.Net;
using System.Text.Json;
using Coffer.Cli.Tests.Infrastructure;
using Coffer.Server.Tests.Support;
using Coffer.Vault;
using Coffer.Vault.Signing;

namespace Coffer.Server.Tests.Cli;

/// <summary>The real <c>coffer operator</c> commands against a real server over HTTPS, trusting it via COFFER_CACERT.</summary>
public sealed class OperatorCliTests : ServerTest
{

    [Fact]
    public async Task InitUnsealSealRotate_ThroughTheCli_DriveTheRealVault()
    {
        var init = await RunAsync(null, "operator", "init", "--shares", "3", "--threshold", "2", "--format", "json");
        Assert.Equal(0, init.ExitCode);
        var json = JsonDocument.Parse(init.Stdout).RootElement;
        var shares = json.GetProperty("shares").EnumerateArray().Select(s => s.GetString()!).ToList();
        var token = json.GetProperty("admin_token").GetString()!;
        Assert.Equal(3, shares.Count);

        var status = await RunAsync(null, "operator", "status", "--format", "json");
        var statusJson = JsonDocument.Parse(status.Stdout).RootElement;
        Assert.True(statusJson.GetProperty("initialized").GetBoolean());
        Assert.True(statusJson.GetProperty("sealed").GetBoolean());
        Assert.Equal("shamir", statusJson.GetProperty("provider").GetString());

        using (var console = new TestConsole(stdin: shares[1] + "\n"))
        {
            var first = await CliRunner.RunAsync(Environment(null), console, "operator", "unseal");
            Assert.Equal(0, first.ExitCode);
            Assert.DoesNotContain(shares[1], first.Stdout + first.Stderr, StringComparison.Ordinal);
        }

        Assert.Equal(0, (await RunAsync(null, "operator", "unseal", shares[2])).ExitCode);
        Assert.False(Server.Vault.IsSealed);
        var handle = new CredentialHandle(Guid.NewGuid(), Guid.NewGuid());
        await Server.Vault.StoreSecretAsync(handle.UserId, handle.SecretId, "exchange-secret"u8.ToArray(), default);
        var signature = await Server.Vault.SignAsync(handle, SigningMechanism.HmacSha256Hex, "m"u8.ToArray());

        var rotate = await RunAsync(token, "operator", "rotate", "--format", "json");
        Assert.Equal(0, rotate.ExitCode);
        Assert.Equal(2, JsonDocument.Parse(rotate.Stdout).RootElement.GetProperty("root").GetProperty("current").GetInt32());

        var seal = await RunAsync(token, "operator", "seal");
        Assert.Equal(0, seal.ExitCode);

        // Sealed: signing fails, the API answers 503, and the CLI says so.
        var error = await Assert.ThrowsAsync<VaultException>(() => Server.Vault.SignAsync(handle, SigningMechanism.HmacSha256Hex, "m"u8.ToArray()).AsTask());
        Assert.Equal(VaultError.Sealed, error.Code);
        using (var response = await Server.PostJsonAsync("/api/v1/sys/rotate", new { }, token))
        {
            await ProblemAssert.AssertAsync(response, HttpStatusCode.ServiceUnavailable, "sealed");
        }

        var refused = await RunAsync(token, "operator", "rotate");
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("sealed", refused.Stderr, StringComparison.Ordinal);

        // K shares bring it back, with the same secrets.
        Assert.Equal(0, (await RunAsync(null, "operator", "unseal", shares[0])).ExitCode);
        Assert.Equal(0, (await RunAsync(null, "operator", "unseal", shares[2])).ExitCode);
        Assert.Equal(signature, await Server.Vault.SignAsync(handle, SigningMechanism.HmacSha256Hex, "m"u8.ToArray()));
        Assert.DoesNotContain(token, string.Join('\n', seal.Stdout, seal.Stderr, rotate.Stderr), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unseal_CorruptedShare_CliShowsTheProblemAndProgressIsKept()
    {
        var init = await RunAsync(null, "operator", "init", "--shares", "3", "--threshold", "2", "--format", "json");
        var share = JsonDocument.Parse(init.Stdout).RootElement.GetProperty("shares")[0].GetString()!;
        var corrupted = share[..^1] + (share[^1] == 'A' ? 'B' : 'A');

        var result = await RunAsync(null, "operator", "unseal", corrupted);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("share", result.Stderr, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(corrupted, result.Stdout + result.Stderr, StringComparison.Ordinal);
        Assert.Equal(0, Server.Vault.Status.UnsealProgress);
    }

    private Task<CliResult> RunAsync(string? token, params string[] args) => CliRunner.RunAsync(Environment(token), args);

    private Dictionary<string, string?> Environment(string? token) => new()
    {
        ["COFFER_ADDR"] = Server.Address.ToString(),
        ["COFFER_CACERT"] = Server.Settings.GeneratedCertificatePath,
        ["COFFER_TOKEN"] = token,
    };
}
