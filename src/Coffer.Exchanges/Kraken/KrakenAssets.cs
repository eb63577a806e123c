using System.Collections.Frozen;

namespace Coffer.Exchanges.Kraken;

/// <summary>
/// Kraken's asset codes in unified (CCXT) terms. Kraken names its oldest assets with an X (crypto) or Z (fiat) prefix
/// (XXBT, XETH, ZUSD, ZEUR) and calls bitcoin XBT and dogecoin XDG; its AssetPairs <c>wsname</c> gives the short
/// altnames (XBT/USD). CCXT's currencies/kraken.json maps XXBT→BTC, XETH→ETH, ZUSD→USD, ZEUR→EUR, XLTC→LTC, XXRP→XRP.
/// </summary>
internal static class KrakenAssets
{
    /// <summary>Legacy prefixed codes and their altnames (Kraken's public Assets endpoint, <c>altname</c>).</summary>
    private static readonly FrozenDictionary<string, string> Prefixed = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["XXBT"] = "XBT",
        ["XETH"] = "ETH",
        ["XETC"] = "ETC",
        ["XLTC"] = "LTC",
        ["XXRP"] = "XRP",
        ["XXDG"] = "XDG",
        ["XXLM"] = "XLM",
        ["XXMR"] = "XMR",
        ["XZEC"] = "ZEC",
        ["XMLN"] = "MLN",
        ["XREP"] = "REP",
        ["ZUSD"] = "USD",
        ["ZEUR"] = "EUR",
        ["ZGBP"] = "GBP",
        ["ZCAD"] = "CAD",
        ["ZJPY"] = "JPY",
        ["ZAUD"] = "AUD",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>Kraken altnames that differ from the common code (CCXT's commonCurrencies for kraken).</summary>
    private static readonly FrozenDictionary<string, string> Common = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["XBT"] = "BTC",
        ["XDG"] = "DOGE",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>The unified code of a Kraken asset id or altname: XXBT → BTC, XBT → BTC, ZUSD → USD, XTZ → XTZ, XBT.F → BTC.F.</summary>
    public static string Code(string krakenId)
    {
        // Suffixed balances (XBT.F opt-in rewards, DOT.S staked, ETH2.S …) keep their suffix on the unified code.
        var dot = krakenId.IndexOf('.', StringComparison.Ordinal);
        if (dot > 0)
        {
            return Code(krakenId[..dot]) + krakenId[dot..];
        }

        var alt = Prefixed.TryGetValue(krakenId, out var shortName) ? shortName : krakenId;
        return Common.TryGetValue(alt, out var common) ? common : alt;
    }
}
