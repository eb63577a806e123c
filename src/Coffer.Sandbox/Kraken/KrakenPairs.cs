using Coffer.Sandbox.Engine;

namespace Coffer.Sandbox.Kraken;

/// <summary>One market as Kraken names it: pair name (XXBTZUSD or SOLUSDT), altname (XBTUSD), wsname (XBT/USD).</summary>
internal sealed record KrakenPair(Market Market, string Name, string AltName, string WsName)
{
    public int PairDecimals => KrakenJson.Decimals(Market.TickSize);

    public int LotDecimals => KrakenJson.Decimals(Market.LotStep);

    /// <summary>Enough decimals that price × volume is always exact.</summary>
    public int CostDecimals => Math.Min(10, PairDecimals + LotDecimals);
}

/// <summary>Finds a market by any name Kraken accepts for a pair: the pair name, the altname or the wsname.</summary>
internal sealed class KrakenPairs
{
    private readonly Dictionary<string, KrakenPair> _byName = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, KrakenPair> _bySymbol = new(StringComparer.Ordinal);

    public KrakenPairs(IEnumerable<Market> markets)
    {
        foreach (var market in markets)
        {
            var alt = KrakenAssets.AltName(market.Base) + KrakenAssets.AltName(market.Quote);
            var name = KrakenAssets.IsLegacy(market.Base) && KrakenAssets.IsLegacy(market.Quote)
                ? KrakenAssets.Code(market.Base) + KrakenAssets.Code(market.Quote)
                : alt;
            var pair = new KrakenPair(market, name, alt, KrakenAssets.AltName(market.Base) + "/" + KrakenAssets.AltName(market.Quote));
            _bySymbol.Add(market.Symbol, pair);
            _byName.TryAdd(pair.Name, pair);
            _byName.TryAdd(pair.AltName, pair);
            _byName.TryAdd(pair.WsName, pair);
        }
    }

    public IEnumerable<KrakenPair> All => _bySymbol.Values;

    public KrakenPair? Find(string name) => _byName.GetValueOrDefault(name);

    public KrakenPair Of(Market market) => _bySymbol[market.Symbol];

    public KrakenPair Of(string symbol) => _bySymbol[symbol];
}
