using System.Text.Json.Nodes;
using Coffer.Sandbox.Engine;
using Coffer.Sandbox.Keys;
using Coffer.Sandbox.Tests.Support;
using static Coffer.Sandbox.Tests.Support.KrakenTestClient;

namespace Coffer.Sandbox.Tests.Kraken;

/// <summary>The Kraken front checks key, API-Sign, nonce and permissions as spot-rest-auth says, over real HTTP.</summary>
public sealed class KrakenAuthTests
{
    private static readonly string[] ReadTrade = ["read", "trade"];
    private static readonly string[] ReadOnly = ["read"];
    private static readonly string[] TradeOnly = ["trade"];

    private static Task<SandboxRun> StartAsync() => SandboxRun.StartAsync(exchange: SandboxExchange.Kraken);

    [Fact]
    public async Task OfficialDocVector_SignerMatches_AndTheDocumentedRequestIsAccepted_ThenRefusedAsReplay()
    {
        var vector = Vector("kraken-doc-addorder-form");
        var inputs = vector["inputs"]!;
        var (secret, nonce, path, body) = (Text(inputs, "secret"), Text(inputs, "nonce"), Text(inputs, "path"), Text(inputs, "body"));
        var expected = vector["expected"]!.GetValue<string>();
        Assert.Equal(expected, Sign(secret, path, nonce, body));

        await using var run = await StartAsync();
        // The vector publishes no public key; any 56-character one carries the documented private key.
        var key = run.Host.State.Keys.Import(SandboxExchange.Kraken, new string('K', 56), secret, KeyPermissions.Read | KeyPermissions.Trade);
        run.Host.State.Engine.Deposit(key.Account, "USD", 50_000m);

        var (status, accepted) = await run.Kraken.PostAsync(path, key.ApiKey, expected, body, Text(inputs, "contentType"));
        var (_, replay) = await run.Kraken.PostAsync(path, key.ApiKey, expected, body, Text(inputs, "contentType"));

        Assert.Equal(200, status);
        var result = Result(accepted);
        Assert.Equal("buy 1.25000000 XBTUSD @ limit 37500.00", result.GetProperty("descr").GetProperty("order").GetString());
        Assert.Matches("^O[A-Z0-9]{5}-[A-Z0-9]{5}-[A-Z0-9]{6}$", Assert.Single(result.GetProperty("txid").EnumerateArray()).GetString());
        var order = Assert.Single(run.Host.State.Engine.GetOrders(key.Account));
        Assert.Equal((37_500m, 1.25m), (order.Price!.Value, order.Quantity!.Value));
        // fciq is Kraken's default when buying: the resting buy holds its value and the most its fee can be (taker) in USD.
        var held = Held(run, "BTC/USD", 1.25m * 37_500m);
        Assert.Equal(46_875m + 121.875m, held);
        Assert.Equal(new Balance("USD", 50_000m - held, held), run.Host.State.Engine.GetBalance(key.Account, "USD"));
        Assert.Equal(["EAPI:Invalid nonce"], Errors(replay));
        Assert.Single(run.Host.State.Engine.GetOrders(key.Account));
    }

    [Fact]
    public async Task ComputedJsonVector_IsAcceptedAsJsonBody()
    {
        var vector = Vector("kraken-computed-addorder-json");
        var inputs = vector["inputs"]!;
        var expected = vector["expected"]!.GetValue<string>();
        Assert.Equal(expected, Sign(Text(inputs, "secret"), Text(inputs, "path"), Text(inputs, "nonce"), Text(inputs, "body")));

        await using var run = await StartAsync();
        var key = run.Host.State.Keys.Import(SandboxExchange.Kraken, new string('J', 56), Text(inputs, "secret"), KeyPermissions.Read | KeyPermissions.Trade);
        run.Host.State.Engine.Deposit(key.Account, "USD", 50_000m);

        var (_, body) = await run.Kraken.PostAsync(Text(inputs, "path"), key.ApiKey, expected, Text(inputs, "body"), "application/json");

        Assert.Single(Result(body).GetProperty("txid").EnumerateArray());
    }

    [Fact]
    public async Task GoodSignature_BalanceAndBalanceEx_InKrakenAssetCodes()
    {
        await using var run = await StartAsync();
        var (apiKey, secret, account) = await run.Kraken.IssueKeyAsync(ReadTrade);
        await run.Kraken.DepositAsync(account, "USD", 1234.5m);
        await run.Kraken.DepositAsync(account, "BTC", 0.5m);
        await run.Kraken.PrivateAsync("AddOrder", apiKey, secret, "pair=XBTUSD&type=buy&ordertype=limit&price=1000&volume=0.2");

        var (status, balance) = await run.Kraken.PrivateAsync("Balance", apiKey, secret);
        var (_, extended) = await run.Kraken.PrivateAsync("BalanceEx", apiKey, secret);

        Assert.Equal(200, status);
        Assert.Equal("1234.5000", Result(balance).GetProperty("ZUSD").GetString());
        Assert.Equal("0.5000000000", Result(balance).GetProperty("XXBT").GetString());
        var usd = Result(extended).GetProperty("ZUSD");
        Assert.Equal("1234.5000", usd.GetProperty("balance").GetString());
        // The buy pays its fee in USD (fciq, Kraken's default when buying), so it holds 0.2 × 1000 and the taker fee on it.
        Assert.Equal(200m + 0.52m, Held(run, "BTC/USD", 0.2m * 1_000m));
        Assert.Equal("200.5200", usd.GetProperty("hold_trade").GetString());
    }

