using System.Text.Json;
using Coffer.Server.Features.Portfolio;
using EngineOrderRequest = Coffer.Sandbox.Engine.OrderRequest;
using EngineSide = Coffer.Sandbox.Engine.OrderSide;
using EngineType = Coffer.Sandbox.Engine.OrderType;

namespace Coffer.Server.Tests.Trading;

/// <summary>
/// The sync against history an exchange does not hand over in one answer: the first sync of an account with more trades
/// than a page reads from the beginning, not the most recent page; an order seen open and closed on the exchange after
/// the history cursor moved past it is settled, not left open.
/// </summary>
public sealed class PortfolioSyncTests : TradingTest
{
    [Fact]
    public async Task Refresh_HistoryLongerThanAPage_IsReadFromTheBeginning()
    {
        await SetUpTraderAsync();
        var binance = Accounts["binance"].Key.Account;
        var kraken = Accounts["kraken"].Key.Account;
        for (var i = 0; i < PortfolioSync.PageSize + 20; i++)
        {
            Fill(binance, "BTC/USDT", EngineSide.Buy, 0.0001m);
            if (i < 60)
            {
                Fill(kraken, "BTC/USD", EngineSide.Buy, 0.0001m);
            }
        }

        await RefreshAsync();
        await RefreshAsync();

        Assert.Equal(Sandbox.State.Engine.GetFills(binance).Count, await CountAsync($"/api/v1/trades?connection_id={Accounts["binance"].ConnectionId}"));
        Assert.Equal(Sandbox.State.Engine.GetFills(kraken).Count, await CountAsync($"/api/v1/trades?connection_id={Accounts["kraken"].ConnectionId}"));
        Assert.Equal(PortfolioSync.PageSize + 20, await CountAsync($"/api/v1/orders?connection_id={Accounts["binance"].ConnectionId}&state=closed"));
    }

    [Fact]
    public async Task Refresh_AnOrderClosedAfterTheCursorPassedIt_IsSettled()
    {
        await SetUpTraderAsync();
        var account = Accounts["binance"].Key.Account;
        var resting = Sandbox.State.Engine.Place(new EngineOrderRequest(account, "BTC/USDT", EngineSide.Buy, EngineType.Limit, 0.001m, Price: 30_000m)).Order!;
        Clock.Advance(TimeSpan.FromSeconds(1));
        Fill(account, "BTC/USDT", EngineSide.Buy, 0.001m);
        await RefreshAsync();
        Assert.Equal("open", await StateAsync(resting.Id));

        // Cancelled on the exchange; the history cursor is already past its creation time.
        Clock.Advance(TimeSpan.FromSeconds(1));
        Sandbox.State.Engine.Cancel(account, resting.Id);
        await RefreshAsync();
        Assert.Equal("canceled", await StateAsync(resting.Id));
    }

    [Fact]
    public async Task Refresh_WhileASyncRuns_IsServedByASyncThatStartsAfterIt()
    {
        await SetUpTraderAsync();
        await RefreshAsync();
        var kraken = Accounts["kraken"].Key.Account;
        int BalanceCalls() => Sandbox.State.Requests.Last(10_000).Count(r => r.Exchange == "kraken" && r.Path == "/0/private/BalanceEx");

        // A slow sync is under way and has read Kraken's balances; then BTC is bought on Kraken.
        Sandbox.State.Faults.Set(new Coffer.Sandbox.Faults.FaultPlan { LatencyMs = 300 });
        var before = BalanceCalls();
        var first = RefreshAsync();
        while (BalanceCalls() == before)
        {
            await Task.Delay(20);
        }

        Fill(kraken, "BTC/USD", EngineSide.Buy, 0.01m);

        // A refresh asked for now must not be answered by the sync that read the balances before the buy.
        await RefreshAsync();
        await first;
        Sandbox.State.Faults.Set(Coffer.Sandbox.Faults.FaultPlan.None);
        var balances = await Server.GetJsonAsync("/api/v1/portfolio/balances", Session);
        var btc = balances.GetProperty("items").EnumerateArray()
            .Single(i => i.GetProperty("exchange").GetString() == "kraken" && i.GetProperty("asset").GetString() == "BTC");
        Assert.Equal(Sandbox.State.Engine.GetBalance(kraken, "BTC").Total, btc.GetProperty("total").GetDecimal());
        Assert.NotEqual(0m, btc.GetProperty("total").GetDecimal());
    }

    private void Fill(string account, string symbol, EngineSide side, decimal amount)
    {
        var placed = Sandbox.State.Engine.Place(new EngineOrderRequest(account, symbol, side, EngineType.Market, amount));
        Assert.NotEmpty(placed.Fills);
        Clock.Advance(TimeSpan.FromMilliseconds(100));
    }

    private async Task<string?> StateAsync(long exchangeOrderId)
    {
        var orders = await Server.GetJsonAsync($"/api/v1/orders?connection_id={Accounts["binance"].ConnectionId}", Session);
        return orders.GetProperty("items").EnumerateArray()
            .Single(o => o.GetProperty("exchange_order_id").GetString() == exchangeOrderId.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .GetProperty("state").GetString();
    }

    private async Task<int> CountAsync(string path)
    {
        var count = 0;
        string? cursor = null;
        do
        {
            var page = await Server.GetJsonAsync($"{path}&limit=1000{(cursor is null ? string.Empty : "&cursor=" + Uri.EscapeDataString(cursor))}", Session);
            count += page.GetProperty("items").GetArrayLength();
            cursor = page.GetProperty("next") is { ValueKind: JsonValueKind.String } next ? next.GetString() : null;
        }
        while (cursor is not null);
        return count;
    }
}
