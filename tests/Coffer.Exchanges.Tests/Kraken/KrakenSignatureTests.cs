using System.Text.Json.Nodes;
using Coffer.Exchanges.Kraken;
using Coffer.Exchanges.Tests.Conformance;
using Coffer.Exchanges.Tests.Support;

namespace Coffer.Exchanges.Tests.Kraken;

public sealed class KrakenSignatureTests
{
    public static TheoryData<string> VectorIds() => ["kraken-doc-addorder-form", "kraken-computed-addorder-json"];

    [Theory]
    [MemberData(nameof(VectorIds))]
    public async Task Sign_KnownAnswerVector_MatchesThroughTheVault(string id)
    {
        var vector = ConformanceData.Load("vectors", "signatures.json")["vectors"]!.AsArray().Single(v => v!["id"]!.GetValue<string>() == id)!;
        var inputs = vector["inputs"]!;
        using var vault = await TestVault.StartAsync();
        var credentials = await vault.CredentialsAsync("key", inputs["secret"]!.GetValue<string>());

        var message = KrakenSigning.Message(inputs["path"]!.GetValue<string>(), inputs["nonce"]!.GetValue<string>(), inputs["body"]!.GetValue<string>());
        var signature = await KrakenSigning.SignAsync(credentials.Signer, inputs["path"]!.GetValue<string>(), inputs["nonce"]!.GetValue<string>(), inputs["body"]!.GetValue<string>(), default);

        Assert.Equal(vector["intermediate"]!["messageHex"]!.GetValue<string>(), Convert.ToHexStringLower(message));
        Assert.Equal(vector["expected"]!.GetValue<string>(), signature);
    }

    [Fact]
    public async Task PrivateCall_SendsTheSignatureOfTheExactBodySent()
    {
        using var vault = await TestVault.StartAsync();
        var credentials = await vault.CredentialsAsync(KrakenTestKit.ApiKey, KrakenTestKit.Secret);
        var handler = ScriptedHandler.Answering("""{"error":[],"result":{"ZUSD":{"balance":"10.5","hold_trade":"2.5"}}}""");
        using var http = new HttpClient(handler);

        var balances = await KrakenTestKit.Client(http, credentials).FetchBalanceAsync(default);

        var sent = Assert.Single(handler.Requests);
        var nonce = System.Web.HttpUtility.ParseQueryString(sent.Body!)["nonce"]!;
        var expected = await KrakenSigning.SignAsync(credentials.Signer, "/0/private/BalanceEx", nonce, sent.Body!, default);
        Assert.Equal(expected, sent.Headers["API-Sign"]);
        Assert.Equal(KrakenTestKit.ApiKey, sent.Headers["API-Key"]);
        Assert.Equal("application/x-www-form-urlencoded", sent.ContentType);
        Assert.Equal(new Model.Balance("USD", 8m, 2.5m, 10.5m), balances.ByCurrency["USD"]);
    }

    internal static JsonNode Vector(string id) =>
        ConformanceData.Load("vectors", "signatures.json")["vectors"]!.AsArray().Single(v => v!["id"]!.GetValue<string>() == id)!;
}
