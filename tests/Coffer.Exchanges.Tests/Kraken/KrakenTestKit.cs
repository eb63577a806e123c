using Coffer.Exchanges.Kraken;
using Coffer.Exchanges.Model;
using Coffer.Exchanges.Signing;
using Coffer.Exchanges.Tests.Conformance;
using Coffer.Exchanges.Transport;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Coffer.Exchanges.Tests.Kraken;

/// <summary>Builds Kraken clients over a scripted HTTP handler, signing through a real vault.</summary>
internal static class KrakenTestKit
{
    /// <summary>The official example's key (docs.kraken.com spot-rest-auth); a well-formed base64 secret.</summary>
    public const string Secret = "kQH5HW/8p1uGOVjbgWA7FunAmGO8lsSUXNsu3eow76sz84Q18fWxnyRzBHCd3pd5nE9qa99HAZtuZuj6F1huXg==";

    public const string ApiKey = "kraken-test-api-key-0123456789";

    public static KrakenClient Client(HttpClient http, ExchangeCredentials? credentials, IReadOnlyList<Market>? markets = null, TimeProvider? time = null, INonceStore? nonces = null, ILoggerFactory? logs = null)
    {
        time ??= TimeProvider.System;
        var services = new ConnectorServices(http, new RequestBudgets(time), nonces ?? new InMemoryNonceStore(), logs ?? NullLoggerFactory.Instance, time);
        var connection = new ExchangeConnection(KrakenClient.Id, KrakenClient.DefaultBaseUri, credentials);
        return new KrakenClient(connection, services, markets ?? CcxtMarkets.Load("kraken", CcxtPrecisionMode.TickSize));
    }
}
