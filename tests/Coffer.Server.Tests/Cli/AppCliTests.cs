using System.Net;
using System.Text.Json;
using Coffer.Cli.Tests.Infrastructure;
using Coffer.Server.Tests.OAuth;

namespace Coffer.Server.Tests.Cli;

/// <summary>The real <c>coffer app</c> commands against a real server, acting as alice's session (COFFER_TOKEN).</summary>
public class AppCliTests : OAuthTest
{
    [Fact]
    public async Task CreateListDisable_ThroughTheCli_SecretShownOnceAndDisableRevokesEveryGrant()
    {
        // Confidential: the secret is in create's answer, once.
        var created = Json(await SucceedAsync(
            new TestConsole(), "app", "create", "--name", "CLI tool", "--type", "confidential", "--redirect-uri", Redirect,
            "--scope", "portfolio:read", "--scope", "orders:read", "--max-notional", "250", "--format", "json"));
        var clientId = created.GetProperty("client_id").GetString()!;
        var secret = created.GetProperty("client_secret").GetString()!;
        Assert.StartsWith("app_", clientId, StringComparison.Ordinal);
        Assert.StartsWith("cof_client_", secret, StringComparison.Ordinal);
        Assert.Equal(250m, created.GetProperty("trading").GetProperty("max_order_notional").GetDecimal());

        // Public, in table mode: no secret, and no warning about one.
        var publicTable = await SucceedAsync(
            new TestConsole(), "app", "create", "--name", "Native", "--type", "public", "--redirect-uri", "http://127.0.0.1/callback", "--scope", "portfolio:read");
        Assert.Contains("Client ID:     app_", publicTable.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("Client secret", publicTable.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("shown only this once", publicTable.Stdout, StringComparison.Ordinal);

        // A confidential one in table mode: the secret with the warning.
        var confidentialTable = await SucceedAsync(
            new TestConsole(), "app", "create", "--name", "Server", "--type", "confidential", "--redirect-uri", Redirect, "--scope", "portfolio:read");
        Assert.Contains("WARNING: the client secret is shown only this once", confidentialTable.Stdout, StringComparison.Ordinal);
        Assert.Matches("Client secret: cof_client_", confidentialTable.Stdout);

        // List: every app, never a secret.
        var list = await SucceedAsync(new TestConsole(), "app", "list");
        Assert.Contains(clientId, list.Stdout, StringComparison.Ordinal);
        Assert.Contains("CLI tool", list.Stdout, StringComparison.Ordinal);
        Assert.Contains("http://127.0.0.1/callback", list.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("cof_client_", list.Stdout, StringComparison.Ordinal);
        var listJson = Json(await SucceedAsync(new TestConsole(), "app", "list", "--format", "json"));
        Assert.Equal(3, listJson.GetArrayLength());
        Assert.All(listJson.EnumerateArray(), app => Assert.False(app.TryGetProperty("client_secret", out _)));

        // A grant the app holds, then disable: refused without a terminal and --yes, then confirmed.
        var code = await CodeAsync(clientId);
        using var redeemed = await RedeemAsync(clientId, code, basic: (clientId, secret));
        var refresh = (await JsonAsync(redeemed)).GetProperty("refresh_token").GetString()!;
        var unconfirmed = await RunAsync(new TestConsole(stdin: string.Empty), "app", "disable", clientId);
        Assert.Equal(1, unconfirmed.ExitCode);
        Assert.Contains("without confirmation", unconfirmed.Stderr, StringComparison.Ordinal);
        using (var stillWorks = await RefreshAsync(clientId, refresh, basic: (clientId, secret)))
        {
            refresh = (await JsonAsync(stillWorks)).GetProperty("refresh_token").GetString()!;
        }

        using var console = new TestConsole(confirm: true);
        var disabled = await SucceedAsync(console, "app", "disable", clientId);
        Assert.Equal(1, disabled.PromptCount);
        Assert.Contains("Every grant users gave it is revoked", console.Prompts.Single(), StringComparison.Ordinal);
        Assert.Contains($"Disabled the app {clientId}", disabled.Stdout, StringComparison.Ordinal);
        Assert.Contains("every grant it held is revoked", disabled.Stdout, StringComparison.Ordinal);
        using (var refused = await RefreshAsync(clientId, refresh, basic: (clientId, secret)))
        {
            Assert.NotEqual(HttpStatusCode.OK, refused.StatusCode);
        }

        var after = Json(await SucceedAsync(new TestConsole(), "app", "list", "--format", "json"))
            .EnumerateArray().Single(a => a.GetProperty("client_id").GetString() == clientId);
        Assert.Equal(JsonValueKind.String, after.GetProperty("disabled_at").ValueKind);
    }

    [Fact]
    public async Task Create_ScopeTheCallerLacksOrBadRedirect_ShowsTheProblemAndCreatesNothing()
    {
        var wider = await RunAsync(new TestConsole(), "app", "create", "--name", "X", "--type", "public", "--redirect-uri", Redirect, "--scope", "admin");
        Assert.Equal(1, wider.ExitCode);
        Assert.StartsWith("Error: ", wider.Stderr, StringComparison.Ordinal);
        var http = await RunAsync(new TestConsole(), "app", "create", "--name", "X", "--type", "public", "--redirect-uri", "http://tool.example/cb", "--scope", "portfolio:read", "--format", "json");
        Assert.Equal(1, http.ExitCode);
        Assert.StartsWith("urn:coffer:problem:", Json(http).GetProperty("type").GetString(), StringComparison.Ordinal);
        var badType = await RunAsync(new TestConsole(), "app", "create", "--name", "X", "--type", "secret", "--redirect-uri", Redirect, "--scope", "portfolio:read");
        Assert.Equal(2, badType.ExitCode);
        Assert.Equal(0, Json(await SucceedAsync(new TestConsole(), "app", "list", "--format", "json")).GetArrayLength());
    }

    private async Task<CliResult> SucceedAsync(TestConsole console, params string[] args)
    {
        var result = await RunAsync(console, args);
        Assert.True(result.ExitCode == 0, $"coffer {string.Join(' ', args)} exited {result.ExitCode}: {result.Output}");
        return result;
    }

    private Task<CliResult> RunAsync(TestConsole console, params string[] args) =>
        CliRunner.RunAsync(
            new Dictionary<string, string?>
            {
                ["COFFER_ADDR"] = Server.Address.ToString(),
                ["COFFER_CACERT"] = Server.Settings.GeneratedCertificatePath,
                ["COFFER_TOKEN"] = Session,
            },
            console,
            args);

    private static JsonElement Json(CliResult result) => JsonDocument.Parse(result.Stdout).RootElement.Clone();
}

public sealed class AppCliPostgresTests : AppCliTests
{
    internal override bool OnPostgres => true;
}
