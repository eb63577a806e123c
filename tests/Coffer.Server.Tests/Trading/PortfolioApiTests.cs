using System.Net;
using System.Text.Json;

namespace Coffer.Server.Tests.Trading;

/// <summary>The rest of the portfolio and trading API: markets and tickers, settings, paging, scopes and bad input.</summary>
public sealed class PortfolioApiTests : TradingTest
{
    [Fact]
    public async Task Markets_OfAConnection_CarryTheRulesAnOrderTicketNeeds()
    {
        await SetUpTraderAsync();
        var markets = await Server.GetJsonAsync($"/api/v1/markets?connection_id={Accounts["binance"].ConnectionId}&symbol=BTC/USDT", Session);
        var btc = Assert.Single(markets.GetProperty("items").EnumerateArray());
        Assert.Equal("BTC/USDT", btc.GetProperty("symbol").GetString());
        Assert.Equal(0.00001m, btc.GetProperty("amount_step").GetDecimal());
        Assert.Equal(0.01m, btc.GetProperty("price_tick").GetDecimal());
        Assert.Equal(5m, btc.GetProperty("min_cost").GetDecimal());

        var tickers = await Server.GetJsonAsync($"/api/v1/tickers?connection_id={Accounts["kraken"].ConnectionId}&symbols=BTC/USD,ETH/USD", Session);
        var items = tickers.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(["BTC/USD", "ETH/USD"], items.Select(i => i.GetProperty("symbol").GetString()));
        Assert.Equal(Sandbox.State.Engine.GetTicker("BTC/USD")!.Last, items[0].GetProperty("last").GetDecimal());
    }

