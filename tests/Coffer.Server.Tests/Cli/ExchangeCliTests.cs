using System.Net.Http.Json;
using System.Text.Json;
using Coffer.Cli.Tests.Infrastructure;
using Coffer.Sandbox;
using Coffer.Server.Tests.Connections;

namespace Coffer.Server.Tests.Cli;

/// <summary>
/// The real <c>coffer exchange</c> commands against a real server over HTTPS and the sandbox's exchanges over HTTP, with
/// keys issued through the sandbox's control API as a developer would: connect with step-up, list, verify,
/// replace-key, remove — and the refusals, each with its fix and nothing stored.
/// </summary>
public abstract class ExchangeCliTests : ConnectionTest
{
    [Theory]
    [MemberData(nameof(Exchanges))]
    public async Task ConnectListVerifyReplaceRemove_ThroughTheCli_DriveTheRealServer(string exchange)
    {
        var (session, seed) = await TraderWithTotpAsync("ana");
        var key = await IssueAsync(exchange, "read", "trade");
        var secretFile = await SecretFileAsync(key.Secret);

        // connect: the secret from a file, the step-up code at a hidden prompt.
        using (var console = new TestConsole(secret: NextCode(seed)))
        {
            var connect = await RunAsync(session, console, "exchange", "connect", "--exchange", exchange, "--label", "main", "--api-key", key.ApiKey, "--secret-file", secretFile, "--base-url", BaseUrl(exchange));
            Assert.True(connect.ExitCode == 0, connect.Output);
            Assert.Equal(["Authenticator code (step-up; input is hidden):"], console.Prompts);
            Assert.Contains($"Connected {exchange} as 'main'", connect.Stdout, StringComparison.Ordinal);
            Assert.Contains($"{key.ApiKey[..4]}…{key.ApiKey[^4..]}", connect.Stdout, StringComparison.Ordinal);
            Assert.DoesNotContain(key.ApiKey, connect.Output, StringComparison.Ordinal);
            Assert.DoesNotContain(key.Secret.Trim(), connect.Output, StringComparison.Ordinal);
        }

        // list: the table, and the JSON array of the server's views.
        var list = await SucceedAsync(session, "exchange", "list");
        Assert.Matches($@"main\s*│\s*{exchange}\s*│\s*\S+…\S+\s*│\s*active\s*│\s*read, trade", list.Stdout);
        var listed = Json(await SucceedAsync(session, "exchange", "list", "--format", "json"));
        Assert.Equal("main", Assert.Single(listed.EnumerateArray()).GetProperty("label").GetString());
        var id = listed[0].GetProperty("id").GetString()!;

        // verify by label, then by id.
        Assert.Contains("Verified 'main'", (await SucceedAsync(session, "exchange", "verify", "main")).Stdout, StringComparison.Ordinal);
        Assert.Equal("active", Json(await SucceedAsync(session, "exchange", "verify", id, "--format", "json")).GetProperty("status").GetString());

        // replace-key: the new secret piped on stdin, the code as a flag.
        var fresh = SameAccountKey(Sandbox.State.Keys.Find(Front(exchange), key.ApiKey)!);
        using (var piped = new TestConsole(stdin: fresh.Secret))
        {
            var replace = await RunAsync(session, piped, "exchange", "replace-key", "main", "--api-key", fresh.ApiKey, "--totp", NextCode(seed));
            Assert.True(replace.ExitCode == 0, replace.Output);
            Assert.Contains("Replaced the key of 'main'", replace.Stdout, StringComparison.Ordinal);
            Assert.DoesNotContain(fresh.Secret.Trim(), replace.Output, StringComparison.Ordinal);
        }

        Assert.Contains($"{fresh.ApiKey[..4]}…{fresh.ApiKey[^4..]}", (await SucceedAsync(session, "exchange", "list")).Stdout, StringComparison.Ordinal);

        // remove: asks first (and without a terminal to ask on, needs --yes); no is no, yes removes.
        var unasked = await RunAsync(session, new TestConsole(stdin: string.Empty), "exchange", "remove", "main");
        Assert.Equal(1, unasked.ExitCode);
        Assert.Contains("Add --yes.", unasked.Stderr, StringComparison.Ordinal);
        using (var no = new TestConsole(confirm: false))
        {
            var kept = await RunAsync(session, no, "exchange", "remove", "main");
            Assert.Equal(1, kept.ExitCode);
            Assert.Contains("Nothing was removed.", kept.Stderr, StringComparison.Ordinal);
        }

        Assert.Single(Json(await SucceedAsync(session, "exchange", "list", "--format", "json")).EnumerateArray());
        using (var yes = new TestConsole(confirm: true))
        {
            var removed = await RunAsync(session, yes, "exchange", "remove", "main");
            Assert.True(removed.ExitCode == 0, removed.Output);
            Assert.Contains("Removed the", removed.Stdout, StringComparison.Ordinal);
        }

        Assert.Contains("No exchange connections.", (await SucceedAsync(session, "exchange", "list")).Stdout, StringComparison.Ordinal);
        Assert.Equal(0, await LiveCredentialCountAsync());
    }

