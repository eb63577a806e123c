using System.Net;
using System.Text.Json;
using Coffer.Sandbox.Faults;
using Coffer.Server.Tests.Support;

namespace Coffer.Server.Tests.Trading;

/// <summary>
/// Exactly once across a crash: a real <c>coffer server</c> process is killed (SIGKILL) while 200 orders are in flight
/// across Binance, Kraken and Coinbase; after a restart and reconciliation, Coffer's orders and the sandbox's match one
/// to one — every order the exchange has is recorded once, and every recorded order the exchange does not have is
/// marked failed, never sent again.
/// </summary>
public sealed class OrderCrashTests : TradingTest
{
    private const int Orders = 200;

    /// <summary>The sandbox follows the test's manual clock while the in-process server sets up, then real time for the process.</summary>
    private readonly SwitchClock _sandboxClock;

    public OrderCrashTests() => _sandboxClock = new SwitchClock(Clock);

    internal override TimeProvider SandboxClock => _sandboxClock;

    [Fact]
    public async Task Kill_WithOrdersInFlight_AfterRestartEveryOrderIsRecordedOnceAndNoneIsSentTwice()
    {
        // Set-up through the in-process server (its manual clock steps the TOTP codes that connecting needs).
        await SetUpTraderAsync("crash");
        await Server.DisposeAsync();
        _sandboxClock.UseRealTime();

        var environment = new Dictionary<string, string>
        {
            ["COFFER_KEY_PROVIDER"] = "shamir",
            ["COFFER_EXCHANGE_CUSTOM_URLS"] = "true",
            ["COFFER_RATE_LIMIT_INTERACTIVE"] = "100000",
            ["COFFER_RATE_LIMIT_API"] = "100000",
            ["COFFER_RATE_LIMIT_ANONYMOUS"] = "100000",
            ["COFFER_RATE_LIMIT_PER_IP"] = "100000",
        };
        var plan = new[] { ("binance", "BTC/USDT", 50_000m), ("kraken", "BTC/USD", 50_000m), ("coinbase", "ETH/USD", 2_500m) };
        var requests = Enumerable.Range(0, Orders).Select(i =>
        {
            var (exchange, symbol, price) = plan[i % plan.Length];
            return (Key: $"crash-{i}", Body: Order(exchange, symbol, "buy", "limit", 0.01m, price - (i % 50)));
        }).ToList();

        var answered = new List<(string Key, HttpStatusCode Status, string Body)>();
        using (var first = await StartProcessAsync(environment))
        {
            // Every exchange answers after 300 ms, so the orders are on their way when the process dies.
            Sandbox.State.Faults.Set(new FaultPlan { LatencyMs = 300 });
            var inFlight = requests.Select(async r =>
            {
                try
                {
                    using var response = await SendAsync(first, r.Key, r.Body);
                    lock (answered)
                    {
                        answered.Add((r.Key, response.StatusCode, response.Content.ReadAsStringAsync().GetAwaiter().GetResult()));
                    }
                }
                catch (HttpRequestException)
                {
                    // The process died under this request.
                }
            }).ToList();

            // Kill once some orders are placed and many are not answered yet.
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (SandboxOrders().Count < 20 && DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }

            first.Kill();
            await Task.WhenAll(inFlight);
        }

        Sandbox.State.Faults.Set(FaultPlan.None);
        var placedBeforeKill = SandboxOrders().Count;
        Assert.True(placedBeforeKill is > 0 and < Orders, $"{placedBeforeKill} orders reached the sandbox before the kill; the test needs some in flight.");

        // Restart on the same data; unseal; reconciliation settles every order that was recorded but not confirmed.
        using var second = await StartProcessAsync(environment);
        List<JsonElement> coffer;
        var settleBy = DateTime.UtcNow.AddSeconds(90);
        while (true)
        {
            coffer = await AllOrdersAsync(second);
            if (coffer.All(o => o.GetProperty("state").GetString() is not ("recorded" or "sent")) || DateTime.UtcNow > settleBy)
            {
                break;
            }

            await Task.Delay(500);
        }

        Assert.All(coffer, o => Assert.DoesNotMatch("^(recorded|sent)$", o.GetProperty("state").GetString()!));

        // One to one: every sandbox order is one Coffer order with its client order id …
        var sandbox = SandboxOrders();
        Assert.Equal(placedBeforeKill, sandbox.Count);
        var byClientId = coffer.GroupBy(o => o.GetProperty("client_order_id").GetString()!).ToDictionary(g => g.Key, g => g.ToList());
        Assert.All(byClientId, g => Assert.Single(g.Value));
        foreach (var order in sandbox)
        {
            Assert.True(byClientId.TryGetValue(order.ClientOrderId, out var match), $"The sandbox has order {order.ClientOrderId} that Coffer lost.");
            Assert.Equal("open", match![0].GetProperty("state").GetString());
            Assert.False(string.IsNullOrEmpty(match[0].GetProperty("exchange_order_id").GetString()));
        }

        // … every other Coffer order was never placed, and says why: failed (it never reached the exchange) or rejected
        // (refused before it was placed, e.g. by the account's request budget).
        var onExchange = sandbox.Select(o => o.ClientOrderId).ToHashSet(StringComparer.Ordinal);
        Assert.All(coffer.Where(o => !onExchange.Contains(o.GetProperty("client_order_id").GetString()!)), o =>
        {
            Assert.Matches("^(failed|rejected)$", o.GetProperty("state").GetString()!);
            Assert.False(string.IsNullOrEmpty(o.GetProperty("error").GetString()));
        });
        Assert.Contains(coffer, o => o.GetProperty("state").GetString() == "failed");

        // Each client order id is the one its idempotency key names, and no key was sent twice.
        Assert.Equal(sandbox.Count, sandbox.Select(o => o.ClientOrderId).Distinct(StringComparer.Ordinal).Count());

        // What the client was told before the kill still holds.
        foreach (var (key, status, body) in answered.Where(a => a.Status == HttpStatusCode.Created))
        {
            var told = JsonSerializer.Deserialize<JsonElement>(body);
            Assert.Contains(coffer, o => o.GetProperty("id").GetString() == told.GetProperty("id").GetString());
        }

        // Sending the same keys again after the restart places nothing new: a recorded key answers with its order.
        var recorded = coffer.Select(o => o.GetProperty("idempotency_key").GetString()!).ToHashSet(StringComparer.Ordinal);
        var before = SandboxOrders().Count;
        foreach (var r in requests.Where(r => recorded.Contains(r.Key)).Take(10))
        {
            using var again = await SendAsync(second, r.Key, r.Body);
            Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        }

        Assert.Equal(before, SandboxOrders().Count);
    }

