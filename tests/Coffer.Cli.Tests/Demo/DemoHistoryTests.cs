using Coffer.Cli.Demo;

namespace Coffer.Cli.Tests.Demo;

public sealed class DemoHistoryTests
{
    private static readonly DateTimeOffset End = new(2026, 12, 4, 18, 0, 0, TimeSpan.Zero);

    [Fact]
    public void TheSameSeed_ReplaysTheSameHistory()
    {
        var a = DemoHistory.Build(End, 28, seed: 7);
        var b = DemoHistory.Build(End, 28, seed: 7);
        var c = DemoHistory.Build(End, 28, seed: 8);

        Assert.Equal(a.Select(Describe), b.Select(Describe));
        Assert.NotEqual(a.Select(Describe), c.Select(Describe));
    }

    [Fact]
    public void Steps_CoverTheDays_EightHourlyThenHourlyOverTheLastDay()
    {
        var steps = DemoHistory.Build(End, 28, seed: 7);

        Assert.Equal(End.AddDays(-28), steps[0].At);
        Assert.True(steps[^1].At < End);
        Assert.All(steps.Zip(steps.Skip(1)), pair => Assert.True(pair.Second.At > pair.First.At));
        var lastDay = steps.Where(s => s.At >= End.AddDays(-1)).ToList();
        Assert.Equal(24, lastDay.Count);
        Assert.Equal(TimeSpan.FromHours(8), steps[1].At - steps[0].At);
    }

    [Fact]
    public void Prices_EndNearTheSandboxCatalogue_AndStayConsistentAcrossMarkets()
    {
        var steps = DemoHistory.Build(End, 28, seed: 7);
        var last = steps[^1].Prices;

        Assert.InRange(last["BTC/USD"], 54_000m, 66_000m);
        Assert.InRange(last["ETH/USD"], 2_700m, 3_300m);
        Assert.All(steps, step =>
        {
            Assert.All(step.Prices.Values, p => Assert.True(p > 0));
            Assert.InRange(step.Prices["BTC/EUR"] / step.Prices["BTC/USD"], 0.91m, 0.93m);
            Assert.InRange(step.Prices["ETH/BTC"], (step.Prices["ETH/USD"] / step.Prices["BTC/USD"]) - 0.00001m, (step.Prices["ETH/USD"] / step.Prices["BTC/USD"]) + 0.00001m);
        });

        // The history moves: the value chart is not a flat line.
        var btc = steps.Select(s => s.Prices["BTC/USD"]).ToList();
        Assert.True(btc.Max() / btc.Min() > 1.05m);
    }

    [Fact]
    public void Orders_AreSmall_OnEveryExchange_AndFitTheTrackedBalances()
    {
        var steps = DemoHistory.Build(End, 28, seed: 7);
        var orders = steps.SelectMany(s => s.Actions.OfType<DemoOrder>().Select(o => (Step: s, Order: o))).ToList();

        Assert.InRange(orders.Count, 20, 120);
        Assert.Equal(["binance", "coinbase", "kraken"], orders.Select(o => o.Order.Exchange).Distinct().Order());
        Assert.Contains(orders, o => o.Order.Side == "buy");
        Assert.Contains(orders, o => o.Order.Side == "sell");
        Assert.Contains(orders, o => o.Order.Type == "limit");
        Assert.All(orders, o =>
        {
            Assert.True(o.Order.Amount > 0);
            Assert.Equal(o.Order.Type == "limit", o.Order.Price is not null);

            // Under the default step-up threshold (10,000 in the user's currency), so the replay needs no code per order.
            Assert.True(o.Order.Amount * (o.Order.Price ?? o.Step.Prices[o.Order.Symbol]) < 9_000m);
        });
        Assert.Equal(orders.Count, orders.Select(o => o.Order.Name).Distinct().Count());
    }

    [Theory]
    [InlineData(7)]
    [InlineData(28)]
    [InlineData(45)]
    public void TheCancel_RefersToAnEarlierLimitOrder_AndTwoOrdersRestAtTheEnd(int days)
    {
        var steps = DemoHistory.Build(End, days, seed: 7);
        var cancel = Assert.Single(steps.SelectMany(s => s.Actions).OfType<DemoCancel>());
        var cancelStep = steps.ToList().FindIndex(s => s.Actions.Contains(cancel));
        var placed = steps.Take(cancelStep).SelectMany(s => s.Actions).OfType<DemoOrder>().Single(o => o.Name == cancel.Name);
        Assert.Equal("limit", placed.Type);

        var resting = steps[^1].Actions.OfType<DemoOrder>().Where(o => o.Type == "limit").ToList();
        Assert.True(resting.Count >= 2);
        Assert.Contains(resting, o => o.Side == "buy" && o.Price < steps[^1].Prices[o.Symbol] * 0.95m);
        Assert.Contains(resting, o => o.Side == "sell" && o.Price > steps[^1].Prices[o.Symbol] * 1.05m);
    }

    [Fact]
    public void NewPassword_IsLongRandomAndReadable()
    {
        var a = DemoSeeder.NewPassword();
        var b = DemoSeeder.NewPassword();

        Assert.NotEqual(a, b);
        Assert.Matches("^[a-z2-9]{5}(-[a-z2-9]{5}){3}$", a);
        Assert.True(a.Length >= 15);
    }

    private static string Describe(DemoStep step) =>
        $"{step.At:O} {string.Join(',', step.Prices.Select(p => $"{p.Key}={p.Value}"))} {string.Join(';', step.Actions)}";
}