    [Theory]
    [MemberData(nameof(Exchanges))]
    public async Task Connect_WithdrawalKey_OrWrongSecret_ShowsTheProblemWithItsFix_AndStoresNothing(string exchange)
    {
        var (session, seed) = await TraderWithTotpAsync("ben");
        var secretsBefore = await SecretCountAsync();
        var withdraw = await IssueAsync(exchange, "read", "trade", "withdraw");

        var refused = await RunAsync(session, new TestConsole(stdin: withdraw.Secret), "exchange", "connect", "--exchange", exchange, "--api-key", withdraw.ApiKey, "--base-url", BaseUrl(exchange), "--totp", NextCode(seed));

        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("Error: The API key can move funds out of the account.", refused.Stderr, StringComparison.Ordinal);
        Assert.Contains("Create a new API key with only reading and trading enabled", refused.Stderr, StringComparison.Ordinal);

        var key = await IssueAsync(exchange, "read", "trade");
        var wrong = await IssueAsync(exchange, "read", "trade");
        var json = await RunAsync(session, new TestConsole(stdin: wrong.Secret), "exchange", "connect", "--exchange", exchange, "--api-key", key.ApiKey, "--base-url", BaseUrl(exchange), "--totp", NextCode(seed), "--format", "json");

        Assert.Equal(1, json.ExitCode);
        Assert.Equal("urn:coffer:problem:exchange-authentication-failed", Json(json).GetProperty("type").GetString());
        Assert.DoesNotContain(wrong.Secret.Trim(), refused.Output + json.Output, StringComparison.Ordinal);
        await AssertNothingStoredAsync(session, secretsBefore);
    }

    [Fact]
    public async Task Connect_WithoutACode_OrAReplayedOne_IsRefusedWithTheCliFix()
    {
        var (session, seed) = await TraderWithTotpAsync("cyd");
        var key = await IssueAsync("binance", "read", "trade");
        var code = NextCode(seed);
        Assert.Equal(0, (await RunAsync(session, new TestConsole(stdin: key.Secret), "exchange", "connect", "--exchange", "binance", "--label", "one", "--api-key", key.ApiKey, "--base-url", BaseUrl("binance"), "--totp", code)).ExitCode);

        var replayed = await RunAsync(session, new TestConsole(stdin: key.Secret), "exchange", "connect", "--exchange", "binance", "--label", "two", "--api-key", key.ApiKey, "--base-url", BaseUrl("binance"), "--totp", code);

        Assert.Equal(1, replayed.ExitCode);
        Assert.Contains("Run the command again with the authenticator app's next code.", replayed.Stderr, StringComparison.Ordinal);

        // The secret on stdin and no --totp: the code has nowhere to come from, and nothing is sent.
        var seen = Sandbox.State.Requests.Last(1000).Count;
        var noCode = await RunAsync(session, new TestConsole(stdin: key.Secret), "exchange", "connect", "--exchange", "binance", "--label", "three", "--api-key", key.ApiKey, "--base-url", BaseUrl("binance"));
        Assert.Equal(1, noCode.ExitCode);
        Assert.Contains("pass --totp CODE", noCode.Stderr, StringComparison.Ordinal);
        Assert.Equal(seen, Sandbox.State.Requests.Last(1000).Count);
        Assert.Single(Json(await SucceedAsync(session, "exchange", "list", "--format", "json")).EnumerateArray());
    }