    private List<Coffer.Sandbox.Engine.Order> SandboxOrders() =>
        [.. Accounts.Values.SelectMany(a => Sandbox.State.Engine.GetOrders(a.Key.Account))];

    private async Task<ServerProcess> StartProcessAsync(Dictionary<string, string> environment)
    {
        var process = await ServerProcess.StartAsync("coffer", Data.Directory, environment);
        foreach (var share in Shares.Take(2))
        {
            using var unseal = await process.SendAsync(HttpMethod.Post, "/api/v1/sys/unseal", new { share });
            Assert.True(unseal.IsSuccessStatusCode, process.Output);
        }

        return process;
    }

    private Task<HttpResponseMessage> SendAsync(ServerProcess process, string key, object body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/orders") { Content = System.Net.Http.Json.JsonContent.Create(body, options: ServerInstance.Json) };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", Session);
        request.Headers.Add("Idempotency-Key", key);
        return SendDisposingAsync(process, request);
    }

    private static async Task<HttpResponseMessage> SendDisposingAsync(ServerProcess process, HttpRequestMessage request)
    {
        using (request)
        {
            return await process.Client.SendAsync(request);
        }
    }

    private async Task<List<JsonElement>> AllOrdersAsync(ServerProcess process)
    {
        var all = new List<JsonElement>();
        string? cursor = null;
        do
        {
            var page = await process.SendJsonAsync(HttpMethod.Get, "/api/v1/orders?limit=1000" + (cursor is null ? string.Empty : "&cursor=" + cursor), token: Session);
            all.AddRange(page.GetProperty("items").EnumerateArray());
            cursor = page.TryGetProperty("next", out var next) && next.ValueKind == JsonValueKind.String ? next.GetString() : null;
        }
        while (cursor is not null);
        return all;
    }

    /// <summary>Reads the manual clock until told to read real time (the exchanges then check timestamps against the process's real clock).</summary>
    private sealed class SwitchClock(TimeProvider manual) : TimeProvider
    {
        private volatile bool _real;

        public void UseRealTime() => _real = true;

        public override DateTimeOffset GetUtcNow() => _real ? System.GetUtcNow() : manual.GetUtcNow();
    }
}
