using Coffer.Exchanges.Kraken;
using Coffer.Sandbox;

namespace Coffer.Exchanges.Tests.Sandbox;

/// <summary>A sandbox run with only the Kraken front, for the Kraken connector tests.</summary>
internal static class KrakenSandbox
{
    public static Task<SandboxRun<KrakenClient>> StartAsync(Func<SandboxOptions, SandboxOptions>? configure = null) =>
        SandboxRun<KrakenClient>.StartAsync(SandboxExchange.Kraken, configure);

    /// <summary>The sandbox's own market (fees, lot step), the ground truth expected values are computed from.</summary>
    public static Coffer.Sandbox.Engine.Market EngineMarket(SandboxRun<KrakenClient> sandbox, string symbol) =>
        sandbox.Host.State.Engine.Markets.Single(m => m.Symbol == symbol);

    /// <summary>
    /// What the sandbox holds for a resting buy of this value: a Kraken buy pays its fee in the quote (fciq, the default
    /// when buying, docs.kraken.com/api/docs/rest-api/add-order), so the value and the most its fee can be (taker),
    /// rounded as the engine rounds fees.
    /// </summary>
    public static decimal Held(SandboxRun<KrakenClient> sandbox, string symbol, decimal value) =>
        value + Math.Round(value * EngineMarket(sandbox, symbol).TakerFee, 8, MidpointRounding.AwayFromZero);
}
