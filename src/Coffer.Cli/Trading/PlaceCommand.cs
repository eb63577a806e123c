using System.CommandLine;
using System.Text.Json.Nodes;
using Coffer.Cli.Client;
using Coffer.Cli.Exchange;
using Coffer.Cli.Output;
using Spectre.Console;

namespace Coffer.Cli.Trading;

/// <summary>
/// <c>coffer order place</c>: one order, exactly once. Every attempt carries an <c>Idempotency-Key</c> (a new UUID unless
/// <c>--key</c> gives the one of an earlier attempt), so a retry after a lost answer returns the same order instead of
/// placing a second. Above the user's step-up threshold the server asks for an authenticator code; on a terminal the
/// CLI asks for it and resends with the same key.
/// </summary>
internal static class PlaceCommand
{
    // The server checks the market and may wait on the exchange's answer (and ask it again by client order id).
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    private const string ReplayedHeader = "Idempotent-Replayed";
    private const string IdempotencyKeyHeader = "Idempotency-Key";
    private const int MaxKeyLength = 128;

    public static Command Create(CliContext context)
    {
        var connection = new Option<string>("--connection") { Description = "The connection to trade on, by label or id (`coffer exchange list`).", HelpName = "LABEL|ID", Required = true };
        var symbol = new Option<string>("--symbol") { Description = "The market, BASE/QUOTE, e.g. BTC/USDT.", HelpName = "SYMBOL", Required = true };
        var side = new Option<string>("--side") { Description = "buy or sell.", HelpName = "buy|sell", Required = true };
        var type = new Option<string>("--type") { Description = "market, limit, stop_loss, stop_limit, take_profit or take_profit_limit.", HelpName = "TYPE", Required = true };
        var amount = new Option<decimal?>("--amount") { Description = "How much of the base currency (e.g. BTC) to buy or sell.", HelpName = "N" };
        var cost = new Option<decimal?>("--cost") { Description = "A market buy by value: how much of the quote currency (e.g. USDT) to spend, instead of --amount.", HelpName = "N" };
        var price = new Option<decimal?>("--price") { Description = "The limit price (limit, stop_limit, take_profit_limit).", HelpName = "N" };
        var trigger = new Option<decimal?>("--trigger-price") { Description = "The price that triggers a stop or take-profit order.", HelpName = "N" };
        var tif = new Option<string?>("--tif") { Description = "Time in force: GTC (default), IOC or FOK.", HelpName = "GTC|IOC|FOK" };
        var postOnly = new Option<bool>("--post-only") { Description = "Only ever add liquidity: refused by the exchange rather than filled at once." };
        var strict = new Option<bool>("--strict") { Description = "Refuse an amount or price off the market's steps instead of rounding it as the exchange would." };
        var key = new Option<string?>("--key") { Description = "The idempotency key of an earlier attempt, to retry it safely (default: a new UUID, printed).", HelpName = "KEY" };
        var totp = KeyInput.Totp();
        side.AcceptOnlyFromAmong("buy", "sell");
        type.AcceptOnlyFromAmong("market", "limit", "stop_loss", "stop_limit", "take_profit", "take_profit_limit");
        tif.AcceptOnlyFromAmong("GTC", "IOC", "FOK", "gtc", "ioc", "fok");
        var command = new Command("place", "Place an order, exactly once: checked against the market's rules and your token's limits before it is sent.")
        {
            connection, symbol, side, type, amount, cost, price, trigger, tif, postOnly, strict, key, totp,
        };
        command.Validators.Add(result =>
        {
            if (result.GetValue(amount) is null && result.GetValue(cost) is null)
            {
                result.AddError("Give --amount (of the base currency) or, for a market buy, --cost (of the quote currency to spend).");
            }

            foreach (var (option, name) in new[] { (amount, "--amount"), (cost, "--cost"), (price, "--price"), (trigger, "--trigger-price") })
            {
                if (result.GetValue(option) is <= 0)
                {
                    result.AddError($"{name} must be more than 0.");
                }
            }

            if (result.GetValue(key) is { } given && (given.Length is 0 or > MaxKeyLength || given.Any(c => c is <= ' ' or > '~')))
            {
                result.AddError($"--key must be 1 to {MaxKeyLength} printable characters without spaces, as an earlier `coffer order place` printed it.");
            }
        });
        command.SetAction((parseResult, cancellationToken) =>
        {
            var format = context.Format.Get(parseResult);
            var idempotencyKey = parseResult.GetValue(key) ?? Guid.NewGuid().ToString();
            var replayed = false;
            var status = 0;
            return TradingApi.RunAsync(
                context,
                parseResult,
                (client, ct) => ExchangeApi.WithConnectionAsync(client, parseResult.GetValue(connection)!, format, async (_, id) =>
                {
                    var body = new JsonObject
                    {
                        ["connection_id"] = id,
                        ["symbol"] = parseResult.GetValue(symbol)!.Trim().ToUpperInvariant(),
                        ["side"] = parseResult.GetValue(side),
                        ["type"] = parseResult.GetValue(type),
                        ["amount"] = Decimals.Node(parseResult.GetValue(amount)),
                        ["cost"] = Decimals.Node(parseResult.GetValue(cost)),
                        ["price"] = Decimals.Node(parseResult.GetValue(price)),
                        ["trigger_price"] = Decimals.Node(parseResult.GetValue(trigger)),
                        ["time_in_force"] = parseResult.GetValue(tif)?.ToUpperInvariant(),
                        ["post_only"] = parseResult.GetValue(postOnly) ? true : null,
                        ["rounding"] = parseResult.GetValue(strict) ? "strict" : null,
                    };
                    var input = new KeyInput(context.Io);
                    var stepUp = parseResult.GetValue(totp) is { } code ? await input.StepUpAsync(code, ct) : null;
                    using var raw = RawApiClient.Create(TradingApi.Settings(context, parseResult), context.Handler);
                    var response = await SendAsync(raw, body, idempotencyKey, stepUp, ct);

                    // Step-up above the threshold: on a terminal, ask for the code and send the same order again, with the same key.
                    if (response.Problem is { } problem && TradingApi.Slug(problem) == "step-up-required" && stepUp is null && !context.Io.IsInputRedirected)
                    {
                        context.Io.ErrorConsole.WriteLine("This order needs step-up: it is above your step-up threshold (or its value is not known).");
                        response = await SendAsync(raw, body, idempotencyKey, await input.StepUpAsync(null, ct), ct);
                    }

                    if (response.Problem is { } refused)
                    {
                        if (format == OutputFormat.Table)
                        {
                            context.Io.ErrorConsole.WriteLine($"Idempotency key: {idempotencyKey} (to retry this order without placing it twice: --key {idempotencyKey}).");
                        }

                        return new CallResult(null, TradingApi.Problem(refused, format));
                    }

                    status = response.Status;
                    replayed = status == 200 || (response.Headers.TryGetValues(ReplayedHeader, out var values) && values.Contains("true", StringComparer.OrdinalIgnoreCase));
                    return CallResult.Ok(response.Result!);
                }, ct),
                order => RenderPlaced(context, order, status, replayed, idempotencyKey),
                cancellationToken);
        });
        return command;
    }

