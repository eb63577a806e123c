namespace Coffer.Cli.Demo;

/// <summary>
/// One of the demo's exchange accounts: a sandbox account connected to Coffer under a label, funded with cash (and
/// stablecoins) and then buying its first coins at the start of the history, so every coin has its cost basis.
/// </summary>
internal sealed record DemoAccount(string Exchange, string Label, IReadOnlyList<(string Asset, decimal Amount)> Deposit, IReadOnlyList<(string Symbol, decimal Amount)> Opening);

/// <summary>Something the demo trader does at a step: an order, a deposit, or cancelling an earlier order.</summary>
internal abstract record DemoAction;

/// <param name="Name">How a later <see cref="DemoCancel"/> refers to it.</param>
internal sealed record DemoOrder(string Name, string Exchange, string Symbol, string Side, string Type, decimal Amount, decimal? Price) : DemoAction;

internal sealed record DemoDeposit(string Exchange, string Asset, decimal Amount) : DemoAction;

internal sealed record DemoCancel(string Name) : DemoAction;

/// <summary>A moment of the replayed history: the market prices then, and what the trader did.</summary>
internal sealed record DemoStep(DateTimeOffset At, IReadOnlyDictionary<string, decimal> Prices, IReadOnlyList<DemoAction> Actions);

/// <summary>
/// The demo's scripted weeks: a seeded price path per coin that ends at the sandbox's usual prices, and a trader who
/// buys dips and takes profit on three exchanges with small orders (well under the step-up threshold), a few limit
/// orders that fill later or stay open, one that is cancelled, and a deposit half-way. Pure: the same seed and end give
/// the same history, and every order fits the balance the script has tracked for its account.
/// </summary>
internal static class DemoHistory
{
    public static readonly IReadOnlyList<DemoAccount> Accounts =
    [
        // Opening buys are split so that none reaches the step-up threshold (10,000 in the user's currency).
        new("binance", "Binance main", [("USDT", 50_000m)], [("BTC/USDT", 0.125m), ("BTC/USDT", 0.125m), ("ETH/USDT", 2m), ("ETH/USDT", 2m), ("SOL/USDT", 60m)]),
        new("kraken", "Kraken", [("USD", 20_000m), ("EUR", 3_000m)], [("BTC/USD", 0.1m), ("ETH/USD", 2m)]),
        new("coinbase", "Coinbase", [("USD", 12_000m)], [("BTC/USD", 0.05m), ("ETH/USD", 1.5m)]),
    ];

    /// <summary>Each coin's dollar price at the end of the history (the sandbox's catalogue prices) and where it started.</summary>
    private static readonly (string Coin, decimal End, decimal StartFactor, double DailyVolatility)[] Coins =
    [
        ("BTC", 60_000m, 0.86m, 0.028),
        ("ETH", 3_000m, 1.04m, 0.035),
        ("SOL", 150m, 0.78m, 0.05),
    ];

    private const decimal EurPerUsd = 0.92m;

    /// <summary>The markets each exchange trades in the script, with the smallest and largest order (in base units).</summary>
    private static readonly (string Exchange, string Symbol, decimal Min, decimal Max)[] Markets =
    [
        ("binance", "BTC/USDT", 0.005m, 0.03m),
        ("binance", "ETH/USDT", 0.1m, 0.6m),
        ("binance", "SOL/USDT", 2m, 10m),
        ("kraken", "BTC/USD", 0.005m, 0.02m),
        ("kraken", "ETH/USD", 0.1m, 0.5m),
        ("kraken", "BTC/EUR", 0.004m, 0.01m),
        ("coinbase", "BTC/USD", 0.002m, 0.01m),
        ("coinbase", "ETH/USD", 0.05m, 0.3m),
    ];

