namespace Coffer.Sandbox.Engine;

/// <summary>One spot market of the sandbox: the trading rules every exchange front publishes in its own format.</summary>
/// <param name="Symbol">Unified <c>BASE/QUOTE</c> symbol.</param>
/// <param name="Spread">Full bid/ask spread as a fraction of the price (0.001 = 0.1 %).</param>
/// <param name="LiquidityPerStep">Base quantity the book offers per side per price step; null = unlimited.</param>
/// <param name="Volatility">Largest relative move of one random-walk step.</param>
internal sealed record Market(
    string Symbol,
    string Base,
    string Quote,
    decimal TickSize,
    decimal LotStep,
    decimal MinQty,
    decimal MinNotional,
    decimal MakerFee,
    decimal TakerFee,
    decimal InitialPrice,
    decimal Spread = 0.001m,
    decimal? LiquidityPerStep = null,
    decimal Volatility = 0.002m)
{
    public decimal MaxQty { get; init; } = 9_000_000m;

    public decimal MaxPrice { get; init; } = 10_000_000m;

    public static decimal FloorToStep(decimal value, decimal step) =>
        step <= 0 ? value : Math.Floor(value / step) * step;

    public static decimal RoundToStep(decimal value, decimal step) =>
        step <= 0 ? value : Math.Round(value / step, MidpointRounding.AwayFromZero) * step;

    public static bool IsMultipleOf(decimal value, decimal step) => step <= 0 || value % step == 0;
}
