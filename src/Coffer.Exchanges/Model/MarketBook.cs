using System.Collections.Frozen;

namespace Coffer.Exchanges.Model;

/// <summary>A connector's markets by unified symbol and by exchange id, loaded once and replaced whole.</summary>
internal sealed class MarketBook(string exchange)
{
    private volatile Snapshot? _snapshot;

    public bool IsLoaded => _snapshot is not null;

    public IReadOnlyCollection<Market> All => _snapshot?.BySymbol.Values ?? (IReadOnlyCollection<Market>)[];

    public void Load(IEnumerable<Market> markets)
    {
        var list = markets.ToList();
        _snapshot = new Snapshot(
            list.GroupBy(x => x.Symbol, StringComparer.Ordinal).ToFrozenDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal),
            list.GroupBy(x => x.Id, StringComparer.Ordinal).ToFrozenDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal));
    }

    /// <summary>The market of a unified symbol; an unknown symbol is an invalid order, said in the user's terms.</summary>
    public Market BySymbol(string symbol) =>
        _snapshot is { } snapshot && snapshot.BySymbol.TryGetValue(symbol, out var market)
            ? market
            : throw new ExchangeException(exchange, ExchangeErrorKind.InvalidOrder, _snapshot is null ? $"The markets of {exchange} are not loaded yet." : $"{exchange} has no spot market {symbol}.", transient: false);

    public Market? ById(string id) => _snapshot is { } snapshot && snapshot.ById.TryGetValue(id, out var market) ? market : null;

    private sealed record Snapshot(FrozenDictionary<string, Market> BySymbol, FrozenDictionary<string, Market> ById);
}