    /// <summary>The steps from <paramref name="end"/> minus <paramref name="days"/> to just before <paramref name="end"/>.</summary>
    public static IReadOnlyList<DemoStep> Build(DateTimeOffset end, int days, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(days, 3);
        var random = new Random(seed);
        var times = StepTimes(end, days);
        var paths = Coins.ToDictionary(c => c.Coin, c => PricePath(random, times, end, c.End, c.StartFactor, c.DailyVolatility), StringComparer.Ordinal);
        var holdings = Accounts.ToDictionary(
            a => a.Exchange,
            a => a.Deposit.ToDictionary(d => d.Asset, d => d.Amount, StringComparer.Ordinal),
            StringComparer.Ordinal);

        var steps = new List<DemoStep>(times.Count);
        var orderCount = 0;
        var lastDay = -1;
        string? toCancel = null;
        var cancelled = false;
        var placeToCancel = Math.Max(1, days - 8);
        for (var i = 0; i < times.Count; i++)
        {
            var at = times[i];
            var prices = MarketPrices(paths, i);
            var actions = new List<DemoAction>();
            var day = (int)(at - times[0]).TotalDays;
            if (i == 0)
            {
                foreach (var account in Accounts)
                {
                    foreach (var (symbol, amount) in account.Opening)
                    {
                        var (baseAsset, quote) = Split(symbol);
                        if (Reserve(holdings[account.Exchange], "buy", baseAsset, quote, amount, prices[symbol]))
                        {
                            actions.Add(new DemoOrder($"order-{++orderCount}", account.Exchange, symbol, "buy", "market", amount, null));
                        }
                    }
                }
            }

            // One trading session a day (a few orders), at a step chosen by the seed.
            if ((day != lastDay && random.NextDouble() < 0.6) || i == times.Count - 1)
            {
                lastDay = day;
                var orders = 1 + random.Next(3);
                for (var n = 0; n < orders; n++)
                {
                    var market = Markets[random.Next(Markets.Length)];
                    var price = prices[market.Symbol];
                    var (baseAsset, quote) = Split(market.Symbol);
                    var earlier = i >= 3 ? MarketPrices(paths, i - 3)[market.Symbol] : price;

                    // A dip buyer: buy after a fall, take profit after a rise. Euros only ever buy (savings going into
                    // bitcoin), so every sale has its buys in the same quote currency and the PnL is complete.
                    var side = price < earlier ? "buy" : price > earlier * 1.01m ? "sell" : random.NextDouble() < 0.5 ? "buy" : "sell";
                    side = quote == "EUR" ? "buy" : side;
                    var amount = RoundAmount(market.Min + ((market.Max - market.Min) * (decimal)random.NextDouble()));
                    var limit = random.NextDouble() < 0.2;
                    decimal? limitPrice = limit ? Math.Round(price * (side == "buy" ? 0.985m : 1.015m), Decimals(market.Symbol)) : null;
                    if (Reserve(holdings[market.Exchange], side, baseAsset, quote, amount, limitPrice ?? price))
                    {
                        var name = $"order-{++orderCount}";
                        actions.Add(new DemoOrder(name, market.Exchange, market.Symbol, side, limit ? "limit" : "market", amount, limitPrice));
                    }
                }
            }

            if (i == times.Count / 2)
            {
                actions.Add(new DemoDeposit("binance", "USDT", 5_000m));
                holdings["binance"]["USDT"] += 5_000m;
            }

            // A resting order the trader thinks better of two days later.
            if (day == placeToCancel && toCancel is null)
            {
                var price = Math.Round(prices["ETH/USD"] * 0.8m, 2);
                if (Reserve(holdings["kraken"], "buy", "ETH", "USD", 0.5m, price))
                {
                    toCancel = $"order-{++orderCount}";
                    actions.Add(new DemoOrder(toCancel, "kraken", "ETH/USD", "buy", "limit", 0.5m, price));
                }
            }
            else if (day == placeToCancel + 2 && toCancel is not null && !cancelled)
            {
                actions.Add(new DemoCancel(toCancel));
                cancelled = true;
            }

            if (i == times.Count - 1)
            {
                // What is still working at the end: a bid well under the market and an offer well over it.
                var bid = Math.Round(prices["BTC/USDT"] * 0.9m, 2);
                if (Reserve(holdings["binance"], "buy", "BTC", "USDT", 0.02m, bid))
                {
                    actions.Add(new DemoOrder($"order-{++orderCount}", "binance", "BTC/USDT", "buy", "limit", 0.02m, bid));
                }

                var ask = Math.Round(prices["SOL/USDT"] * 1.15m, 2);
                if (Reserve(holdings["binance"], "sell", "SOL", "USDT", 10m, ask))
                {
                    actions.Add(new DemoOrder($"order-{++orderCount}", "binance", "SOL/USDT", "sell", "limit", 10m, ask));
                }
            }

            steps.Add(new DemoStep(at, prices, actions));
        }

        return steps;
    }

