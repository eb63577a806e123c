using System.Security.Cryptography;
using Coffer.Exchanges.Coinbase;
using Coffer.Exchanges.Model;
using Coffer.Exchanges.Signing;
using Coffer.Exchanges.Transport;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Coffer.Exchanges.Tests.Coinbase;

/// <summary>A throw-away CDP key (key name and P-256 PEM) stored in a real vault, and connectors over it.</summary>
internal static class CoinbaseTestSupport
{
    public const string KeyName = "organizations/0f7d3c2a-1111-4222-8333-944455556666/apiKeys/9a8b7c6d-aaaa-4bbb-8ccc-ddddeeeeffff";

    public static readonly Uri BaseUri = new("https://api.coinbase.com");

    public static ECDsa NewKey() => ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public static CoinbaseClient Client(HttpClient http, ExchangeCredentials? credentials, IReadOnlyList<Market>? markets = null, TimeProvider? time = null, ILoggerFactory? logs = null, RequestBudgets? budgets = null)
    {
        var clock = time ?? TimeProvider.System;
        var services = new ConnectorServices(http, budgets ?? new RequestBudgets(clock), new InMemoryNonceStore(), logs ?? NullLoggerFactory.Instance, clock);
        var client = new CoinbaseClient(new ExchangeConnection(CoinbaseClient.Id, BaseUri, credentials), services);
        client.Markets.Load(markets ?? Markets);
        return client;
    }

    /// <summary>Two markets shaped like Coinbase's products (steps as Coinbase publishes them).</summary>
    public static readonly IReadOnlyList<Market> Markets =
    [
        new Market { Symbol = "BTC/USD", Id = "BTC-USD", Base = "BTC", Quote = "USD", BaseId = "BTC", QuoteId = "USD", AmountStep = 0.00000001m, PriceTick = 0.01m, MinAmount = 0.00000001m, MaxAmount = 3400m, MinCost = 1m },
        new Market { Symbol = "ADA/USDT", Id = "ADA-USDT", Base = "ADA", Quote = "USDT", BaseId = "ADA", QuoteId = "USDT", AmountStep = 0.01m, PriceTick = 0.0001m, MinAmount = 0.01m, MaxAmount = 30224000m, MinCost = 1m },
    ];
}