    [Fact]
    public async Task BadSignature_IsInvalidSignature_WithHttp200_AndDoesNotSpendTheNonce()
    {
        await using var run = await StartAsync();
        var (apiKey, secret, _) = await run.Kraken.IssueKeyAsync(ReadOnly);
        var wrong = Convert.ToBase64String(new byte[64]);

        var (status, body) = await run.Kraken.PrivateAsync("Balance", apiKey, wrong, nonce: 100);
        var (_, sameNonce) = await run.Kraken.PrivateAsync("Balance", apiKey, secret, nonce: 100);

        Assert.Equal(200, status);
        Assert.Equal(["EAPI:Invalid signature"], Errors(body));
        Assert.False(body.TryGetProperty("result", out _));
        Assert.Empty(Errors(sameNonce));
    }

    [Fact]
    public async Task SignatureOverAnotherBodyOrPath_IsInvalidSignature()
    {
        await using var run = await StartAsync();
        var (apiKey, secret, _) = await run.Kraken.IssueKeyAsync(ReadOnly);
        var signedForOther = Sign(secret, "/0/private/Balance", "500", "nonce=500&asset=XXBT");
        var signedForPath = Sign(secret, "/0/private/BalanceEx", "501", "nonce=501");

        var (_, tampered) = await run.Kraken.PrivateAsync("Balance", apiKey, secret, nonce: 500, signature: signedForOther);
        var (_, otherPath) = await run.Kraken.PrivateAsync("Balance", apiKey, secret, nonce: 501, signature: signedForPath);

        Assert.Equal(["EAPI:Invalid signature"], Errors(tampered));
        Assert.Equal(["EAPI:Invalid signature"], Errors(otherPath));
    }

    [Fact]
    public async Task ReplayedOrLowerNonce_IsInvalidNonce_HigherIsAccepted()
    {
        await using var run = await StartAsync();
        var (apiKey, secret, _) = await run.Kraken.IssueKeyAsync(ReadOnly);

        var (_, first) = await run.Kraken.PrivateAsync("Balance", apiKey, secret, nonce: 1000);
        var (_, replay) = await run.Kraken.PrivateAsync("Balance", apiKey, secret, nonce: 1000);
        var (_, lower) = await run.Kraken.PrivateAsync("Balance", apiKey, secret, nonce: 999);
        var (_, missing) = await run.Kraken.PostAsync("/0/private/Balance", apiKey, Sign(secret, "/0/private/Balance", "", ""), "", "application/x-www-form-urlencoded");
        var (_, higher) = await run.Kraken.PrivateAsync("Balance", apiKey, secret, nonce: 1001);

        Assert.Empty(Errors(first));
        Assert.Equal(["EAPI:Invalid nonce"], Errors(replay));
        Assert.Equal(["EAPI:Invalid nonce"], Errors(lower));
        Assert.Equal(["EAPI:Invalid nonce"], Errors(missing));
        Assert.Empty(Errors(higher));
    }

    [Fact]
    public async Task UnknownOrMissingKey_IsInvalidKey()
    {
        await using var run = await StartAsync();
        var secret = Convert.ToBase64String(new byte[64]);

        var (_, unknown) = await run.Kraken.PrivateAsync("Balance", new string('U', 56), secret);
        var (_, missing) = await run.Kraken.PostAsync("/0/private/Balance", null, null, "nonce=1", "application/x-www-form-urlencoded");

        Assert.Equal(["EAPI:Invalid key"], Errors(unknown));
        Assert.Equal(["EAPI:Invalid key"], Errors(missing));
    }

    [Fact]
    public async Task ReadOnlyKey_AddOrder_IsPermissionDenied_AndTradeOnlyKey_CannotReadFunds()
    {
        await using var run = await StartAsync();
        var (readKey, readSecret, account) = await run.Kraken.IssueKeyAsync(ReadOnly);
        await run.Kraken.DepositAsync(account, "USD", 10_000m);
        var (tradeKey, tradeSecret, _) = await run.Kraken.IssueKeyAsync(TradeOnly);

        var (_, add) = await run.Kraken.PrivateAsync("AddOrder", readKey, readSecret, "pair=XBTUSD&type=buy&ordertype=market&volume=0.01");
        var (_, cancel) = await run.Kraken.PrivateAsync("CancelAll", readKey, readSecret);
        var (_, balance) = await run.Kraken.PrivateAsync("Balance", tradeKey, tradeSecret);

        Assert.Equal(["EGeneral:Permission denied"], Errors(add));
        Assert.Equal(["EGeneral:Permission denied"], Errors(cancel));
        Assert.Equal(["EGeneral:Permission denied"], Errors(balance));
        Assert.Empty(run.Host.State.Engine.GetOrders(account));
    }

