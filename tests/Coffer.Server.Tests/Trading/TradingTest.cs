using System.Net;
using System.Text.Json;
using Coffer.Sandbox.Control;
using Coffer.Sandbox.Keys;
using Coffer.Server.Tests.Connections;

namespace Coffer.Server.Tests.Trading;

/// <summary>
/// A trader with TOTP and one connection per sandbox exchange (Binance, Kraken, Coinbase), funded through the sandbox's
/// engine, and helpers to place orders through Coffer's API and to see what the sandbox received.
/// </summary>
public abstract class TradingTest : ConnectionTest
{
    internal sealed record Account(string Exchange, SandboxKey Key, string ConnectionId);

    internal string Session { get; private set; } = null!;

    internal byte[] Seed { get; private set; } = null!;

    internal Dictionary<string, Account> Accounts { get; } = new(StringComparer.Ordinal);

    /// <summary>Signs up a trader, connects one funded account per exchange.</summary>
    internal async Task SetUpTraderAsync(string username = "tess", decimal usdt = 100_000m, decimal usd = 100_000m)
    {
        (Session, Seed) = await TraderWithTotpAsync(username);
        foreach (var exchange in new[] { "binance", "kraken", "coinbase" })
        {
            var key = Issue(exchange);
            if (usdt > 0)
            {
                Sandbox.State.Engine.Deposit(key.Account, "USDT", usdt);
            }

            if (usd > 0)
            {
                Sandbox.State.Engine.Deposit(key.Account, "USD", usd);
            }
            var connection = await ConnectedAsync(Session, Seed, exchange, key, label: exchange);
            Accounts[exchange] = new Account(exchange, key, connection.GetProperty("id").GetString()!);
        }
    }

    internal Task<HttpResponseMessage> PlaceAsync(object body, string? key = null, string? token = null, string? stepUp = null, Support.ServerInstance? node = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/orders") { Content = System.Net.Http.Json.JsonContent.Create(body, options: Support.ServerInstance.Json) };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token ?? Session);
        request.Headers.Add("Idempotency-Key", key ?? Guid.NewGuid().ToString());
        if (stepUp is not null)
        {
            request.Headers.Add(Coffer.Server.Features.Identity.StepUp.Header, stepUp);
        }

        return SendDisposingAsync(request, node ?? Server);
    }

    /// <summary>Places an order that must be accepted (201) and returns its view.</summary>
    internal async Task<JsonElement> PlacedAsync(string exchange, string symbol, string side, string type, decimal? amount = null, decimal? price = null, decimal? triggerPrice = null, decimal? cost = null)
    {
        using var response = await PlaceAsync(Order(exchange, symbol, side, type, amount, price, triggerPrice, cost));
        return await JsonAsync(response, HttpStatusCode.Created);
    }

    internal object Order(string exchange, string symbol, string side, string type, decimal? amount = null, decimal? price = null, decimal? triggerPrice = null, decimal? cost = null, string? rounding = null) =>
        new { connection_id = Accounts[exchange].ConnectionId, symbol, side, type, amount, price, trigger_price = triggerPrice, cost, rounding };

    /// <summary>The order-placing requests the sandbox received from any client, per exchange's own endpoint.</summary>
    internal int OrderRequestsSeen() => Sandbox.State.Requests.Last(10_000).Count(IsOrderPlacement);

    internal static bool IsOrderPlacement(RequestRecord r) => r.Method == "POST" && (
        r.Path.Equals("/api/v3/order", StringComparison.OrdinalIgnoreCase)
        || r.Path.Equals("/0/private/AddOrder", StringComparison.OrdinalIgnoreCase)
        || r.Path.Equals("/api/v3/brokerage/orders", StringComparison.OrdinalIgnoreCase));

    internal async Task<JsonElement> RefreshAsync()
    {
        using var response = await SendAsync(HttpMethod.Post, "/api/v1/portfolio/refresh", null, Session);
        return await JsonAsync(response);
    }

    private static async Task<HttpResponseMessage> SendDisposingAsync(HttpRequestMessage request, Support.ServerInstance node)
    {
        using (request)
        {
            return await node.Client.SendAsync(request);
        }
    }
}
