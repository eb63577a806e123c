using Coffer.Sandbox.Binance;
using Coffer.Sandbox.Coinbase;
using Coffer.Sandbox.Engine;
using Coffer.Sandbox.Kraken;

namespace Coffer.Sandbox;

internal sealed record SandboxOptions
{
    public IReadOnlyList<SandboxExchange> Exchanges { get; init; } = SandboxExchanges.Implemented;

    /// <summary>Seeds the price walk, generated ids and probabilistic faults, so a run repeats.</summary>
    public int Seed { get; init; } = 1;

    public IReadOnlyList<Market> Markets { get; init; } = MarketCatalogue.Default;

    /// <summary>The host clock; tests pass a manual one (rate-limit windows, timestamp checks).</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>How often the price feed steps on its own; null = only on <c>Step()</c> (deterministic tests).</summary>
    public TimeSpan? PriceInterval { get; init; }

    /// <summary>First port; exchanges get consecutive ports in <see cref="SandboxExchange"/> order. Null = free ports.</summary>
    public int? PortBase { get; init; }

    public BinanceOptions Binance { get; init; } = new();

    public KrakenOptions Kraken { get; init; } = new();

    public CoinbaseOptions Coinbase { get; init; } = new();
}
