using Coffer.Exchanges.Tests.Conformance;
using Coffer.Exchanges.Tests.Support;
using Xunit.Abstractions;

namespace Coffer.Exchanges.Tests.Binance;

public sealed class BinanceConformanceTests(ITestOutputHelper output)
{
    /// <summary>Every failing case and why (none today); the same list is in the README's "### Binance" section.</summary>
    private static readonly Dictionary<string, string> KnownGaps = new(StringComparer.Ordinal);

    [Fact]
    public async Task CcxtFixtures_Binance_AtLeast90PercentPassAndEveryGapIsDocumented()
    {
        using var vault = await TestVault.StartAsync();
        var credentials = await vault.CredentialsAsync("ccxt-dummy-key", "ccxt-dummy-secret");

        var outcomes = await ConformanceSuite.RunAsync("binance", CcxtPrecisionMode.DecimalPlaces, (http, markets) => BinanceTestClient.Create(http, credentials, markets));

        output.WriteLine(ConformanceSuite.Table(outcomes));
        ConformanceSuite.AssertConformance(outcomes, KnownGaps);
    }
}