    [Theory]
    [InlineData("/api/v1/markets")]
    [InlineData("/api/v1/markets?connection_id=00000000-0000-0000-0000-000000000001")]
    [InlineData("/api/v1/portfolio/history?range=2w")]
    [InlineData("/api/v1/portfolio/history?by=color")]
    [InlineData("/api/v1/orders?limit=0")]
    [InlineData("/api/v1/orders?state=lost")]
    [InlineData("/api/v1/orders?cursor=not-a-cursor")]
    [InlineData("/api/v1/trades?since=yesterday")]
    [InlineData("/api/v1/portfolio/pnl/export?kind=everything")]
    public async Task Get_BadInput_IsAProblem(string path)
    {
        await SetUpTraderAsync();
        using var response = await SendAsync(HttpMethod.Get, path, null, Session);
        Assert.True(response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.NotFound, $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Settings_RaisingTheThresholdOrChangingTheCurrency_NeedsStepUp()
    {
        await SetUpTraderAsync();
        Assert.Equal(10_000m, (await Server.GetJsonAsync("/api/v1/portfolio/settings", Session)).GetProperty("step_up_threshold").GetDecimal());
        using (var lower = await SendAsync(HttpMethod.Put, "/api/v1/portfolio/settings", new { step_up_threshold = 500m }, Session))
        {
            Assert.Equal(500m, (await JsonAsync(lower)).GetProperty("step_up_threshold").GetDecimal());
        }

        using (var raise = await SendAsync(HttpMethod.Put, "/api/v1/portfolio/settings", new { step_up_threshold = 50_000m }, Session))
        {
            Assert.Equal("urn:coffer:problem:step-up-required", (await JsonAsync(raise, HttpStatusCode.Forbidden)).GetProperty("type").GetString());
        }

        using (var currency = await SendAsync(HttpMethod.Put, "/api/v1/portfolio/settings", new { currency = "EUR" }, Session, stepUp: StepUp(Seed)))
        {
            Assert.Equal("EUR", (await JsonAsync(currency)).GetProperty("currency").GetString());
        }

        using (var bad = await SendAsync(HttpMethod.Put, "/api/v1/portfolio/settings", new { currency = "euro" }, Session))
        {
            await JsonAsync(bad, HttpStatusCode.BadRequest);
        }

        Assert.Equal(500m, (await Server.GetJsonAsync("/api/v1/portfolio/settings", Session)).GetProperty("step_up_threshold").GetDecimal());

        // Values are then in EUR: USD is priced through BTC (BTC/USD and BTC/EUR).
        await RefreshAsync();
        var summary = await Server.GetJsonAsync("/api/v1/portfolio", Session);
        Assert.Equal("EUR", summary.GetProperty("currency").GetString());
        var eurPerUsd = Sandbox.State.Engine.GetTicker("BTC/EUR")!.Last / Sandbox.State.Engine.GetTicker("BTC/USD")!.Last;
        var usd = (await Server.GetJsonAsync("/api/v1/portfolio/balances", Session)).GetProperty("items").EnumerateArray().First(i => i.GetProperty("asset").GetString() == "USD");
        Assert.True(Math.Abs(usd.GetProperty("total").GetDecimal() * eurPerUsd - usd.GetProperty("value").GetDecimal()) < 0.000001m);
    }

    [Fact]
    public async Task Orders_ListedInPages_EachOrderOnce()
    {
        await SetUpTraderAsync();
        for (var i = 0; i < 7; i++)
        {
            await PlacedAsync("binance", "BTC/USDT", "buy", "limit", 0.001m, 55_000m + i);
            if (i % 3 == 0)
            {
                Clock.Advance(TimeSpan.FromSeconds(1));
            }
        }

        var seen = new List<string>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await Server.GetJsonAsync("/api/v1/orders?limit=3" + (cursor is null ? string.Empty : "&cursor=" + cursor), Session);
            seen.AddRange(page.GetProperty("items").EnumerateArray().Select(o => o.GetProperty("id").GetString()!));
            cursor = page.GetProperty("next").ValueKind == JsonValueKind.String ? page.GetProperty("next").GetString() : null;
            pages++;
        }
        while (cursor is not null);

        Assert.Equal(3, pages);
        Assert.Equal(7, seen.Distinct().Count());
        Assert.Equal(7, seen.Count);
        var filtered = await Server.GetJsonAsync("/api/v1/orders?symbol=btc/usdt&side=buy&state=open&exchange=binance", Session);
        Assert.Equal(7, filtered.GetProperty("items").GetArrayLength());
        Assert.Equal(0, (await Server.GetJsonAsync("/api/v1/orders?side=sell", Session)).GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task Scopes_AReadOnlyToken_ReadsThePortfolioButCannotTrade()
    {
        await SetUpTraderAsync();
        using var created = await SendAsync(HttpMethod.Post, "/api/v1/tokens", new { scopes = new[] { "portfolio:read" }, kind = "api" }, Session);
        var token = (await JsonAsync(created, HttpStatusCode.Created)).GetProperty("token").GetString()!;
        using (var summary = await SendAsync(HttpMethod.Get, "/api/v1/portfolio", null, token))
        {
            await JsonAsync(summary);
        }

        using var order = await PlaceAsync(Order("binance", "BTC/USDT", "buy", "market", 0.001m), token: token);
        Assert.Equal(HttpStatusCode.Forbidden, order.StatusCode);
        using var orders = await SendAsync(HttpMethod.Get, "/api/v1/orders", null, token);
        Assert.Equal(HttpStatusCode.Forbidden, orders.StatusCode);
        Assert.Equal(0, OrderRequestsSeen());
    }

    [Fact]
    public async Task Orders_OfAnotherUser_AreNotFound()
    {
        await SetUpTraderAsync();
        var mine = await PlacedAsync("binance", "BTC/USDT", "buy", "limit", 0.001m, 55_000m);
        var (other, _) = await TraderWithTotpAsync("mallory");
        using (var get = await SendAsync(HttpMethod.Get, $"/api/v1/orders/{mine.GetProperty("id").GetString()}", null, other))
        {
            Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
        }

        using (var cancel = await SendAsync(HttpMethod.Delete, $"/api/v1/orders/{mine.GetProperty("id").GetString()}", null, other))
        {
            Assert.Equal(HttpStatusCode.NotFound, cancel.StatusCode);
        }

        using var place = await PlaceAsync(Order("binance", "BTC/USDT", "buy", "market", 0.001m), token: other);
        Assert.Equal(HttpStatusCode.NotFound, place.StatusCode);
        Assert.Single(Sandbox.State.Engine.GetOrders(Accounts["binance"].Key.Account));
    }
}
