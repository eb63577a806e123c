using Coffer.Exchanges.Binance;
using Coffer.Exchanges.Coinbase;
using Coffer.Exchanges.Kraken;
using Coffer.Exchanges.Model;

namespace Coffer.Exchanges;

/// <summary>An exchange Coffer speaks: its id, its production API, what its keys look like, and its connector.</summary>
/// <param name="Id">The id used in the API and CLI (<c>binance</c>).</param>
/// <param name="Name">The name people use.</param>
/// <param name="DefaultBaseUri">The production REST API.</param>
/// <param name="SecretHint">What the secret is, as the exchange's API-key page shows it, for error messages.</param>
/// <param name="Create">Builds the connector for one account.</param>
/// <param name="HistoryPerSymbol">
/// Whether closed orders and trades can be listed only one symbol at a time (Binance: GET /api/v3/allOrders and
/// /api/v3/myTrades require <c>symbol</c>), so sync must choose the symbols worth asking for.
/// </param>
/// <param name="Sizing">What the exchange's order rules add beyond the market (Binance's MARKET_LOT_SIZE, Coinbase's quote increment), as its connector checks them.</param>
internal sealed record ExchangeInfo(string Id, string Name, Uri DefaultBaseUri, string SecretHint, Func<ExchangeConnection, ConnectorServices, IExchangeClient> Create, bool HistoryPerSymbol = false, Func<Market, OrderSizing>? Sizing = null)
{
    /// <summary>The market rules an order must meet on this exchange, checked the way its connector checks them before sending.</summary>
    public OrderRulesResult Check(OrderRequest request, Market market, decimal? referencePrice) =>
        OrderRules.Check(request, market, request.Rounding, referencePrice, Sizing?.Invoke(market));
}

/// <summary>The exchanges Coffer has connectors for (DESIGN §5: one folder each).</summary>
internal static class ExchangeCatalog
{
    public static readonly IReadOnlyList<ExchangeInfo> All =
    [
        new("binance", "Binance", new Uri("https://api.binance.com"), "the 64-character Secret Key shown once when the API key is created", (c, s) => new BinanceClient(c, s), HistoryPerSymbol: true, Sizing: BinanceOrders.Sizing),
        new("kraken", "Kraken", KrakenClient.DefaultBaseUri, "the base64 Private Key shown once when the API key is created", (c, s) => new KrakenClient(c, s)),
        new("coinbase", "Coinbase Advanced Trade", new Uri("https://api.coinbase.com"), "the EC private key (PEM, \"-----BEGIN EC PRIVATE KEY-----\") of a CDP API key with ECDSA signing", (c, s) => new CoinbaseClient(c, s), Sizing: CoinbaseClient.Sizing),
    ];

    public static ExchangeInfo? Find(string? id) => All.FirstOrDefault(x => string.Equals(x.Id, id, StringComparison.Ordinal));
}
