using Coffer.Sandbox.Engine;

namespace Coffer.Sandbox.Binance;

/// <summary>Binance symbols are base and quote run together: <c>BTC/USDT</c> is <c>BTCUSDT</c>.</summary>
internal sealed class BinanceSymbols(MatchingEngine engine)
{
    private readonly Dictionary<string, Market> _bySymbol = engine.Markets.ToDictionary(m => ToBinance(m), StringComparer.Ordinal);

    public static string ToBinance(Market market) => market.Base + market.Quote;

    public static string ToBinance(string unified) => unified.Replace("/", "", StringComparison.Ordinal);

    /// <summary>Case-sensitive, as Binance is: <c>btcusdt</c> is an invalid symbol.</summary>
    public Market? Find(string symbol) => _bySymbol.GetValueOrDefault(symbol);
}