    [Fact]
    public async Task GetApiKeyInfo_NamesTheKeysPermissions_AndIpAllowlistIsEnforced()
    {
        await using var run = await StartAsync();
        var (readKey, readSecret, _) = await run.Kraken.IssueKeyAsync(ReadOnly);
        var (fullKey, fullSecret, _) = await run.Kraken.IssueKeyAsync(["read", "trade", "withdraw"]);
        var (fencedKey, fencedSecret, _) = await run.Kraken.IssueKeyAsync(ReadOnly, ["10.1.2.3"]);

        var read = Result((await run.Kraken.PrivateAsync("GetApiKeyInfo", readKey, readSecret, nonce: 77)).Body);
        var full = Result((await run.Kraken.PrivateAsync("GetApiKeyInfo", fullKey, fullSecret)).Body);
        var (_, fenced) = await run.Kraken.PrivateAsync("Balance", fencedKey, fencedSecret);

        var readPermissions = read.GetProperty("permissions").EnumerateArray().Select(p => p.GetString()).ToList();
        var fullPermissions = full.GetProperty("permissions").EnumerateArray().Select(p => p.GetString()).ToList();
        Assert.Contains("query-funds", readPermissions);
        Assert.DoesNotContain("modify-trades", readPermissions);
        Assert.Contains("modify-trades", fullPermissions);
        Assert.Contains("close-trades", fullPermissions);
        Assert.Contains("withdraw-funds", fullPermissions);
        Assert.Equal("77", read.GetProperty("nonce").GetString());
        Assert.Equal(readKey, read.GetProperty("apiKey").GetString());
        Assert.Equal(["EGeneral:Permission denied"], Errors(fenced));
    }

    [Fact]
    public async Task GetApiKeyInfo_TransferKey_ReportsEarnFunds_SoItIsNeverShownAsUnableToMoveFunds()
    {
        await using var run = await StartAsync();
        var (transferKey, transferSecret, _) = await run.Kraken.IssueKeyAsync(["read", "transfer"]);
        var (plainKey, plainSecret, _) = await run.Kraken.IssueKeyAsync(["read", "trade"]);

        var transfer = Result((await run.Kraken.PrivateAsync("GetApiKeyInfo", transferKey, transferSecret)).Body);
        var plain = Result((await run.Kraken.PrivateAsync("GetApiKeyInfo", plainKey, plainSecret)).Body);

        var transferPermissions = transfer.GetProperty("permissions").EnumerateArray().Select(p => p.GetString()).ToList();
        var plainPermissions = plain.GetProperty("permissions").EnumerateArray().Select(p => p.GetString()).ToList();
        Assert.Contains("earn-funds", transferPermissions);
        Assert.DoesNotContain("withdraw-funds", transferPermissions);
        Assert.DoesNotContain("modify-trades", transferPermissions);
        Assert.DoesNotContain("earn-funds", plainPermissions);
    }

    [Fact]
    public async Task RequestLog_RecordsKrakenOutcomes()
    {
        await using var run = await StartAsync();
        var (apiKey, secret, _) = await run.Kraken.IssueKeyAsync(ReadOnly);

        await run.Kraken.PrivateAsync("Balance", apiKey, Convert.ToBase64String(new byte[64]));
        await run.Kraken.PrivateAsync("Balance", apiKey, secret);

        var records = (await run.Kraken.GetAsync("/sandbox/requests")).Body.EnumerateArray().ToList();
        Assert.Equal(["EAPI:Invalid signature", "ok"], records.Select(r => r.GetProperty("outcome").GetString()));
        Assert.All(records, r => Assert.Equal(apiKey, r.GetProperty("api_key").GetString()));
        Assert.All(records, r => Assert.Equal("kraken", r.GetProperty("exchange").GetString()));
    }

    private static string Text(JsonNode node, string name) => node[name]!.GetValue<string>();

    private static JsonNode Vector(string id)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Coffer.slnx")))
        {
            dir = dir.Parent;
        }

        var path = Path.Combine(dir?.FullName ?? throw new InvalidOperationException("Repository root not found."), "..", "shared", "conformance", "vectors", "signatures.json");
        var vectors = JsonNode.Parse(File.ReadAllText(path))!["vectors"]!.AsArray();
        return vectors.Single(v => v!["id"]!.GetValue<string>() == id)!;
    }

    /// <summary>What the sandbox holds for a buy of this value paying its fee in the quote: the value and the taker fee on it.</summary>
    private static decimal Held(SandboxRun run, string symbol, decimal value) =>
        value + Math.Round(value * run.Host.State.Engine.Markets.Single(m => m.Symbol == symbol).TakerFee, 8, MidpointRounding.AwayFromZero);
}
