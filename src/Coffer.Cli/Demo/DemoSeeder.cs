using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Coffer.Server.Features.Identity;

namespace Coffer.Cli.Demo;

/// <summary>What the demo made: who signs in, and what the replay did.</summary>
/// <param name="TrackerToken">The read-only token a portfolio tracker would hold; the demo refreshes with it while live.</param>
internal sealed record DemoSeedResult(string Username, string Password, int Orders, int Snapshots, int Days, string TrackerToken);

/// <summary>
/// Creates the demo trader and replays their weeks through Coffer's public API, in demo time: sign-up by an admin's
/// invitation, an authenticator app for step-up, three sandbox exchange accounts connected with read-and-trade keys, then
/// step by step the market moves, the trader's orders, deposits and cancels, and a portfolio refresh (sync and snapshot).
/// At the end the clock goes live, the authenticator is removed (so signing in takes only the printed password), and the
/// replay's trading token is revoked.
/// </summary>
internal sealed class DemoSeeder(DemoApi api, DemoClock clock, Func<CancellationToken, Task> waitQuiet, TextWriter progress)
{
    public const string Username = "demo";

    private static readonly string[] TradingScopes = ["portfolio:read", "orders:read", "orders:write", "exchanges:read", "exchanges:write"];
    private static readonly string[] TrackerScopes = ["portfolio:read"];
    private static readonly string[] ReadAndTrade = ["read", "trade"];

    private readonly Dictionary<string, string> _connections = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _orders = new(StringComparer.Ordinal);
    private byte[] _totpSeed = [];
    private long _lastTotpStep;

    public async Task<DemoSeedResult> RunAsync(string adminToken, IReadOnlyList<DemoStep> steps, CancellationToken cancellationToken)
    {
        var password = NewPassword();
        var session = await SignUpAsync(adminToken, password, cancellationToken);
        await EnrolTotpAsync(session, cancellationToken);

        // Tokens under the trader's root, so they outlive the sign-up session: one to replay the trading with, one a
        // read-only portfolio tracker would hold (so the tokens page has one in use).
        var trading = await CreateTokenAsync(session, "Demo history replay", TradingScopes, cancellationToken);
        var tracker = await CreateTokenAsync(session, "Portfolio tracker (read-only)", TrackerScopes, cancellationToken);
        await api.CallAsync(HttpMethod.Post, "/api/v1/auth/signout", session.Token, cancellationToken: cancellationToken);

        await SetPricesAsync(steps[0].Prices, cancellationToken);
        foreach (var account in DemoHistory.Accounts)
        {
            _connections[account.Exchange] = await ConnectAsync(trading.Token, account, cancellationToken);
        }

        var orders = 0;
        var snapshots = 0;
        var reported = steps[0].At;
        foreach (var step in steps)
        {
            await waitQuiet(cancellationToken);
            clock.JumpTo(step.At);
            await SetPricesAsync(step.Prices, cancellationToken);
            foreach (var action in step.Actions)
            {
                orders += await ActAsync(trading.Token, action, cancellationToken);
            }

            await api.CallAsync(HttpMethod.Post, "/api/v1/portfolio/refresh", trading.Token, cancellationToken: cancellationToken);
            snapshots++;
            if (step.At - reported >= TimeSpan.FromDays(7))
            {
                reported = step.At;
                var portfolio = await api.CallAsync(HttpMethod.Get, "/api/v1/portfolio", tracker.Token, cancellationToken: cancellationToken);
                await progress.WriteLineAsync($"  {step.At:yyyy-MM-dd}: {orders} orders so far, portfolio {Money(portfolio)}");
            }
        }

        // The authenticator goes before the clock is live: its codes are the replay's, a person signs in with the password.
        session = await SignInAsync(password, cancellationToken);
        await api.CallAsync(HttpMethod.Delete, "/api/v1/auth/2fa/totp", session.Token, stepUp: await StepUpAsync(cancellationToken), cancellationToken: cancellationToken);
        await api.CallAsync(HttpMethod.Post, "/api/v1/auth/signout", session.Token, cancellationToken: cancellationToken);

        await waitQuiet(cancellationToken);
        clock.GoLive();
        await api.CallAsync(HttpMethod.Post, "/api/v1/portfolio/refresh", trading.Token, cancellationToken: cancellationToken);
        snapshots++;
        await api.CallAsync(HttpMethod.Get, "/api/v1/portfolio", tracker.Token, cancellationToken: cancellationToken);
        await api.CallAsync(HttpMethod.Post, "/api/v1/tokens/self/revoke", trading.Token, cancellationToken: cancellationToken);
        return new DemoSeedResult(Username, password, orders, snapshots, (int)Math.Round((steps[^1].At - steps[0].At).TotalDays), tracker.Token);
    }

