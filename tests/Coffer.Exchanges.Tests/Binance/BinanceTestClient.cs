using Coffer.Exchanges.Binance;
using Coffer.Exchanges.Model;
using Coffer.Exchanges.Signing;
using Coffer.Exchanges.Transport;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Coffer.Exchanges.Tests.Binance;

/// <summary>Builds a real <see cref="BinanceClient"/> over a test HTTP client, with markets loaded.</summary>
internal static class BinanceTestClient
{
    public static readonly Uri BaseUri = new("https://api.binance.com");

    public static BinanceClient Create(HttpClient http, ExchangeCredentials? credentials, IEnumerable<Market> markets, TimeProvider? time = null, ILoggerFactory? logs = null, RequestBudgets? budgets = null)
    {
        time ??= TimeProvider.System;
        var services = new ConnectorServices(http, budgets ?? new RequestBudgets(time), new InMemoryNonceStore(), logs ?? NullLoggerFactory.Instance, time);
        var client = new BinanceClient(new ExchangeConnection("binance", BaseUri, credentials), services);
        client.Markets.Load(markets);
        return client;
    }

    public static Market LtcUsdt { get; } = new()
    {
        Symbol = "LTC/USDT",
        Id = "LTCUSDT",
        Base = "LTC",
        Quote = "USDT",
        BaseId = "LTC",
        QuoteId = "USDT",
        AmountStep = 0.001m,
        PriceTick = 0.01m,
    };
}