    [Fact]
    public async Task AfterFreezeAndUnfreeze_ListSaysTheKeyMustBeReEntered_AndReplaceKeyFixesIt()
    {
        var (session, seed) = await TraderWithTotpAsync("dee");
        var key = await IssueAsync("kraken", "read", "trade");
        Assert.Equal(0, (await RunAsync(session, new TestConsole(stdin: key.Secret), "exchange", "connect", "--exchange", "kraken", "--label", "kr", "--api-key", key.ApiKey, "--base-url", BaseUrl("kraken"), "--totp", NextCode(seed))).ExitCode);
        using (var freeze = await SendAsync(HttpMethod.Post, "/api/v1/account/freeze", null, session))
        {
            await JsonAsync(freeze);
        }

        using var unfreeze = await SendAsync(HttpMethod.Post, "/api/v1/account/unfreeze", new { username = "dee", password = UserPassword, totp_code = NextCode(seed) });
        var fresh = (await JsonAsync(unfreeze)).GetProperty("token").GetString()!;

        var list = await SucceedAsync(fresh, "exchange", "list");
        Assert.Contains("key must be re-entered", list.Stdout, StringComparison.Ordinal);
        Assert.Contains("coffer exchange replace-key kr", list.Stdout, StringComparison.Ordinal);
        var verify = await RunAsync(fresh, new TestConsole(), "exchange", "verify", "kr");
        Assert.Equal(1, verify.ExitCode);
        Assert.Contains("replace-key", verify.Stderr, StringComparison.Ordinal);

        var replaced = await RunAsync(fresh, new TestConsole(stdin: key.Secret), "exchange", "replace-key", "kr", "--api-key", key.ApiKey, "--totp", NextCode(seed));

        Assert.True(replaced.ExitCode == 0, replaced.Output);
        Assert.Matches(@"kr\s*│\s*kraken\s*│\s*\S+…\S+\s*│\s*active", (await SucceedAsync(fresh, "exchange", "list")).Stdout);
    }

    [Fact]
    public async Task VerifyOrRemove_UnknownLabel_SaysHowToFindIt()
    {
        var (session, _) = await TraderWithTotpAsync("eve");

        var verify = await RunAsync(session, new TestConsole(), "exchange", "verify", "nope");
        var remove = await RunAsync(session, new TestConsole(), "exchange", "remove", "nope", "--yes");
        var byId = await RunAsync(session, new TestConsole(), "exchange", "remove", Guid.NewGuid().ToString(), "--yes", "--format", "json");

        Assert.Equal(1, verify.ExitCode);
        Assert.Contains("You have no connection labelled 'nope'. `coffer exchange list` shows", verify.Stderr, StringComparison.Ordinal);
        Assert.Equal(1, remove.ExitCode);
        Assert.Equal(1, byId.ExitCode);
        Assert.Equal("urn:coffer:problem:not-found", Json(byId).GetProperty("type").GetString());
    }

    private sealed record IssuedKey(string ApiKey, string Secret);

    /// <summary>A key from the sandbox's control API (POST /sandbox/keys), as a developer gets one.</summary>
    private async Task<IssuedKey> IssueAsync(string exchange, params string[] permissions)
    {
        using var http = new HttpClient { BaseAddress = Sandbox.BaseUrl(Front(exchange)) };
        using var response = await http.PostAsJsonAsync("/sandbox/keys", new { exchange, permissions });
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return new IssuedKey(body.GetProperty("api_key").GetString()!, body.GetProperty("secret").GetString()!);
    }

    private string BaseUrl(string exchange) => Sandbox.BaseUrl(Front(exchange)).ToString();

    private string NextCode(byte[] seed) => StepUp(seed)["totp=".Length..];

    private async Task<string> SecretFileAsync(string secret)
    {
        var path = Path.Combine(Data.Directory, $"secret-{Guid.NewGuid():N}");
        await File.WriteAllTextAsync(path, secret);
        return path;
    }

    private async Task<CliResult> SucceedAsync(string token, params string[] args)
    {
        var result = await RunAsync(token, new TestConsole(), args);
        Assert.True(result.ExitCode == 0, $"coffer {string.Join(' ', args)} exited {result.ExitCode}: {result.Output}");
        return result;
    }

    private Task<CliResult> RunAsync(string token, TestConsole console, params string[] args) =>
        CliRunner.RunAsync(
            new Dictionary<string, string?>
            {
                ["COFFER_ADDR"] = Server.Address.ToString(),
                ["COFFER_CACERT"] = Server.Settings.GeneratedCertificatePath,
                ["COFFER_TOKEN"] = token,
            },
            console,
            args);

    private static JsonElement Json(CliResult result) => JsonDocument.Parse(result.Stdout).RootElement.Clone();
}

public sealed class ExchangeCliSqliteTests : ExchangeCliTests;

public sealed class ExchangeCliPostgresTests : ExchangeCliTests
{
    internal override bool OnPostgres => true;
}
