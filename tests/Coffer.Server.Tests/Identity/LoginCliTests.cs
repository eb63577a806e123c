using System.Text.Json;
using Coffer.Cli.Tests.Infrastructure;

namespace Coffer.Server.Tests.Identity;

/// <summary>The real <c>coffer login</c> against a real server over HTTPS.</summary>
public sealed class LoginCliTests : IdentityTest
{
    [Fact]
    public async Task Login_PasswordOnStdin_PrintsAnExportLineWithAWorkingSession()
    {
        await SignUpAsync("cli-user");
        using var console = new TestConsole(stdin: UserPassword + "\n");

        var result = await CliRunner.RunAsync(Environment(null), console, "login", "--username", "cli-user");

        Assert.Equal(0, result.ExitCode);
        var line = Assert.Single(result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("export COFFER_TOKEN=cof_session_", line, StringComparison.Ordinal);
        Assert.Equal(System.Net.HttpStatusCode.OK, await StatusOfSelfAsync(line["export COFFER_TOKEN=".Length..].Trim()));
        Assert.DoesNotContain(UserPassword, result.Stdout + result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Login_AccountWithTotp_AsksForTheCodeAndPrintsJson()
    {
        var session = await SignUpAsync("cli-totp");
        var (seed, _) = await EnrolTotpAsync(session);
        using var console = new TestConsole(stdin: $"{UserPassword}\n{Code(seed)}\n");

        var result = await CliRunner.RunAsync(Environment(null), console, "login", "--username", "cli-totp", "--format", "json");

        Assert.Equal(0, result.ExitCode);
        var json = JsonDocument.Parse(result.Stdout).RootElement;
        Assert.Equal(["accessor", "expires_at", "token"], json.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal(System.Net.HttpStatusCode.OK, await StatusOfSelfAsync(json.GetProperty("token").GetString()!));
    }

    [Fact]
    public async Task Login_WrongPassword_ExitsOneWithTheProblem()
    {
        await SignUpAsync("cli-wrong");
        using var console = new TestConsole(stdin: "definitely not the password\n");

        var result = await CliRunner.RunAsync(Environment(null), console, "login", "--username", "cli-wrong");

        Assert.Equal(1, result.ExitCode);
        Assert.Empty(result.Stdout);
        Assert.Contains("username or password is wrong", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LoginSetPassword_InitAdminToken_SetsTheFirstPasswordThenSignsIn()
    {
        // A second admin, made like the first: a user without a password, holding only a root token.
        var data = new Support.TestData();
        var server = await Support.ServerInstance.StartAsync(data.Settings());
        try
        {
            var (_, token) = await server.InitAndUnsealAsync();
            var environment = new Dictionary<string, string?>
            {
                ["COFFER_ADDR"] = server.Address.ToString(),
                ["COFFER_CACERT"] = server.Settings.GeneratedCertificatePath,
                ["COFFER_TOKEN"] = token,
            };
            const string password = "first passphrase typed into the cli";
            using (var console = new TestConsole(stdin: $"{password}\n{password}\n"))
            {
                var set = await CliRunner.RunAsync(environment, console, "login", "--set-password");
                Assert.Equal(0, set.ExitCode);
                Assert.Contains("Password set for admin", set.Stdout, StringComparison.Ordinal);
            }

            environment["COFFER_TOKEN"] = null;
            using var login = new TestConsole(stdin: password + "\n");
            var result = await CliRunner.RunAsync(environment, login, "login", "--username", "admin");
            Assert.Equal(0, result.ExitCode);
            Assert.StartsWith("export COFFER_TOKEN=cof_session_", result.Stdout, StringComparison.Ordinal);
        }
        finally
        {
            await server.DisposeAsync();
            data.Dispose();
        }
    }

    private Dictionary<string, string?> Environment(string? token) => new()
    {
        ["COFFER_ADDR"] = Server.Address.ToString(),
        ["COFFER_CACERT"] = Server.Settings.GeneratedCertificatePath,
        ["COFFER_TOKEN"] = token,
    };
}
