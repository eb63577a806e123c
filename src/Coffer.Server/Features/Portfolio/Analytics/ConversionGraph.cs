using Coffer.Exchanges.Model;

namespace Coffer.Server.Features.Portfolio.Analytics;

/// <summary>
/// One step of a conversion: one ticker of one exchange, read in the direction the conversion needs.
/// <see cref="Price"/> is the ticker's own price (quote per base) as used; <see cref="Rate"/> is what one unit of
/// <see cref="From"/> is worth in <see cref="To"/>, which is the price itself, or its reciprocal when the ticker is read
/// the other way round (<see cref="Inverted"/>).
/// </summary>
internal sealed record ConversionHop(
    string Exchange,
    string Symbol,
    string From,
    string To,
    decimal Price,
    bool Inverted,
    DateTimeOffset? Timestamp)
{
    public decimal Rate => Inverted ? 1m / Price : Price;
}

/// <summary>
/// The price of one unit of <see cref="Asset"/> in <see cref="Currency"/>, with the hops it was computed from.
/// <see cref="AsOf"/> is the oldest hop's ticker time, because a chained price is only as fresh as its stalest ticker; it
/// is null when there are no hops (asset and currency are the same) or when any hop's ticker carries no time (an unknown
/// age must not be shown as fresh).
/// </summary>
internal sealed record PriceResult(
    string Asset,
    string Currency,
    decimal Price,
    IReadOnlyList<ConversionHop> Hops,
    DateTimeOffset? AsOf);

/// <summary>
/// Prices an asset in a target currency from the tickers of the user's connected exchanges. Currencies are the unified
/// (CCXT) codes and are compared exactly (ordinal), as the connectors already normalize them.
/// </summary>
/// <remarks>
/// Search order, which is the whole contract:
/// <list type="number">
/// <item>asset == currency: price 1, no hops.</item>
/// <item>Fewest hops first: the direct pair (BASE/QUOTE, or QUOTE/BASE read inverted), then one bridge, then two bridges
/// (at most three hops). Only bridge currencies may be intermediate nodes, each at most once, so a price never wanders
/// through an illiquid token.</item>
/// <item>Among paths of the same length: more hops on <c>preferExchange</c> first (the asset is valued where it is held);
/// then the intermediate bridges in the configured bridge order, position by position (with the defaults USDT before USD
/// before BTC before EUR); then hop by hop the exchange name (ordinal), then a ticker read directly before one read
/// inverted.</item>
/// </list>
/// USDT is not assumed to equal USD: a stablecoin is priced through a real pair like any other asset.
/// </remarks>
internal sealed class ConversionGraph
{
    /// <summary>The default bridges: the most liquid quote currencies on spot exchanges.</summary>
    public static readonly IReadOnlyList<string> DefaultBridges = ["USDT", "USD", "BTC", "EUR"];

    private readonly Dictionary<(string From, string To), List<ConversionHop>> _edges = [];
    private readonly string[] _bridges;

    public ConversionGraph(IEnumerable<(string Exchange, Ticker Ticker)> tickers, IReadOnlyList<string>? bridges = null)
    {
        ArgumentNullException.ThrowIfNull(tickers);
        _bridges = (bridges ?? DefaultBridges).Distinct(StringComparer.Ordinal).ToArray();

        // One ticker per (exchange, symbol): a sync may hand the same market twice; the newest reading wins (a missing
        // time counts as oldest), and on a tie the first one seen, so the graph does not depend on dictionary order.
        var chosen = new Dictionary<(string Exchange, string Symbol), (Ticker Ticker, decimal Price, string Base, string Quote)>();
        foreach (var (exchange, ticker) in tickers)
        {
            if (ticker is null || !TrySplit(ticker.Symbol, out var @base, out var quote) || UsablePrice(ticker) is not { } price)
            {
                continue;
            }

            var key = (exchange, ticker.Symbol);
            if (!chosen.TryGetValue(key, out var existing)
                || (ticker.Timestamp ?? DateTimeOffset.MinValue) > (existing.Ticker.Timestamp ?? DateTimeOffset.MinValue))
            {
                chosen[key] = (ticker, price, @base, quote);
            }
        }

        foreach (var ((exchange, symbol), (ticker, price, @base, quote)) in chosen)
        {
            Add(new ConversionHop(exchange, symbol, @base, quote, price, Inverted: false, ticker.Timestamp));
            Add(new ConversionHop(exchange, symbol, quote, @base, price, Inverted: true, ticker.Timestamp));
        }
    }