    /// <summary>A password made for this run (no default credentials): 20 random letters and digits in groups of five.</summary>
    internal static string NewPassword()
    {
        const string alphabet = "abcdefghijkmnpqrstuvwxyz23456789";
        var text = RandomNumberGenerator.GetString(alphabet, 20);
        return string.Join('-', text.Chunk(5).Select(c => new string(c)));
    }

    private async Task<(string Token, string Accessor)> SignUpAsync(string adminToken, string password, CancellationToken cancellationToken)
    {
        var invitation = await api.CallAsync(HttpMethod.Post, "/api/v1/auth/invitations", adminToken, new JsonObject { ["role"] = "trader" }, cancellationToken: cancellationToken);
        var signUp = await api.CallAsync(
            HttpMethod.Post,
            "/api/v1/auth/signup",
            token: null,
            new JsonObject { ["invitation"] = Text(invitation, "invitation"), ["username"] = Username, ["password"] = password },
            cancellationToken: cancellationToken);
        return (Text(signUp, "token"), Text(signUp, "accessor"));
    }

    private async Task<(string Token, string Accessor)> SignInAsync(string password, CancellationToken cancellationToken)
    {
        var body = new JsonObject { ["username"] = Username, ["password"] = password, ["totp_code"] = await NextCodeAsync(cancellationToken) };
        var session = await api.CallAsync(HttpMethod.Post, "/api/v1/auth/signin", token: null, body, cancellationToken: cancellationToken);
        return (Text(session, "token"), Text(session, "accessor"));
    }

    private async Task EnrolTotpAsync((string Token, string Accessor) session, CancellationToken cancellationToken)
    {
        var enrolment = await api.CallAsync(HttpMethod.Post, "/api/v1/auth/2fa/totp", session.Token, cancellationToken: cancellationToken);
        _totpSeed = Totp.FromBase32(Text(enrolment, "secret")) ?? throw new CliException("The server's TOTP secret is not base32.");
        await api.CallAsync(HttpMethod.Post, "/api/v1/auth/2fa/totp/confirm", session.Token, new JsonObject { ["code"] = await NextCodeAsync(cancellationToken) }, cancellationToken: cancellationToken);
    }

    private async Task<(string Token, string Accessor)> CreateTokenAsync((string Token, string Accessor) session, string name, string[] scopes, CancellationToken cancellationToken)
    {
        var body = new JsonObject
        {
            ["parent"] = "root",
            ["kind"] = "api",
            ["display_name"] = name,
            ["scopes"] = new JsonArray([.. scopes.Select(s => (JsonNode)s)]),
            ["ttl_seconds"] = (long)TimeSpan.FromDays(90).TotalSeconds,
        };
        var created = await api.CallAsync(HttpMethod.Post, "/api/v1/tokens", session.Token, body, await StepUpAsync(cancellationToken), cancellationToken: cancellationToken);
        return (Text(created, "token"), Text(created, "accessor"));
    }

