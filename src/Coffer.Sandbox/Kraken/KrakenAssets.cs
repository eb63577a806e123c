namespace Coffer.Sandbox.Kraken;

/// <summary>
/// Kraken's asset codes (public Assets): the old "X"/"Z"-prefixed four-letter codes for the first listed coins and fiat
/// (BTC is XXBT, altname XBT), the plain ticker for everything listed later (USDT, SOL). Decimals as Kraken reports balances.
/// </summary>
internal static class KrakenAssets
{
    private static readonly Dictionary<string, (string Code, string AltName, int Decimals)> Known = new(StringComparer.Ordinal)
    {
        ["BTC"] = ("XXBT", "XBT", 10),
        ["ETH"] = ("XETH", "ETH", 10),
        ["LTC"] = ("XLTC", "LTC", 10),
        ["XRP"] = ("XXRP", "XRP", 8),
        ["XLM"] = ("XXLM", "XLM", 8),
        ["USD"] = ("ZUSD", "USD", 4),
        ["EUR"] = ("ZEUR", "EUR", 4),
        ["GBP"] = ("ZGBP", "GBP", 4),
        ["CAD"] = ("ZCAD", "CAD", 4),
        ["JPY"] = ("ZJPY", "JPY", 2),
        ["USDT"] = ("USDT", "USDT", 8),
        ["USDC"] = ("USDC", "USDC", 8),
        ["SOL"] = ("SOL", "SOL", 10),
    };

    /// <summary>The asset code Kraken uses in balances and <c>base</c>/<c>quote</c> (XXBT, ZUSD, USDT).</summary>
    public static string Code(string asset) => Known.TryGetValue(asset, out var known) ? known.Code : asset;

    /// <summary>The short name used in pair altnames and wsnames (XBT, USD, USDT).</summary>
    public static string AltName(string asset) => Known.TryGetValue(asset, out var known) ? known.AltName : asset;

    public static int Decimals(string asset) => Known.TryGetValue(asset, out var known) ? known.Decimals : 8;

    /// <summary>Whether the asset has one of the legacy X/Z codes, which make a pair's name their concatenation (XXBTZUSD).</summary>
    public static bool IsLegacy(string asset) => Code(asset).Length == 4 && Code(asset) != AltName(asset) && Code(asset)[0] is 'X' or 'Z';
}
