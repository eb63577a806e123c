namespace Coffer.Sandbox.Engine;

/// <summary>The moving part of a market: last price, the session's statistics and the liquidity left in this step.</summary>
internal sealed class MarketState(Market market)
{
    public Market Market { get; } = market;

    public decimal Last { get; set; } = market.InitialPrice;

    public decimal Open { get; set; } = market.InitialPrice;

    public decimal High { get; set; } = market.InitialPrice;

    public decimal Low { get; set; } = market.InitialPrice;

    public decimal Volume { get; set; }

    public decimal QuoteVolume { get; set; }

    public long TradeCount { get; set; }

    public decimal? AskLiquidity { get; set; } = market.LiquidityPerStep;

    public decimal? BidLiquidity { get; set; } = market.LiquidityPerStep;

    /// <summary>Half the spread, at least one tick, so bid &lt; last &lt; ask always.</summary>
    public decimal HalfSpread => Math.Max(Market.TickSize, Market.RoundToStep(Last * Market.Spread / 2, Market.TickSize));

    public decimal Bid => Math.Max(Market.TickSize, Last - HalfSpread);

    public decimal Ask => Last + HalfSpread;

    public void SetLast(decimal price)
    {
        Last = Math.Max(Market.TickSize, Market.RoundToStep(price, Market.TickSize));
        High = Math.Max(High, Last);
        Low = Math.Min(Low, Last);
    }

    public void Replenish()
    {
        AskLiquidity = Market.LiquidityPerStep;
        BidLiquidity = Market.LiquidityPerStep;
    }

    public Ticker ToTicker() => new(
        Market.Symbol, Last, Bid, BidLiquidity ?? 1_000m, Ask, AskLiquidity ?? 1_000m, Open, High, Low, Volume, QuoteVolume, TradeCount);
}

internal sealed record Ticker(
    string Symbol,
    decimal Last,
    decimal Bid,
    decimal BidQuantity,
    decimal Ask,
    decimal AskQuantity,
    decimal Open,
    decimal High,
    decimal Low,
    decimal Volume,
    decimal QuoteVolume,
    long TradeCount);