    private async Task<string> ConnectAsync(string token, DemoAccount account, CancellationToken cancellationToken)
    {
        var key = await api.ControlAsync("/sandbox/keys", new { exchange = account.Exchange, permissions = ReadAndTrade, account = $"demo-{account.Exchange}" }, cancellationToken)
            ?? throw new CliException("The sandbox issued no key.");
        foreach (var (asset, amount) in account.Deposit)
        {
            await DepositAsync(account.Exchange, asset, amount, cancellationToken);
        }

        var body = new JsonObject
        {
            ["exchange"] = account.Exchange,
            ["label"] = account.Label,
            ["api_key"] = key["api_key"]!.GetValue<string>(),
            ["secret"] = key["secret"]!.GetValue<string>(),
            ["base_url"] = api.SandboxUrl(account.Exchange).ToString(),
        };
        var connection = await api.CallAsync(HttpMethod.Post, "/api/v1/connections", token, body, await StepUpAsync(cancellationToken), cancellationToken: cancellationToken);
        return Text(connection, "id");
    }

    private async Task DepositAsync(string exchange, string asset, decimal amount, CancellationToken cancellationToken) =>
        await api.ControlAsync($"/sandbox/accounts/demo-{exchange}/deposit", new { asset, amount }, cancellationToken);

    private async Task SetPricesAsync(IReadOnlyDictionary<string, decimal> prices, CancellationToken cancellationToken)
    {
        foreach (var (symbol, price) in prices)
        {
            await api.ControlAsync("/sandbox/prices", new { symbol, price }, cancellationToken);
        }
    }

    /// <summary>Does one scripted action; returns how many orders it placed.</summary>
    private async Task<int> ActAsync(string token, DemoAction action, CancellationToken cancellationToken)
    {
        switch (action)
        {
            case DemoOrder order:
                var body = new JsonObject
                {
                    ["connection_id"] = _connections[order.Exchange],
                    ["symbol"] = order.Symbol,
                    ["side"] = order.Side,
                    ["type"] = order.Type,
                    ["amount"] = order.Amount,
                };
                if (order.Price is { } price)
                {
                    body["price"] = price;
                    body["time_in_force"] = "gtc";
                }

                var placed = await api.CallAsync(HttpMethod.Post, "/api/v1/orders", token, body, idempotencyKey: Guid.NewGuid().ToString("N"), cancellationToken: cancellationToken);
                _orders[order.Name] = Text(placed, "id");
                return 1;
            case DemoDeposit deposit:
                await DepositAsync(deposit.Exchange, deposit.Asset, deposit.Amount, cancellationToken);
                return 0;
            case DemoCancel cancel when _orders.TryGetValue(cancel.Name, out var id):
                await api.CallAsync(HttpMethod.Delete, $"/api/v1/orders/{id}", token, cancellationToken: cancellationToken);
                return 0;
            default:
                return 0;
        }
    }

    private async Task<string> StepUpAsync(CancellationToken cancellationToken) => "totp=" + await NextCodeAsync(cancellationToken);

    /// <summary>
    /// The authenticator app: each code once, from a later 30-second step than the last (the server's rule), moving the
    /// demo clock on to the next step when the last one was used (once nothing is in flight, as every jump).
    /// </summary>
    private async Task<string> NextCodeAsync(CancellationToken cancellationToken)
    {
        await waitQuiet(cancellationToken);
        var step = Totp.StepAt(clock.GetUtcNow());
        if (step <= _lastTotpStep)
        {
            clock.JumpTo(DateTimeOffset.FromUnixTimeSeconds((_lastTotpStep + 1) * Totp.StepSeconds));
            step = Totp.StepAt(clock.GetUtcNow());
        }

        _lastTotpStep = step;
        return Totp.Compute(_totpSeed, clock.GetUtcNow());
    }

    private static string Text(JsonObject body, string name) =>
        body[name]?.GetValue<string>() ?? throw new CliException($"Coffer's answer has no '{name}'.");

    private static string Money(JsonObject portfolio)
    {
        var total = portfolio["total_value"]?.ToString();
        var currency = portfolio["currency"]?.ToString() ?? "";
        return decimal.TryParse(total, NumberStyles.Number, CultureInfo.InvariantCulture, out var value)
            ? string.Create(CultureInfo.InvariantCulture, $"{value:N0} {currency}")
            : "not yet valued";
    }
}