    private static async Task<RawResponse<JsonObject>> SendAsync(RawApiClient client, JsonObject body, string key, string? stepUp, CancellationToken cancellationToken)
    {
        var headers = new Dictionary<string, string>(StringComparer.Ordinal) { [IdempotencyKeyHeader] = key };
        if (stepUp is not null)
        {
            headers[Coffer.Server.Features.Identity.StepUp.Header] = stepUp;
        }

        try
        {
            return await client.SendAsync(HttpMethod.Post, TradingApi.Orders, body, headers, System.Net.Mime.MediaTypeNames.Application.Json, Deadline, RawApiClient.ReadObjectAsync, cancellationToken);
        }
        catch (CliException ex)
        {
            // Sent or not, the answer was lost: the key is what makes a retry safe.
            throw new CliException($"{ex.Message} Whether the order was placed is not known: run the same command with --key {key} (an order is never placed twice with one key), or look with `coffer order list`.");
        }
    }

    private static void RenderPlaced(CliContext context, JsonObject order, int status, bool replayed, string key)
    {
        var id = order.String("id") ?? "?";
        var what = OrderText.Describe(order);
        var headline = (replayed, status) switch
        {
            (true, _) => $"Already placed with this key: order {id}, {what}, is {order.String("state")}. Nothing was sent again.",
            (_, 202) => $"Sent order {id}, {what}, but the exchange has not confirmed it yet: Coffer is reconciling it by its client order id and will never send it twice. `coffer order list` shows what became of it.",
            _ => $"Placed order {id}: {what}, {order.String("state")}.",
        };
        OrderText.RenderOne(context.Io.OutConsole, headline, order);
        context.Io.OutConsole.WriteLine($"Idempotency key: {key} (to retry safely, without placing it twice: --key {key}).");
    }
}
