using System.Collections.Concurrent;
using Coffer.Exchanges.Signing;
using Coffer.Exchanges.Transport;
using Microsoft.Extensions.Logging;

namespace Coffer.Exchanges;

/// <summary>One exchange account a connector talks to: which exchange, where (the real API, a testnet, the sandbox), and as whom.</summary>
/// <param name="Exchange">The exchange id.</param>
/// <param name="BaseUri">Scheme and host (and port) of the API; connectors append the documented paths.</param>
/// <param name="Credentials">Null for public calls only.</param>
internal sealed record ExchangeConnection(string Exchange, Uri BaseUri, ExchangeCredentials? Credentials);

/// <summary>What every connector shares with the rest of the hub: HTTP, the request budgets, clocks, nonces, logs.</summary>
/// <param name="metrics">Where every exchange call is counted; none when null (connector tests).</param>
internal sealed class ConnectorServices(HttpClient http, RequestBudgets budgets, INonceStore nonces, ILoggerFactory logs, TimeProvider time, ExchangeMetrics? metrics = null)
{
    private readonly ConcurrentDictionary<string, ExchangeClock> _clocks = new(StringComparer.Ordinal);

    public HttpClient Http => http;

    public RequestBudgets Budgets => budgets;

    public INonceStore Nonces => nonces;

    public ILoggerFactory Logs => logs;

    public TimeProvider Time => time;

    /// <summary>One clock per exchange API host: the offset is a property of the exchange's servers, not of an account.</summary>
    public ExchangeClock ClockFor(string exchange, Uri baseUri) => _clocks.GetOrAdd($"{exchange}|{baseUri.GetLeftPart(UriPartial.Authority)}", _ => new ExchangeClock(time));

    /// <summary>The transport of one connection: its budget (shared by account and egress address), clock and logger.</summary>
    public ExchangeTransport TransportFor(ExchangeConnection connection, IReadOnlyList<RateLimitRule> rules, Action<ExchangeResponse, RequestBudget>? observeUsage = null, Func<ExchangeResponse, bool>? throttled = null)
    {
        // The egress address is this host's, whatever account calls; until Coffer knows it (proxies), the API host
        // stands in for it: accounts of one exchange behind one Coffer share the IP-scoped limits either way.
        var egress = connection.BaseUri.Authority;
        var account = connection.Credentials?.ApiKey ?? "public";
        var budget = budgets.For(connection.Exchange, account, egress, rules);
        return new ExchangeTransport(connection.Exchange, http, budget, ClockFor(connection.Exchange, connection.BaseUri), logs.CreateLogger($"Coffer.Exchanges.{connection.Exchange}"), observeUsage, throttled, metrics);
    }
}