    /// <summary>Every eight hours, then every hour over the last day so the 24-hour chart has detail.</summary>
    internal static List<DateTimeOffset> StepTimes(DateTimeOffset end, int days)
    {
        var times = new List<DateTimeOffset>();
        var hourly = end - TimeSpan.FromDays(1);
        for (var at = end - TimeSpan.FromDays(days); at < end; at += at < hourly ? TimeSpan.FromHours(8) : TimeSpan.FromHours(1))
        {
            times.Add(at);
        }

        return times;
    }

    /// <summary>A seeded random walk bent to go from start to end (a Brownian bridge), one price per step.</summary>
    private static decimal[] PricePath(Random random, List<DateTimeOffset> times, DateTimeOffset end, decimal endPrice, decimal startFactor, double dailyVolatility)
    {
        var start = times[0];
        var total = (end - start).TotalDays;
        var walk = new double[times.Count + 1];
        for (var i = 1; i <= times.Count; i++)
        {
            var dt = ((i < times.Count ? times[i] : end) - times[i - 1]).TotalDays;
            walk[i] = walk[i - 1] + (Normal(random) * dailyVolatility * Math.Sqrt(dt));
        }

        var logStart = Math.Log((double)(endPrice * startFactor));
        var logEnd = Math.Log((double)endPrice);
        var path = new decimal[times.Count];
        for (var i = 0; i < times.Count; i++)
        {
            var t = (times[i] - start).TotalDays / total;
            var bridge = walk[i] - (t * walk[^1]);
            path[i] = (decimal)Math.Exp(logStart + (t * (logEnd - logStart)) + bridge);
        }

        return path;
    }

    /// <summary>Every sandbox market's price at step <paramref name="i"/>, from the coins' dollar prices.</summary>
    private static Dictionary<string, decimal> MarketPrices(Dictionary<string, decimal[]> paths, int i)
    {
        var btc = paths["BTC"][i];
        var eth = paths["ETH"][i];
        var sol = paths["SOL"][i];
        return new Dictionary<string, decimal>(StringComparer.Ordinal)
        {
            ["BTC/USDT"] = Math.Round(btc * 1.0004m, 2),
            ["ETH/USDT"] = Math.Round(eth * 1.0004m, 2),
            ["SOL/USDT"] = Math.Round(sol * 1.0004m, 2),
            ["BTC/USD"] = Math.Round(btc, 2),
            ["ETH/USD"] = Math.Round(eth, 2),
            ["BTC/EUR"] = Math.Round(btc * EurPerUsd, 2),
            ["ETH/BTC"] = Math.Round(eth / btc, 5),
        };
    }

    /// <summary>Takes what the order needs from the tracked balance (fees and slippage: 2 % spare); false if it does not fit.</summary>
    private static bool Reserve(Dictionary<string, decimal> balance, string side, string baseAsset, string quote, decimal amount, decimal price)
    {
        if (side == "buy")
        {
            var cost = amount * price * 1.02m;
            if (balance.GetValueOrDefault(quote) < cost)
            {
                return false;
            }

            balance[quote] -= cost;

            // The fee may be taken from what was bought: count on a little less.
            balance[baseAsset] = balance.GetValueOrDefault(baseAsset) + (amount * 0.99m);
            return true;
        }

        if (balance.GetValueOrDefault(baseAsset) < amount)
        {
            return false;
        }

        balance[baseAsset] -= amount;
        balance[quote] = balance.GetValueOrDefault(quote) + (amount * price * 0.98m);
        return true;
    }

    private static (string Base, string Quote) Split(string symbol)
    {
        var slash = symbol.IndexOf('/', StringComparison.Ordinal);
        return (symbol[..slash], symbol[(slash + 1)..]);
    }

    private static int Decimals(string symbol) => symbol == "ETH/BTC" ? 5 : 2;

    /// <summary>Amounts a person would type: one decimal from one unit up, three below.</summary>
    private static decimal RoundAmount(decimal amount) => amount >= 1 ? Math.Round(amount, 1) : Math.Round(amount, 3);

    private static double Normal(Random random)
    {
        // Box-Muller.
        var u1 = 1.0 - random.NextDouble();
        var u2 = random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }
}
