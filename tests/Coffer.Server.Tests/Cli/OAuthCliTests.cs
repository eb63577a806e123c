using System.Buffers.Text;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Coffer.Cli.Tests.Infrastructure;
using Coffer.Server.Features.OAuth;
using Coffer.Server.Tests.OAuth;

namespace Coffer.Server.Tests.Cli;

/// <summary>The real <c>coffer oauth</c> helpers against a real server: PKCE, the loopback login, refresh, introspect, revoke.</summary>
public sealed class OAuthCliTests : OAuthTest
{
    private const string Loopback = "http://127.0.0.1/callback";
    private const string OAuthSecretVariable = "COFFER_CLIENT_SECRET";

    private static readonly Dictionary<string, string?> NoEnvironment = [];

    // Bounds on waits for the CLI running alongside the test, not measurements.
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Pkce_PrintsAVerifierOfRfc7636SyntaxAndItsS256Challenge()
    {
        var first = Json(await SucceedAsync(new TestConsole(), NoEnvironment, "oauth", "pkce", "--format", "json"));
        var second = Json(await SucceedAsync(new TestConsole(), NoEnvironment, "oauth", "pkce", "--format", "json"));

        var verifier = first.GetProperty("code_verifier").GetString()!;
        Assert.Matches("^[A-Za-z0-9._~-]{43,128}$", verifier);
        Assert.Equal(Base64Url.EncodeToString(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))), first.GetProperty("code_challenge").GetString());
        Assert.Equal("S256", first.GetProperty("code_challenge_method").GetString());
        Assert.NotEqual(verifier, second.GetProperty("code_verifier").GetString());
        var table = await SucceedAsync(new TestConsole(), NoEnvironment, "oauth", "pkce");
        Assert.Matches("code_verifier: +[A-Za-z0-9_-]{43}\n", table.Stdout.Replace("\r", string.Empty, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Login_ConsentInTheWebApp_RedirectReachesTheLoopbackListenerAndTheCliPrintsTokens()
    {
        var (clientId, _) = await CreateAppAsync(redirects: [Loopback], scopes: ["portfolio:read", "orders:read"]);
        using var console = new TestConsole();
        var login = RunAsync(console, NoEnvironment, "oauth", "login", "--client-id", clientId, "--scope", "portfolio:read orders:read", "--format", "json");

        var redirect = await ConsentAsync(console);
        Assert.Equal("127.0.0.1", redirect.Host);
        Assert.Equal("/callback", redirect.AbsolutePath);
        using (var browser = new HttpClient())
        {
            var page = await browser.GetStringAsync(redirect);
            Assert.Contains("You can close this tab", page, StringComparison.Ordinal);
        }

        var result = await login.WaitAsync(Wait);
        Assert.True(result.ExitCode == 0, result.Output);
        var tokens = Json(result);
        var access = tokens.GetProperty("access_token").GetString()!;
        Assert.StartsWith("cof_oauth_", access, StringComparison.Ordinal);
        Assert.StartsWith("cof_refresh_", tokens.GetProperty("refresh_token").GetString(), StringComparison.Ordinal);
        Assert.Equal(["orders:read", "portfolio:read"], tokens.GetProperty("scope").GetString()!.Split(' ').Order(StringComparer.Ordinal));
        Assert.Equal(3600, tokens.GetProperty("expires_in").GetInt32());

        // The access token is a working Coffer token with the grant's scopes.
        using var self = await SendAsync(HttpMethod.Get, "/api/v1/tokens/self", token: access);
        Assert.NotEqual(HttpStatusCode.Unauthorized, self.StatusCode);
    }

    [Fact]
    public async Task Login_RedirectWithAnotherState_IsRefusedAndNothingIsExchanged()
    {
        var (clientId, _) = await CreateAppAsync(redirects: [Loopback]);
        using var console = new TestConsole();
        var login = RunAsync(console, NoEnvironment, "oauth", "login", "--client-id", clientId, "--scope", "portfolio:read");

        var redirect = await ConsentAsync(console);
        var forged = new UriBuilder(redirect) { Query = string.Join('&', Params(redirect).Select(p => p.Key + "=" + Uri.EscapeDataString(p.Key == "state" ? "forged" : p.Value))) }.Uri;
        using (var browser = new HttpClient())
        {
            Assert.Contains("Authorization failed", await browser.GetStringAsync(forged), StringComparison.Ordinal);
        }

        var result = await login.WaitAsync(Wait);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("state does not match", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("cof_oauth_", result.Output, StringComparison.Ordinal);

        // The code was not redeemed: it still is redeemable (once) by whoever holds the verifier — here, nobody but the CLI.
        Assert.False(string.IsNullOrEmpty(Params(redirect)["code"]));
    }

    [Fact]
    public async Task RefreshIntrospectRevoke_ThroughTheCli_AndAnOAuthErrorIsShownAsErrorColonDescription()
    {
        var (clientId, secret) = await CreateAppAsync(type: ClientTypes.Confidential);
        var code = await CodeAsync(clientId);
        using var redeemed = await RedeemAsync(clientId, code, basic: (clientId, secret!));
        var first = await JsonAsync(redeemed);
        var oldRefresh = first.GetProperty("refresh_token").GetString()!;
        var withSecret = new Dictionary<string, string?> { [OAuthSecretVariable] = secret };

        // Refresh: the refresh token on stdin, the secret from the environment; a new pair comes back.
        var refreshed = Json(await SucceedAsync(new TestConsole(stdin: oldRefresh + "\n"), withSecret, "oauth", "refresh", "--client-id", clientId, "--refresh-token", "-", "--format", "json"));
        var access = refreshed.GetProperty("access_token").GetString()!;
        var newRefresh = refreshed.GetProperty("refresh_token").GetString()!;
        Assert.NotEqual(oldRefresh, newRefresh);

        // Introspect the new access token.
        var introspected = Json(await SucceedAsync(new TestConsole(stdin: access), withSecret, "oauth", "introspect", "--client-id", clientId, "--token", "-"));
        Assert.True(introspected.GetProperty("active").GetBoolean());
        Assert.Equal(clientId, introspected.GetProperty("client_id").GetString());
        Assert.Equal("alice", introspected.GetProperty("username").GetString());

        // Revoke the refresh token: the grant ends, the access token with it.
        var revoked = await SucceedAsync(new TestConsole(stdin: newRefresh), withSecret, "oauth", "revoke", "--client-id", clientId, "--token", "-");
        Assert.Contains("Revoked", revoked.Stdout, StringComparison.Ordinal);
        var after = Json(await SucceedAsync(new TestConsole(stdin: access), withSecret, "oauth", "introspect", "--client-id", clientId, "--token", "-"));
        Assert.False(after.GetProperty("active").GetBoolean());

        // An OAuth error: the dead refresh token, shown as `error: description` on stderr, exit 1.
        var dead = await RunAsync(new TestConsole(stdin: oldRefresh), withSecret, "oauth", "refresh", "--client-id", clientId, "--refresh-token", "-");
        Assert.Equal(1, dead.ExitCode);
        Assert.StartsWith("Error: invalid_grant: ", dead.Stderr, StringComparison.Ordinal);
        Assert.Equal(string.Empty, dead.Stdout);
        var deadJson = await RunAsync(new TestConsole(stdin: oldRefresh), withSecret, "oauth", "refresh", "--client-id", clientId, "--refresh-token", "-", "--format", "json");
        Assert.Equal("invalid_grant", Json(deadJson).GetProperty("error").GetString());

        // Introspection without the client secret: invalid_client.
        var anonymous = await RunAsync(new TestConsole(stdin: access), new Dictionary<string, string?> { [OAuthSecretVariable] = "cof_client_wrong" }, "oauth", "introspect", "--client-id", clientId, "--token", "-");
        Assert.Equal(1, anonymous.ExitCode);
        Assert.StartsWith("Error: invalid_client", anonymous.Stderr, StringComparison.Ordinal);

        // A token typed as the option's value is refused at parse time and never echoed.
        var literal = await RunAsync(new TestConsole(), withSecret, "oauth", "refresh", "--client-id", clientId, "--refresh-token", newRefresh);
        Assert.Equal(2, literal.ExitCode);
        Assert.DoesNotContain(newRefresh, literal.Output, StringComparison.Ordinal);
        Assert.Contains("shell history", literal.Stderr, StringComparison.Ordinal);

        // The secret never appears in any output.
        Assert.DoesNotContain(secret!, string.Join('\n', revoked.Output, dead.Output, anonymous.Output), StringComparison.Ordinal);
    }

    /// <summary>Reads the authorize URL the CLI printed, and does what the person does in the web app: follow it, approve.</summary>
    private async Task<Uri> ConsentAsync(TestConsole console)
    {
        var deadline = DateTime.UtcNow + Wait;
        string? url = null;
        while (url is null)
        {
            Assert.True(DateTime.UtcNow < deadline, "The CLI printed no authorize URL: " + console.Stderr);
            await Task.Delay(50);
            url = console.Stderr.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith("https://", StringComparison.Ordinal) && l.Contains("/oauth/authorize?", StringComparison.Ordinal));
        }

        var authorize = new Uri(url);
        var query = Params(authorize);
        Assert.Equal("S256", query["code_challenge_method"]);
        Assert.Matches("^http://127\\.0\\.0\\.1:[0-9]+/callback$", query["redirect_uri"]);
        Assert.True(query["state"].Length >= 16);
        using var response = await AuthorizeAsync(authorize.Query.TrimStart('?'));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var requestId = response.Headers.Location!.OriginalString["/consent/".Length..];
        return await ApproveAsync(requestId);
    }

    private async Task<CliResult> SucceedAsync(TestConsole console, IReadOnlyDictionary<string, string?> extra, params string[] args)
    {
        var result = await RunAsync(console, extra, args);
        Assert.True(result.ExitCode == 0, $"coffer {string.Join(' ', args)} exited {result.ExitCode}: {result.Output}");
        return result;
    }

    private Task<CliResult> RunAsync(TestConsole console, IReadOnlyDictionary<string, string?> extra, params string[] args)
    {
        var environment = new Dictionary<string, string?>(extra)
        {
            ["COFFER_ADDR"] = Server.Address.ToString(),
            ["COFFER_CACERT"] = Server.Settings.GeneratedCertificatePath,
        };

        // On the thread pool: login waits for the redirect while the test plays the browser.
        return Task.Run(() => CliRunner.RunAsync(environment, console, args));
    }

    private static JsonElement Json(CliResult result) => JsonDocument.Parse(result.Stdout).RootElement.Clone();
}