    /// <summary>The bridges in their order of preference.</summary>
    public IReadOnlyList<string> Bridges => _bridges;

    /// <summary>
    /// The ticker's price: the last trade, else the bid/ask midpoint, else none. Non-positive values are ignored, as
    /// exchanges report 0 for markets that have not traded.
    /// </summary>
    public static decimal? UsablePrice(Ticker ticker)
    {
        ArgumentNullException.ThrowIfNull(ticker);
        if (ticker.Last is > 0m and var last)
        {
            return last;
        }

        if (ticker is { Bid: > 0m and var bid, Ask: > 0m and var ask })
        {
            return (bid + ask) / 2m;
        }

        return null;
    }

    /// <summary>The price of one unit of <paramref name="asset"/> in <paramref name="currency"/>, or null when no path exists.</summary>
    public PriceResult? Price(string asset, string currency, string? preferExchange = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(asset);
        ArgumentException.ThrowIfNullOrEmpty(currency);
        if (string.Equals(asset, currency, StringComparison.Ordinal))
        {
            return new PriceResult(asset, currency, 1m, [], null);
        }

        var intermediates = _bridges
            .Where(b => !string.Equals(b, asset, StringComparison.Ordinal) && !string.Equals(b, currency, StringComparison.Ordinal))
            .ToArray();

        // Length by length, so a longer path is never even built while a shorter one exists.
        foreach (var sequences in NodeSequences(asset, currency, intermediates))
        {
            PriceResult? best = null;
            ConversionHop[]? bestHops = null;
            int[]? bestKey = null;
            foreach (var nodes in sequences)
            {
                if (Build(nodes, preferExchange) is not { } hops || Multiply(hops) is not { } price)
                {
                    continue;
                }

                var key = Key(nodes, hops, preferExchange);
                if (bestKey is null || Compare(key, bestKey, hops, bestHops!) < 0)
                {
                    bestKey = key;
                    bestHops = hops;
                    best = new PriceResult(asset, currency, price, hops, AsOf(hops));
                }
            }

            if (best is not null)
            {
                return best;
            }
        }

        return null;
    }

    /// <summary>The price as a plain rate, for the FIFO ledger's conversion functions.</summary>
    public decimal? Rate(string from, string to) => Price(from, to)?.Price;

    private void Add(ConversionHop hop)
    {
        if (!_edges.TryGetValue((hop.From, hop.To), out var list))
        {
            list = [];
            _edges[(hop.From, hop.To)] = list;
        }

        list.Add(hop);
    }

    private static IEnumerable<IEnumerable<string[]>> NodeSequences(string asset, string currency, string[] bridges)
    {
        yield return [[asset, currency]];
        yield return bridges.Select(b => new[] { asset, b, currency });
        yield return bridges.SelectMany(b1 => bridges
            .Where(b2 => !string.Equals(b1, b2, StringComparison.Ordinal))
            .Select(b2 => new[] { asset, b1, b2, currency }));
    }

