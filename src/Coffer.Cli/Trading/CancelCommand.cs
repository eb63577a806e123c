using System.CommandLine;
using System.Text.Json.Nodes;
using Coffer.Cli.Client;
using Coffer.Cli.Exchange;
using Coffer.Cli.Output;
using Spectre.Console;

namespace Coffer.Cli.Trading;

/// <summary><c>coffer order cancel</c> and <c>coffer order cancel-all</c>.</summary>
internal static class CancelCommand
{
    public static Command Create(CliContext context)
    {
        var id = new Argument<string>("order") { Description = "The order's id, as `coffer order list` shows it.", HelpName = "ORDER_ID" };
        id.Validators.Add(result =>
        {
            if (!Guid.TryParse(result.GetValueOrDefault<string>(), out _))
            {
                result.AddError("ORDER_ID must be the id of an order in Coffer (a UUID, as `coffer order list` shows it), not the exchange's order id.");
            }
        });
        var command = new Command("cancel", "Cancel one open order.") { id };
        command.SetAction((parseResult, cancellationToken) =>
        {
            var format = context.Format.Get(parseResult);
            return TradingApi.RunAsync(
                context,
                parseResult,
                async (client, ct) => TradingApi.Outcome(await client.DeleteAsync($"{TradingApi.Orders}/{Guid.Parse(parseResult.GetValue(id)!)}", TokenUse.Required, ct), format),
                order => OrderText.RenderOne(context.Io.OutConsole, $"Cancel of order {order.String("id")}: it is {order.String("state")}{Filled(order)}.", order),
                cancellationToken);
        });
        return command;
    }

    public static Command CreateAll(CliContext context)
    {
        var connection = new Option<string>("--connection") { Description = "The connection, by label or id (`coffer exchange list`).", HelpName = "LABEL|ID", Required = true };
        var symbol = new Option<string>("--symbol") { Description = "The market whose open orders to cancel, e.g. BTC/USDT.", HelpName = "SYMBOL", Required = true };
        var command = new Command("cancel-all", "Cancel every open order of one market on one connection.") { connection, symbol };
        command.SetAction((parseResult, cancellationToken) =>
        {
            var format = context.Format.Get(parseResult);
            var market = parseResult.GetValue(symbol)!.Trim().ToUpperInvariant();
            return TradingApi.RunAsync(
                context,
                parseResult,
                (client, ct) => ExchangeApi.WithConnectionAsync(client, parseResult.GetValue(connection)!, format, async (_, connectionId) =>
                    TradingApi.Outcome(await client.PostAsync($"{TradingApi.Orders}/cancel-all", new JsonObject { ["connection_id"] = connectionId, ["symbol"] = market }, TokenUse.Required, ct), format), ct),
                result =>
                {
                    var canceled = result.Array("canceled")?.OfType<JsonObject>().ToList() ?? [];
                    context.Io.OutConsole.WriteLine(canceled.Count == 0
                        ? $"No open {market} orders on '{parseResult.GetValue(connection)}': nothing to cancel."
                        : $"Canceled {TradingApi.Invariant(canceled.Count)} {market} order{(canceled.Count == 1 ? string.Empty : "s")} on '{parseResult.GetValue(connection)}'.");
                    if (canceled.Count > 0)
                    {
                        OrderText.RenderList(context.Io.OutConsole, new JsonObject { ["items"] = new JsonArray([.. canceled.Select(o => o.DeepClone())]) });
                    }
                },
                cancellationToken);
        });
        return command;
    }

    private static string Filled(JsonObject order) =>
        order.Decimal("filled") is > 0 ? $" (filled {Decimals.Text(order, "filled")} before)" : string.Empty;
}
