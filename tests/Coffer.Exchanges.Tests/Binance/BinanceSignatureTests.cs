using System.Text.Json.Nodes;
using Coffer.Exchanges.Binance;
using Coffer.Exchanges.Tests.Conformance;
using Coffer.Exchanges.Tests.Support;

namespace Coffer.Exchanges.Tests.Binance;

/// <summary>The three Binance vectors of signatures.json, through the real vault oracle and Coffer's request builder.</summary>
public sealed class BinanceSignatureTests
{
    public static TheoryData<string> VectorIds() => ["binance-doc-hmac-query", "binance-doc-hmac-query-non-ascii", "binance-doc-hmac-mixed-query-body"];

    [Theory]
    [MemberData(nameof(VectorIds))]
    public async Task Sign_OfficialVector_MatchesExpectedSignature(string id)
    {
        var vector = Vector(id);
        var inputs = vector["inputs"]!;
        using var vault = await TestVault.StartAsync();
        var credentials = await vault.CredentialsAsync(inputs["apiKey"]!.GetValue<string>(), inputs["secret"]!.GetValue<string>());
        var query = inputs["query"]!.GetValue<string>();
        var body = inputs["body"]!.GetValue<string>();

        Assert.Equal(vector["stringToSign"]!.GetValue<string>(), BinanceRequest.Payload(query, body));
        Assert.Equal(vector["expected"]!.GetValue<string>(), await BinanceRequest.SignAsync(credentials.Signer, query, body, default));
    }

    [Fact]
    public async Task Encode_NonAsciiSymbol_IsPercentEncodedAsTheDocsSign()
    {
        var vector = Vector("binance-doc-hmac-query-non-ascii");
        var symbol = vector["inputs"]!["symbolUnencoded"]!.GetValue<string>();

        var query = BinanceRequest.Encode(DocOrder(symbol, withTiming: true));

        Assert.Equal(vector["inputs"]!["query"]!.GetValue<string>(), query);
    }

    [Fact]
    public async Task Build_SignedRequest_ReproducesTheDocsRequestExactly()
    {
        var vector = Vector("binance-doc-hmac-query");
        var inputs = vector["inputs"]!;
        using var vault = await TestVault.StartAsync();
        var credentials = await vault.CredentialsAsync(inputs["apiKey"]!.GetValue<string>(), inputs["secret"]!.GetValue<string>());
        var timestamp = DateTimeOffset.FromUnixTimeMilliseconds(1499827319559);

        // DELETE carries its parameters in the query, as the docs' example does; the builder appends recvWindow and
        // timestamp after the caller's parameters and the signature last.
        using var request = await BinanceRequest.BuildAsync(BinanceTestClient.BaseUri, HttpMethod.Delete, "/api/v3/order", DocOrder("LTCBTC", withTiming: false), credentials, timestamp, default);

        Assert.Equal(inputs["query"]!.GetValue<string>() + "&signature=" + vector["expected"]!.GetValue<string>(), request.RequestUri!.Query.TrimStart('?'));
        Assert.Equal(inputs["apiKey"]!.GetValue<string>(), request.Headers.GetValues(BinanceRequest.ApiKeyHeader).Single());
    }

    [Fact]
    public async Task Build_Post_SignsTheBodySent()
    {
        var vector = Vector("binance-doc-hmac-query");
        var inputs = vector["inputs"]!;
        using var vault = await TestVault.StartAsync();
        var credentials = await vault.CredentialsAsync(inputs["apiKey"]!.GetValue<string>(), inputs["secret"]!.GetValue<string>());

        using var request = await BinanceRequest.BuildAsync(BinanceTestClient.BaseUri, HttpMethod.Post, "/api/v3/order", DocOrder("LTCBTC", withTiming: false), credentials, DateTimeOffset.FromUnixTimeMilliseconds(1499827319559), default);

        Assert.Equal(string.Empty, request.RequestUri!.Query);
        Assert.Equal(inputs["query"]!.GetValue<string>() + "&signature=" + vector["expected"]!.GetValue<string>(), await request.Content!.ReadAsStringAsync());
    }

    private static List<KeyValuePair<string, string>> DocOrder(string symbol, bool withTiming)
    {
        var list = new List<KeyValuePair<string, string>> { new("symbol", symbol), new("side", "BUY"), new("type", "LIMIT"), new("timeInForce", "GTC"), new("quantity", "1"), new("price", "0.1") };
        if (withTiming)
        {
            list.Add(new("recvWindow", "5000"));
            list.Add(new("timestamp", "1499827319559"));
        }

        return list;
    }

    private static JsonNode Vector(string id) =>
        ConformanceData.Load("vectors", "signatures.json")["vectors"]!.AsArray().Single(v => v!["id"]!.GetValue<string>() == id)!;
}
