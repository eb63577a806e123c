using Coffer.Exchanges.Kraken;
using Coffer.Sandbox;

namespace Coffer.Exchanges.Tests.Sandbox;

/// <summary>A sandbox run with only the Kraken front, for the Kraken connector tests.</summary>
internal static class KrakenSandbox
{
    public static Task<SandboxRun<KrakenClient>> StartAsync(Func<SandboxOptions, SandboxOptions>? configure = null) =>
        SandboxRun<KrakenClient>.StartAsync(SandboxExchange.Kraken, configure);
}
