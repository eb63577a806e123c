using Coffer.Exchanges.Model;

namespace Coffer.Server.Features.Portfolio;

/// <summary>
/// Which markets to ask for history on an exchange that lists trades one symbol at a time (Binance: GET /api/v3/myTrades
/// and /api/v3/allOrders require <c>symbol</c>, at request weight 20 each — asking all of Binance's two thousand markets
/// every sync would spend the account's minute budget many times over). A fill moves two currencies, so a market is
/// worth asking when its base was ever held and its quote was ever held or is a common quote currency; markets of
/// orders seen (open, placed by Coffer, or already traded) are always asked.
/// </summary>
internal static class SymbolDiscovery
{
    /// <summary>The quote currencies most spot pairs trade against: a fill in these may leave no trace in the balances seen.</summary>
    public static readonly IReadOnlySet<string> CommonQuotes = new HashSet<string>(StringComparer.Ordinal)
    {
        "USDT", "USDC", "FDUSD", "BUSD", "TUSD", "DAI", "USD", "EUR", "GBP", "TRY", "BRL", "JPY", "BTC", "ETH", "BNB",
    };

    /// <param name="markets">The exchange's markets.</param>
    /// <param name="everHeld">Currencies seen in any balance of the connection (zero balances are kept for this).</param>
    /// <param name="symbolsSeen">Symbols of the connection's known orders and trades.</param>
    public static IReadOnlyList<string> Symbols(IEnumerable<Market> markets, IReadOnlySet<string> everHeld, IReadOnlySet<string> symbolsSeen) =>
        [.. markets
            .Where(m => symbolsSeen.Contains(m.Symbol)
                || (everHeld.Contains(m.Base) && (everHeld.Contains(m.Quote) || CommonQuotes.Contains(m.Quote))))
            .Select(m => m.Symbol)
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)];
}
