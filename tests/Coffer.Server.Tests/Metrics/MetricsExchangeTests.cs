using System.Net;
using Coffer.Server.Tests.Audit;
using Coffer.Server.Tests.Connections;

namespace Coffer.Server.Tests.Metrics;

/// <summary>Exchange calls, budget use and vault operations in <c>/metrics</c> after connecting a real key to the sandbox's fronts.</summary>
public sealed class MetricsExchangeTests : ConnectionTest
{
    [Theory]
    [MemberData(nameof(Exchanges))]
    public async Task Metrics_AfterConnectingAKey_ExchangeCallsBudgetAndVaultOperationsWithoutKeyOrLabel(string exchange)
    {
        var (session, seed) = await TraderWithTotpAsync("metricstrader");
        var key = Issue(exchange);
        var view = await ConnectedAsync(session, seed, exchange, key, "my-private-label");

        using var response = await Server.GetAsync("/metrics", AdminToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();

        var families = Exposition.Parse(text);
        Assert.True(families.Value("coffer_exchange_calls_total", ("exchange", exchange), ("outcome", "ok")) >= 1, text);
        Assert.True(families.Value("coffer_exchange_call_duration_seconds_count", ("exchange", exchange)) >= 1);
        Assert.Contains(families["coffer_exchange_budget_capacity"].Samples, s => s.Labels["exchange"] == exchange);
        // The exchange secret, and the trader's TOTP seed before it.
        Assert.True(families.Value("coffer_vault_operations_total", ("op", "encrypt"), ("outcome", "ok")) >= 2);
        Assert.True(families.Value("coffer_vault_operations_total", ("op", "sign"), ("outcome", "ok")) >= 1);
        // The first sync may or may not have run by now: the connection is counted as never synced, or has a lag.
        Assert.True(families.Value("coffer_sync_unsynced_connections", ("exchange", exchange)) == 1 || families.Value("coffer_sync_lag_seconds", ("exchange", exchange)) is not null, text);
        foreach (var secret in new[] { key.ApiKey, key.Secret.Trim(), "my-private-label", "metricstrader", view.GetProperty("credential_accessor").GetString()!, session })
        {
            Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
        }
    }
}