    /// <summary>
    /// The best hop for each leg, chosen independently: the tie-breaks (count of preferred hops, then exchange and
    /// direction hop by hop) decompose over legs, so the per-leg best is the best path over these nodes.
    /// </summary>
    private ConversionHop[]? Build(string[] nodes, string? preferExchange)
    {
        var hops = new ConversionHop[nodes.Length - 1];
        for (var i = 0; i < hops.Length; i++)
        {
            if (!_edges.TryGetValue((nodes[i], nodes[i + 1]), out var candidates))
            {
                return null;
            }

            hops[i] = candidates
                .OrderBy(h => string.Equals(h.Exchange, preferExchange, StringComparison.Ordinal) ? 0 : 1)
                .ThenBy(h => h.Exchange, StringComparer.Ordinal)
                .ThenBy(h => h.Inverted)
                .First();
        }

        return hops;
    }

    /// <summary>
    /// The product of the hops' rates, as one division of the direct prices' product by the inverted prices' product, so
    /// a round trip through a reciprocal is rounded once rather than at every hop. Null when the result is outside
    /// decimal's range (overflow, or underflow to zero), which no real price is; the path is then not used.
    /// </summary>
    private static decimal? Multiply(ConversionHop[] hops)
    {
        try
        {
            var numerator = 1m;
            var denominator = 1m;
            foreach (var hop in hops)
            {
                if (hop.Inverted)
                {
                    denominator *= hop.Price;
                }
                else
                {
                    numerator *= hop.Price;
                }
            }

            if (denominator == 0m)
            {
                return null;
            }

            var price = numerator / denominator;
            return price > 0m ? price : null;
        }
        catch (OverflowException)
        {
            return null;
        }
    }

    /// <summary>Sort key within one path length: fewer non-preferred hops, then the bridges' positions in the bridge list.</summary>
    private int[] Key(string[] nodes, ConversionHop[] hops, string? preferExchange)
    {
        var key = new int[nodes.Length - 1];
        key[0] = hops.Count(h => !string.Equals(h.Exchange, preferExchange, StringComparison.Ordinal));
        for (var i = 1; i < nodes.Length - 1; i++)
        {
            key[i] = IndexOf(nodes[i]);
        }

        return key;
    }

    private int IndexOf(string bridge)
    {
        for (var i = 0; i < _bridges.Length; i++)
        {
            if (string.Equals(_bridges[i], bridge, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return int.MaxValue;
    }

    private static int Compare(int[] key, int[] otherKey, ConversionHop[] hops, ConversionHop[] otherHops)
    {
        for (var i = 0; i < key.Length; i++)
        {
            var c = key[i].CompareTo(otherKey[i]);
            if (c != 0)
            {
                return c;
            }
        }

        for (var i = 0; i < hops.Length; i++)
        {
            var c = string.CompareOrdinal(hops[i].Exchange, otherHops[i].Exchange);
            if (c != 0)
            {
                return c;
            }

            c = hops[i].Inverted.CompareTo(otherHops[i].Inverted);
            if (c != 0)
            {
                return c;
            }
        }

        return 0;
    }

    private static DateTimeOffset? AsOf(ConversionHop[] hops)
    {
        DateTimeOffset? oldest = null;
        foreach (var hop in hops)
        {
            if (hop.Timestamp is not { } time)
            {
                return null;
            }

            oldest = oldest is { } o && o <= time ? o : time;
        }

        return oldest;
    }

    /// <summary>
    /// Splits a spot symbol <c>BASE/QUOTE</c>. Derivative symbols (<c>BTC/USDT:USDT</c>, CCXT's settle suffix) are not
    /// spot prices and are refused, as is anything that is not exactly two non-empty codes.
    /// </summary>
    internal static bool TrySplit(string? symbol, out string @base, out string quote)
    {
        @base = quote = "";
        if (string.IsNullOrEmpty(symbol) || symbol.Contains(':', StringComparison.Ordinal))
        {
            return false;
        }

        var slash = symbol.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0 || slash == symbol.Length - 1 || symbol.IndexOf('/', slash + 1) >= 0)
        {
            return false;
        }

        @base = symbol[..slash];
        quote = symbol[(slash + 1)..];
        return !string.Equals(@base, quote, StringComparison.Ordinal);
    }
}
