namespace Coffer.Sandbox.Engine;

/// <summary>The default markets: the majors against USDT, USD and EUR, one cross, and one thin coin for partial fills.</summary>
internal static class MarketCatalogue
{
    public static IReadOnlyList<Market> Default { get; } =
    [
        new("BTC/USDT", "BTC", "USDT", 0.01m, 0.00001m, 0.00001m, 5m, 0.001m, 0.001m, 60_000m),
        new("ETH/USDT", "ETH", "USDT", 0.01m, 0.0001m, 0.0001m, 5m, 0.001m, 0.001m, 3_000m),
        new("ETH/BTC", "ETH", "BTC", 0.00001m, 0.0001m, 0.0001m, 0.0001m, 0.001m, 0.001m, 0.05m),
        new("SOL/USDT", "SOL", "USDT", 0.01m, 0.001m, 0.001m, 5m, 0.001m, 0.001m, 150m),
        new("BTC/USD", "BTC", "USD", 0.01m, 0.00001m, 0.00001m, 1m, 0.0016m, 0.0026m, 60_000m),
        new("ETH/USD", "ETH", "USD", 0.01m, 0.0001m, 0.0001m, 1m, 0.0016m, 0.0026m, 3_000m),
        new("BTC/EUR", "BTC", "EUR", 0.01m, 0.00001m, 0.00001m, 1m, 0.0016m, 0.0026m, 55_000m),
        // Thin market: a few hundred coins per step, so larger market orders fill in several parts.
        new("DUST/USDT", "DUST", "USDT", 0.0001m, 1m, 1m, 5m, 0.002m, 0.004m, 0.25m, Spread: 0.02m, LiquidityPerStep: 500m, Volatility: 0.01m),
    ];
}
