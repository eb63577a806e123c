using Coffer.Exchanges;
using Coffer.Exchanges.Model;
using Coffer.Server.Data;
using Coffer.Server.Features.Connections;
using Coffer.Server.Features.Portfolio.Analytics;
using Microsoft.EntityFrameworkCore;

namespace Coffer.Server.Features.Portfolio;

/// <summary>
/// The conversion graph of a user's connected exchanges (DESIGN §6): the current tickers of every usable connection,
/// fetched in parallel (and shared for a few seconds, <see cref="ExchangeAccess.TickersLifetime"/>). An exchange whose
/// tickers cannot be fetched is left out and named, so a missing price is explained, not silent.
/// </summary>
internal sealed class Pricing(IDbContextFactory<CofferDb> factory, ExchangeAccess access)
{
    public async Task<PriceBook> ForUserAsync(Guid userId, CancellationToken cancellationToken)
    {
        List<ConnectionRow> rows;
        await using (var db = await factory.CreateDbContextAsync(cancellationToken))
        {
            rows = await db.Table<ConnectionRow>().AsNoTracking().Where(c => c.UserId == userId).ToListAsync(cancellationToken);
        }

        var fetched = await Task.WhenAll(rows.GroupBy(r => (r.Exchange, r.BaseUrl)).Select(async group =>
        {
            foreach (var row in group)
            {
                if (await access.OpenAsync(row, cancellationToken) is not { } connector)
                {
                    continue;
                }

                try
                {
                    return (group.Key.Exchange, Tickers: await connector.TickersAsync(cancellationToken), Error: (string?)null);
                }
                catch (ExchangeException ex)
                {
                    return (group.Key.Exchange, Tickers: (IReadOnlyList<Ticker>)[], Error: $"{ex.Kind}: {ex.Message}");
                }
            }

            return (group.Key.Exchange, Tickers: (IReadOnlyList<Ticker>)[], Error: "no usable connection");
        }));

        var graph = new ConversionGraph(fetched.SelectMany(f => f.Tickers.Select(t => (f.Exchange, t))));
        var opens = new ConversionGraph(fetched.SelectMany(f => f.Tickers.Where(t => t.Open is > 0).Select(t => (f.Exchange, t with { Last = t.Open, Bid = null, Ask = null }))));
        var failures = fetched.Where(f => f.Error is not null).ToDictionary(f => f.Exchange, f => f.Error!, StringComparer.Ordinal);
        return new PriceBook(graph, opens, failures);
    }
}

/// <summary>
/// The graph of current prices, the graph of the prices 24 hours ago (the tickers' rolling-window open, for the 24-hour
/// change), and the exchanges whose prices are missing from them (with why).
/// </summary>
internal sealed record PriceBook(ConversionGraph Graph, ConversionGraph DayAgo, IReadOnlyDictionary<string, string> Unavailable)
{
    /// <summary><paramref name="amount"/> of <paramref name="from"/> in <paramref name="to"/>; null when there is no price path.</summary>
    public decimal? Convert(decimal amount, string from, string to, string? preferExchange = null) =>
        Graph.Price(from, to, preferExchange) is { } price ? amount * price.Price : null;
}
