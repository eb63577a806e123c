using System.Net;
using Coffer.Cli.Tests.Infrastructure;

namespace Coffer.Cli.Tests;

public sealed class ConnectionTests
{
    [Fact]
    public async Task Status_NothingListening_AsksWhetherServerIsRunning()
    {
        var address = $"https://127.0.0.1:{Ports.Unused()}";

        var result = await CliRunner.RunAsync(new Dictionary<string, string?> { ["COFFER_ADDR"] = address }, "operator", "status");

        Assert.Equal(ExitCodes.Failure, result.ExitCode);
        Assert.Contains($"Is the server running at {address}?", result.Stderr, StringComparison.Ordinal);
        Assert.Equal(string.Empty, result.Stdout);
    }

    [Fact]
    public async Task Status_SelfSignedServerWithoutCaCert_RefusedWithHowToTrustIt()
    {
        await using var server = await FakeCofferServer.StartAsync();
        var environment = new Dictionary<string, string?>
        {
            ["COFFER_ADDR"] = server.Address,
            ["COFFER_DATA"] = "/srv/coffer",
        };

        var result = await CliRunner.RunAsync(environment, "operator", "status");

        Assert.Equal(ExitCodes.Failure, result.ExitCode);
        Assert.Contains("The server's certificate is not trusted", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("set COFFER_CACERT", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("/srv/coffer/tls/coffer.crt", result.Stderr, StringComparison.Ordinal);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task Status_CaCertOfAnotherServer_Refused()
    {
        await using var server = await FakeCofferServer.StartAsync();
        using var other = TestCertificates.CreateSelfSigned(ipAddress: IPAddress.Loopback);
        var otherDirectory = Directory.CreateDirectory(Path.Combine(server.Directory, "other")).FullName;
        var environment = server.Environment();
        environment["COFFER_CACERT"] = TestCertificates.WritePem(other, otherDirectory);

        var result = await CliRunner.RunAsync(environment, "operator", "status");

        Assert.Equal(ExitCodes.Failure, result.ExitCode);
        Assert.Contains("does not chain to", result.Stderr, StringComparison.Ordinal);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task Status_TrustedCertificateForAnotherHost_Refused()
    {
        await using var server = await FakeCofferServer.StartAsync(TestCertificates.CreateSelfSigned(dnsName: "coffer.invalid"));

        var result = await CliRunner.RunAsync(server.Environment(), "operator", "status");

        Assert.Equal(ExitCodes.Failure, result.ExitCode);
        Assert.Contains("is not valid for '127.0.0.1'", result.Stderr, StringComparison.Ordinal);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task Status_AddrAndCaCertOptions_OverrideEnvironment()
    {
        await using var server = await FakeCofferServer.StartAsync();
        var environment = new Dictionary<string, string?>
        {
            ["COFFER_ADDR"] = $"https://127.0.0.1:{Ports.Unused()}",
            ["COFFER_CACERT"] = Path.Combine(server.Directory, "missing.crt"),
        };

        var result = await CliRunner.RunAsync(environment, "operator", "status", "--addr", server.Address, "--cacert", server.CaCertificatePath);

        Assert.Equal(0, result.ExitCode);
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task Status_AddressWithoutScheme_UsesHttps()
    {
        await using var server = await FakeCofferServer.StartAsync();
        var environment = server.Environment();
        environment["COFFER_ADDR"] = new Uri(server.Address).Authority;

        var result = await CliRunner.RunAsync(environment, "operator", "status");

        Assert.Equal(0, result.ExitCode);
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task Status_MissingCaCertFile_SaysWhichFile()
    {
        var path = Path.Combine(Path.GetTempPath(), "coffer-cli-tests-" + Guid.NewGuid().ToString("N"), "coffer.crt");
        var environment = new Dictionary<string, string?> { ["COFFER_CACERT"] = path };

        var result = await CliRunner.RunAsync(environment, "operator", "status");

        Assert.Equal(ExitCodes.Failure, result.ExitCode);
        Assert.Contains($"Cannot read the CA certificate '{path}'", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_PlainHttpAddress_RefusedBeforeConnecting()
    {
        var result = await CliRunner.RunAsync(new Dictionary<string, string?> { ["COFFER_ADDR"] = "http://127.0.0.1:8443" }, "operator", "status");

        Assert.Equal(ExitCodes.Failure, result.ExitCode);
        Assert.Contains("must use https://", result.Stderr, StringComparison.Ordinal);
    }
}
