using System.Text.Json.Nodes;
using Coffer.Exchanges.Binance;
using Coffer.Exchanges.Kraken;
using Coffer.Exchanges.Model;
using Coffer.Exchanges.Tests.Binance;
using Coffer.Exchanges.Tests.Coinbase;
using Coffer.Exchanges.Tests.Conformance;

namespace Coffer.Exchanges.Tests.Core;

/// <summary>
/// The one sizing rule of market orders (<see cref="MarketOrderSize.Of"/>, CCXT's createOrder convention), and that
/// Binance, Kraken and Coinbase each put it on the wire the same way: a market buy with a price spends amount × price.
/// </summary>
public sealed class MarketOrderSizeTests
{
    [Theory]
    [InlineData("buy", 0.2, null, null, 0.2, null)]
    [InlineData("buy", 0.2, 50.0, null, null, 10.0)]
    [InlineData("buy", null, null, 5.0, null, 5.0)]
    [InlineData("buy", 0.0, null, 5.0, null, 5.0)]
    [InlineData("sell", 0.3, null, null, 0.3, null)]
    public void Of_AValidMarketOrder_IsABaseAmountOrAQuoteToSpend(string side, double? amount, double? price, double? cost, double? expectedBase, double? expectedQuote)
    {
        var size = MarketOrderSize.Of(Market(side, amount, price, cost), "test");

        Assert.Equal(new MarketOrderSize(Dec(expectedBase), Dec(expectedQuote)), size);
    }

    [Theory]
    [InlineData("sell", 0.3, 50.0, null)]
    [InlineData("buy", 0.2, null, 5.0)]
    [InlineData("buy", null, 50.0, 5.0)]
    [InlineData("buy", 0.2, 0.0, null)]
    [InlineData("buy", null, null, 0.0)]
    [InlineData("buy", null, null, null)]
    [InlineData("sell", -1.0, null, null)]
    public void Of_AContradictoryOrEmptyMarketOrder_IsAnInvalidOrder(string side, double? amount, double? price, double? cost)
    {
        var error = Assert.Throws<ExchangeException>(() => MarketOrderSize.Of(Market(side, amount, price, cost), "test"));

        Assert.Equal(ExchangeErrorKind.InvalidOrder, error.Kind);
        Assert.Equal("test", error.Exchange);
        Assert.False(error.IsTransient);
    }

    [Fact]
    public void Binance_MarketBuyWithAPrice_IsQuoteOrderQtyOfAmountTimesPrice()
    {
        var p = BinanceOrders.Parameters(Market("buy", 0.2, 50.0, null), BinanceTestClient.LtcUsdt).ToDictionary(x => x.Key, x => x.Value);

        Assert.Equal("10", p["quoteOrderQty"]);
        Assert.False(p.ContainsKey("quantity"));
        Assert.False(p.ContainsKey("price"));
    }

    [Fact]
    public void Kraken_MarketBuyWithAPrice_IsAViqcVolumeOfAmountTimesPrice_AndNoBaseAmountIsReported()
    {
        var market = CcxtMarkets.Load("kraken", CcxtPrecisionMode.TickSize).Single(m => m.Symbol == "LTC/USDT");

        var order = KrakenOrders.Build(market, Market("buy", 0.2, 50.5, null));

        var fields = order.Fields.ToDictionary(f => f.Key, f => f.Value);
        Assert.Equal("10.1", fields["volume"]);
        Assert.Equal("viqc", fields["oflags"]);
        Assert.False(fields.ContainsKey("price"));
        Assert.Null(order.Accepted("OABC-123").Amount);
    }

    [Fact]
    public async Task Coinbase_MarketBuyWithAPrice_IsQuoteSizeOfAmountTimesPrice()
    {
        var handler = ScriptedHandler.Answering("""{"success":true,"success_response":{"order_id":"o1","client_order_id":"c1"}}""");
        using var http = new HttpClient(handler);
        using var vault = await Support.TestVault.StartAsync();
        using var key = CoinbaseTestSupport.NewKey();
        var client = CoinbaseTestSupport.Client(http, await vault.CredentialsAsync(CoinbaseTestSupport.KeyName, key.ExportECPrivateKeyPem()));

        var order = await client.CreateOrderAsync(Market("buy", 2.0, 0.35, null) with { Symbol = "ADA/USDT" }, default);

        var body = JsonNode.Parse(Assert.Single(handler.Requests).Body!)!;
        Assert.Equal("0.7", body["order_configuration"]!["market_market_ioc"]!["quote_size"]!.GetValue<string>());
        Assert.Null(body["order_configuration"]!["market_market_ioc"]!["base_size"]);
        Assert.Null(order.Amount);
    }

    [Fact]
    public async Task EveryExchange_MarketSellWithAPrice_IsRefusedBeforeAnyRequest()
    {
        var sell = Market("sell", 0.2, 50.0, null);
        var handler = ScriptedHandler.Answering("{}");
        using var http = new HttpClient(handler);
        var kraken = CcxtMarkets.Load("kraken", CcxtPrecisionMode.TickSize).Single(m => m.Symbol == "LTC/USDT");

        var binance = Assert.Throws<ExchangeException>(() => BinanceOrders.Parameters(sell, BinanceTestClient.LtcUsdt));
        var krakenError = Assert.Throws<ExchangeException>(() => KrakenOrders.Build(kraken, sell));
        var coinbase = await Assert.ThrowsAsync<ExchangeException>(() => CoinbaseTestSupport.Client(http, null).CreateOrderAsync(sell with { Symbol = "ADA/USDT" }, default));

        Assert.All([binance, krakenError, coinbase], e => Assert.Equal(ExchangeErrorKind.InvalidOrder, e.Kind));
        Assert.Equal(["binance", "kraken", "coinbase"], new[] { binance, krakenError, coinbase }.Select(e => e.Exchange));
        Assert.Empty(handler.Requests);
    }

    private static OrderRequest Market(string side, double? amount, double? price, double? cost) => new()
    {
        Symbol = "LTC/USDT",
        Side = side == "buy" ? OrderSide.Buy : OrderSide.Sell,
        Type = OrderType.Market,
        Amount = Dec(amount),
        Price = Dec(price),
        Cost = Dec(cost),
    };

    private static decimal? Dec(double? value) => value is { } v ? (decimal)v : null;
}
