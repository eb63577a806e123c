using Coffer.Exchanges.Model;
using Coffer.Server.Features.Trading;

namespace Coffer.Server.Features.Portfolio;

/// <summary>A market's rules as an order ticket needs them: steps, minimums and maximums, accepted order types.</summary>
internal sealed record MarketView(
    string Symbol,
    string Base,
    string Quote,
    bool Active,
    decimal AmountStep,
    decimal PriceTick,
    decimal? MinAmount,
    decimal? MaxAmount,
    decimal? MinPrice,
    decimal? MaxPrice,
    decimal? MinCost,
    decimal? MaxCost,
    decimal? Maker,
    decimal? Taker,
    IReadOnlyList<string>? OrderTypes)
{
    public static MarketView From(Market m) => new(
        m.Symbol, m.Base, m.Quote, m.Active, m.AmountStep, m.PriceTick, m.MinAmount, m.MaxAmount, m.MinPrice, m.MaxPrice, m.MinCost, m.MaxCost, m.Maker, m.Taker,
        m.OrderTypes is null ? null : [.. m.OrderTypes.Select(OrderNames.Of).Order(StringComparer.Ordinal)]);
}

internal sealed record MarketsView(Guid ConnectionId, string Exchange, IReadOnlyList<MarketView> Items);

internal sealed record TickerView(string Symbol, DateTimeOffset? Timestamp, decimal? Bid, decimal? Ask, decimal? Last, decimal? Open, decimal? High, decimal? Low, decimal? BaseVolume, decimal? QuoteVolume)
{
    public static TickerView From(Ticker t) => new(t.Symbol, t.Timestamp, t.Bid, t.Ask, t.Last, t.Open, t.High, t.Low, t.BaseVolume, t.QuoteVolume);
}

internal sealed record TickersView(Guid ConnectionId, string Exchange, IReadOnlyList<TickerView> Items);
