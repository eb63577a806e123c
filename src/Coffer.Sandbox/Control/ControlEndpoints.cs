using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization;
using Coffer.Sandbox.Engine;
using Coffer.Sandbox.Faults;
using Coffer.Sandbox.Keys;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Coffer.Sandbox.Control;

/// <summary>
/// The sandbox's own API under <c>/sandbox/…</c> on every listener: issue keys, deposit, move prices, set faults, read the
/// fill records and the request log. It is never subject to faults and never checks signatures: it is the test's hand.
/// </summary>
internal static class ControlEndpoints
{
    public static JsonSerializerOptions Json { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = JsonNumberHandling.AllowReadingFromString,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static void MapControlEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/sandbox");
        group.MapPost("/keys", IssueKey);
        group.MapPost("/accounts/{account}/deposit", Deposit);
        group.MapGet("/accounts/{account}/balances", Balances);
        group.MapGet("/accounts/{account}/fills", Fills);
        group.MapGet("/prices", Prices);
        group.MapPost("/prices", SetPrice);
        group.MapPost("/step", Step);
        group.MapPost("/faults", SetFaults);
        group.MapDelete("/faults", ClearFaults);
        group.MapGet("/requests", Requests);
    }

    private static async Task<T?> ReadAsync<T>(HttpRequest request)
        where T : class
    {
        try
        {
            return await JsonSerializer.DeserializeAsync<T>(request.Body, Json, request.HttpContext.RequestAborted);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static ProblemHttpResult Bad(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status400BadRequest, title: "Bad sandbox control request");

    private static async Task<Results<JsonHttpResult<IssuedKey>, ProblemHttpResult>> IssueKey(HttpRequest request, SandboxState state)
    {
        var body = await ReadAsync<IssueKeyRequest>(request);
        if (body?.Exchange is null || !SandboxExchanges.TryParse(body.Exchange, out var exchange))
        {
            return Bad("exchange must be one of binance, kraken, coinbase.");
        }

        if (!KeyPermissionNames.TryParse(body.Permissions ?? ["read"], out var permissions))
        {
            return Bad("permissions must be a list of read, trade, withdraw, transfer.");
        }

        var allowlist = new List<IPAddress>();
        foreach (var text in body.IpAllowlist ?? [])
        {
            if (!IPAddress.TryParse(text, out var ip))
            {
                return Bad($"ip_allowlist holds '{text}', which is not an IP address.");
            }

            allowlist.Add(ip);
        }

        var key = state.Keys.Issue(exchange, permissions, allowlist, body.Account);
        state.Engine.EnsureAccount(key.Account);
        return TypedResults.Json(new IssuedKey(exchange.Name(), key.ApiKey, key.Secret, key.Account, permissions.Names()), Json);
    }

    private static async Task<Results<JsonHttpResult<BalanceBody[]>, ProblemHttpResult>> Deposit(string account, HttpRequest request, SandboxState state)
    {
        var body = await ReadAsync<DepositRequest>(request);
        if (body?.Asset is not { Length: > 0 } asset || body.Amount is not > 0 || body.Amount is not { } amount)
        {
            return Bad("A deposit needs an asset and a positive amount.");
        }

        state.Engine.Deposit(account, asset, amount);
        return TypedResults.Json(BalancesOf(state, account), Json);
    }

    private static JsonHttpResult<BalanceBody[]> Balances(string account, SandboxState state) => TypedResults.Json(BalancesOf(state, account), Json);

    private static BalanceBody[] BalancesOf(SandboxState state, string account) =>
        [.. state.Engine.GetBalances(account).Select(b => new BalanceBody(b.Asset, Text(b.Free), Text(b.Locked)))];

    private static JsonHttpResult<FillBody[]> Fills(string account, SandboxState state) =>
        TypedResults.Json(
            state.Engine.GetFills(account).Select(f => new FillBody(
                f.Id, f.OrderId, f.Account, f.Symbol, f.Side == OrderSide.Buy ? "buy" : "sell", Text(f.Price), Text(f.Quantity),
                Text(f.QuoteQuantity), Text(f.Fee), f.FeeAsset, f.IsMaker, f.Time)).ToArray(),
            Json);

    private static JsonHttpResult<PriceBody[]> Prices(SandboxState state) =>
        TypedResults.Json(state.Engine.GetTickers().Select(t => new PriceBody(t.Symbol, Text(t.Last), Text(t.Bid), Text(t.Ask))).ToArray(), Json);

    private static async Task<Results<JsonHttpResult<PriceBody[]>, ProblemHttpResult>> SetPrice(HttpRequest request, SandboxState state)
    {
        var body = await ReadAsync<PriceRequest>(request);
        if (body?.Symbol is not { } symbol || body.Price is not > 0 || body.Price is not { } price)
        {
            return Bad("A price needs a symbol (BASE/QUOTE) and a positive price.");
        }

        return state.Engine.SetPrice(symbol, price) ? Prices(state) : Bad($"No market {symbol}.");
    }

    private static async Task<Results<JsonHttpResult<PriceBody[]>, ProblemHttpResult>> Step(HttpRequest request, SandboxState state)
    {
        var body = request.ContentLength is > 0 ? await ReadAsync<StepRequest>(request) : new StepRequest(1);
        if (body?.Count is not (>= 1 and <= 100_000) || body.Count is not { } count)
        {
            return Bad("count must be between 1 and 100000.");
        }

        for (var i = 0; i < count; i++)
        {
            state.Engine.Step();
        }

        return Prices(state);
    }

    private static async Task<Results<JsonHttpResult<FaultPlanBody>, ProblemHttpResult>> SetFaults(HttpRequest request, SandboxState state)
    {
        var body = await ReadAsync<FaultPlanBody>(request);
        if (body is null || body.LatencyMs < 0 || body.TimeoutMs < 0 || body.ServerErrorStatus is < 500 or > 599)
        {
            return Bad("A fault plan needs non-negative latency_ms/timeout_ms and a 5xx server_error_status.");
        }

        var defaults = new FaultPlan();
        state.Faults.Set(new FaultPlan
        {
            LatencyMs = body.LatencyMs ?? 0,
            RateLimit = Rule(body.RateLimit),
            RateLimitRetryAfterSeconds = body.RateLimitRetryAfterSeconds ?? defaults.RateLimitRetryAfterSeconds,
            ServerError = Rule(body.ServerError),
            ServerErrorStatus = body.ServerErrorStatus ?? defaults.ServerErrorStatus,
            Timeout = Rule(body.Timeout),
            TimeoutMs = body.TimeoutMs ?? defaults.TimeoutMs,
            ClockSkewSeconds = body.ClockSkewSeconds ?? 0,
        });
        return TypedResults.Json(body, Json);
    }

    private static NoContent ClearFaults(SandboxState state)
    {
        state.Faults.Set(FaultPlan.None);
        return TypedResults.NoContent();
    }

    private static JsonHttpResult<RequestRecord[]> Requests(SandboxState state, int? count) =>
        TypedResults.Json(state.Requests.Last(Math.Clamp(count ?? 100, 0, 10_000)).ToArray(), Json);

    private static FaultRule? Rule(FaultRuleBody? body) => body is null ? null : new FaultRule(body.Every, body.Probability);

    private static string Text(decimal value) => value.ToString(CultureInfo.InvariantCulture);
}
