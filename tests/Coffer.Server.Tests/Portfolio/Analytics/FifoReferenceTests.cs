using Coffer.Exchanges.Model;
using Coffer.Server.Features.Portfolio.Analytics;

namespace Coffer.Server.Tests.Portfolio.Analytics;

/// <summary>
/// Scripted histories checked against numbers computed a different way: the ledger splits lots, the reference expands
/// every trade into indivisible units of 0.25 BTC, each with its own cost, and pops them one at a time.
/// </summary>
public sealed class FifoReferenceTests
{
    private const decimal Unit = 0.25m;
    private static readonly DateTimeOffset T0 = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Compute_ScriptedHistory_MatchesHandWorkedLots()
    {
        // Buys: 1 @ 100 (fee 0.10 USDT), 0.5 @ 120 (fee 0.05 BTC), 2 @ 90 (fee 0.18 USDT).
        // Sells: 1.2 @ 130 (fee 0.156 USDT), 1 @ 80 (fee 0.01 BTC).
        LedgerTrade[] trades =
        [
            Trade(OrderSide.Buy, 1m, 100m, new Fee("USDT", 0.10m), 0, "kraken"),
            Trade(OrderSide.Buy, 0.5m, 120m, new Fee("BTC", 0.05m), 1, "binance"),
            Trade(OrderSide.Sell, 1.2m, 130m, new Fee("USDT", 0.156m), 2, "binance"),
            Trade(OrderSide.Buy, 2m, 90m, new Fee("USDT", 0.18m), 3, "kraken"),
            Trade(OrderSide.Sell, 1m, 80m, new Fee("BTC", 0.01m), 4, "kraken"),
        ];

        var pnl = Assert.Single(FifoPnl.Compute(trades.Reverse(), (_, _) => null, (_, _) => 95m).Assets);

        // Lots after the buys: A = 1 BTC for 100.10; B = 0.45 BTC for 60.
        // Sell 1 takes A whole and 0.2 of B (60 × 0.2 / 0.45 = 26.6666…), proceeds 156 − 0.156 = 155.844.
        var bPart = 60m * 0.2m / 0.45m;
        var realized1 = 155.844m - (100.10m + bPart);

        // Left: B' = 0.25 BTC for 60 − bPart; C = 2 BTC for 180.18. Sell 2 disposes 1.01: B' whole and 0.76 of C.
        var bRest = 60m - bPart;
        var cPart = 180.18m * 0.76m / 2m;
        var realized2 = 80m - (bRest + cPart);

        Assert.Equal(Math.Round(realized1 + realized2, 20), Math.Round(pnl.RealizedPnl, 20));
        Assert.Equal(1.24m, pnl.Amount);
        Assert.Equal(180.18m - cPart, pnl.CostBasis);
        Assert.Equal(0.10m + 0.05m * 120m + 0.156m + 0.18m + 0.01m * 80m, pnl.FeesPaid);
        Assert.Equal(1.24m * 95m - (180.18m - cPart), pnl.UnrealizedPnl);
        Assert.Equal(0m, pnl.UnmatchedSellAmount);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(42)]
    [InlineData(2024)]
    public void Compute_RandomHistory_MatchesUnitByUnitReference(int seed)
    {
        var random = new Random(seed);
        var trades = new List<LedgerTrade>();
        var units = new Queue<decimal>();
        var held = 0;
        var realized = 0m;
        var bought = 0m;
        var sold = 0m;
        string[] exchanges = ["binance", "kraken", "coinbase"];
        for (var i = 0; i < 60; i++)
        {
            var exchange = exchanges[random.Next(exchanges.Length)];
            var price = random.Next(50, 150);
            var n = random.Next(1, 9);
            var sell = held > 0 && random.Next(3) == 0;
            if (sell)
            {
                n = Math.Min(n, held);
            }

            // A quote fee of 0.01 per unit keeps every unit's cost and proceeds exact in decimal.
            var fee = 0.01m * n;
            trades.Add(Trade(sell ? OrderSide.Sell : OrderSide.Buy, n * Unit, price, new Fee("USDT", fee), i, exchange));
            if (sell)
            {
                for (var k = 0; k < n; k++)
                {
                    realized += (price * Unit) - 0.01m - units.Dequeue();
                }

                held -= n;
                sold += (price * Unit * n) - fee;
            }
            else
            {
                for (var k = 0; k < n; k++)
                {
                    units.Enqueue((price * Unit) + 0.01m);
                }

                held += n;
                bought += (price * Unit * n) + fee;
            }
        }

        var shuffled = trades.OrderBy(_ => random.Next()).ToArray();
        var current = 111m;
        var pnl = Assert.Single(FifoPnl.Compute(shuffled, (_, _) => null, (_, _) => current).Assets);

        Assert.Equal(realized, pnl.RealizedPnl);
        Assert.Equal(held * Unit, pnl.Amount);
        Assert.Equal(units.Sum(), pnl.CostBasis);
        Assert.Equal(trades.Sum(t => t.Fee!.Cost), pnl.FeesPaid);

        // Conservation: everything realized and unrealized is what came in, plus what is held now, less what went out.
        Assert.Equal(sold + (held * Unit * current) - bought, pnl.RealizedPnl + pnl.UnrealizedPnl);
        Assert.Equal(units.Sum(), pnl.OpenLots.Sum(l => l.Cost));
        Assert.Equal(trades.Count(t => t.Side == OrderSide.Sell), pnl.Realized.Count);
    }

    private static LedgerTrade Trade(OrderSide side, decimal amount, decimal price, Fee fee, int minute, string exchange) => new()
    {
        Exchange = exchange,
        Symbol = "BTC/USDT",
        Side = side,
        Price = price,
        Amount = amount,
        Fee = fee,
        Timestamp = T0.AddMinutes(minute),
        TradeId = minute.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}
