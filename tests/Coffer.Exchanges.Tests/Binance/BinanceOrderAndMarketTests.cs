using System.Text.Json;
using Coffer.Exchanges.Binance;
using Coffer.Exchanges.Model;

namespace Coffer.Exchanges.Tests.Binance;

public sealed class BinanceOrderAndMarketTests
{
    private const string ExchangeInfo = """
        {"timezone":"UTC","serverTime":1700000000000,"rateLimits":[],"symbols":[
          {"symbol":"LTCUSDT","status":"TRADING","baseAsset":"LTC","baseAssetPrecision":8,"quoteAsset":"USDT","quoteAssetPrecision":8,
           "orderTypes":["LIMIT","LIMIT_MAKER","MARKET","STOP_LOSS_LIMIT","TAKE_PROFIT_LIMIT"],"isSpotTradingAllowed":true,
           "filters":[{"filterType":"PRICE_FILTER","minPrice":"0.01000000","maxPrice":"100000.00000000","tickSize":"0.01000000"},
                      {"filterType":"LOT_SIZE","minQty":"0.00100000","maxQty":"90000.00000000","stepSize":"0.00100000"},
                      {"filterType":"MARKET_LOT_SIZE","minQty":"0.00000000","maxQty":"5000.00000000","stepSize":"0.01000000"},
                      {"filterType":"NOTIONAL","minNotional":"5.00000000","applyMinToMarket":true,"maxNotional":"9000000.00000000","applyMaxToMarket":false,"avgPriceMins":5}]},
          {"symbol":"OLDBTC","status":"BREAK","baseAsset":"OLD","baseAssetPrecision":8,"quoteAsset":"BTC","quoteAssetPrecision":8,"orderTypes":["LIMIT"],"isSpotTradingAllowed":true,
           "filters":[{"filterType":"MIN_NOTIONAL","minNotional":"0.00010000","applyToMarket":true,"avgPriceMins":5}]},
          {"symbol":"MARGINONLY","status":"TRADING","baseAsset":"M","quoteAsset":"USDT","isSpotTradingAllowed":false,"filters":[]}]}
        """;

    [Fact]
    public void Markets_FromExchangeInfoFilters()
    {
        using var doc = JsonDocument.Parse(ExchangeInfo);

        var markets = BinanceParsing.Markets(doc.RootElement);

        Assert.Equal(["LTC/USDT", "OLD/BTC"], markets.Select(m => m.Symbol));
        var ltc = markets[0];
        Assert.Equal(0.01m, ltc.PriceTick);
        Assert.Equal(0.001m, ltc.AmountStep);
        Assert.Equal(0.001m, ltc.MinAmount);
        Assert.Equal(5m, ltc.MinCost);
        Assert.Equal("0.01", ltc.Extra["marketStepSize"]);
        Assert.True(ltc.Active);
        Assert.DoesNotContain(OrderType.StopLoss, ltc.OrderTypes!);
        var old = markets[1];
        Assert.False(old.Active);
        Assert.Equal(0.0001m, old.MinCost);
        Assert.Equal(0.00000001m, old.AmountStep);
    }

    [Theory]
    [InlineData("StopLoss", "STOP_LOSS", false)]
    [InlineData("StopLimit", "STOP_LOSS_LIMIT", true)]
    [InlineData("TakeProfit", "TAKE_PROFIT", false)]
    [InlineData("TakeProfitLimit", "TAKE_PROFIT_LIMIT", true)]
    public void TriggerOrders_CarryStopPriceAndTheirMandatoryParameters(string type, string native, bool limit)
    {
        var request = new OrderRequest { Symbol = "LTC/USDT", Side = OrderSide.Sell, Type = Enum.Parse<OrderType>(type), Amount = 1.23456m, Price = limit ? 60.005m : null, TriggerPrice = 61.234m, ClientOrderId = "cf-1" };

        var p = BinanceOrders.Parameters(request, Market()).ToDictionary(x => x.Key, x => x.Value);

        Assert.Equal(native, p["type"]);
        Assert.Equal("1.234", p["quantity"]);
        Assert.Equal("61.23", p["stopPrice"]);
        Assert.Equal("cf-1", p["newClientOrderId"]);
        Assert.Equal(limit, p.ContainsKey("timeInForce"));
        Assert.Equal(limit ? "60.01" : null, p.GetValueOrDefault("price"));
    }

    [Fact]
    public void MarketOrder_TruncatesToTheMarketLotStep_AndAlwaysHasAClientOrderId()
    {
        var market = Market() with { Extra = new Dictionary<string, string> { ["marketStepSize"] = "0.01" } };

        var p = BinanceOrders.Parameters(new OrderRequest { Symbol = "LTC/USDT", Side = OrderSide.Sell, Type = OrderType.Market, Amount = 1.239m }, market).ToDictionary(x => x.Key, x => x.Value);

        Assert.Equal("1.23", p["quantity"]);
        Assert.False(p.ContainsKey("price"));
        Assert.Matches("^[a-zA-Z0-9-_]{1,36}$", p["newClientOrderId"]);
    }

    [Fact]
    public void AmountRoundingToZero_IsAnInvalidOrder()
    {
        var error = Assert.Throws<ExchangeException>(() => BinanceOrders.Parameters(new OrderRequest { Symbol = "LTC/USDT", Side = OrderSide.Buy, Type = OrderType.Limit, Amount = 0.0004m, Price = 50 }, Market() with { MinAmount = null }));

        Assert.Equal(ExchangeErrorKind.InvalidOrder, error.Kind);
    }

    private static Market Market() => BinanceTestClient.LtcUsdt;
}
