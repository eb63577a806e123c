using System.CommandLine;
using System.Text;
using System.Text.Json.Nodes;
using Coffer.Cli.Client;
using Coffer.Cli.Output;
using Coffer.Cli.Trading;

namespace Coffer.Cli.Portfolio;

/// <summary>
/// <c>coffer portfolio</c> (DESIGN §6): the value of every connected account in the user's currency, its allocation and
/// 24-hour change, what could not be priced or fetched; and <c>balances</c>, <c>history</c>, <c>pnl</c>.
/// </summary>
internal static class PortfolioCommand
{
    private static readonly string[] Ranges = ["24h", "7d", "30d", "90d", "1y", "all"];

    public static Command Create(CliContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var refresh = new Option<bool>("--refresh") { Description = "Sync every connection first (balances, orders, trades), showing each as it finishes." };
        var command = new Command("portfolio", "Your portfolio: total value, 24-hour change, allocation by asset and exchange, and what is missing from it and why.") { refresh };
        context.Client.AddTo(command);
        command.SetAction((parseResult, cancellationToken) =>
        {
            var format = context.Format.Get(parseResult);
            return TradingApi.RunAsync(
                context,
                parseResult,
                async (client, ct) =>
                {
                    if (parseResult.GetValue(refresh) && await RefreshProgress.RunAsync(context, TradingApi.Settings(context, parseResult), client, ct) is { } problem)
                    {
                        return new CallResult(null, TradingApi.Problem(problem, format));
                    }

                    return TradingApi.Outcome(await client.GetAsync(TradingApi.Portfolio, TokenUse.Required, ct), format);
                },
                summary => PortfolioText.RenderSummary(context.Io.OutConsole, summary),
                cancellationToken);
        });
        command.Subcommands.Add(Balances(context));
        command.Subcommands.Add(History(context));
        command.Subcommands.Add(Pnl(context));
        return command;
    }

    private static Command Balances(CliContext context)
    {
        var command = new Command("balances", "Every balance on every connection, with its price, value and where the price came from.");
        command.SetAction((parseResult, cancellationToken) =>
        {
            var format = context.Format.Get(parseResult);
            return TradingApi.RunAsync(
                context,
                parseResult,
                async (client, ct) => TradingApi.Outcome(await client.GetAsync(TradingApi.Portfolio + "/balances", TokenUse.Required, ct), format),
                balances => PortfolioText.RenderBalances(context.Io.OutConsole, balances),
                cancellationToken);
        });
        return command;
    }

    private static Command History(CliContext context)
    {
        var range = new Option<string?>("--range") { Description = "How far back: 24h, 7d, 30d (default), 90d, 1y or all.", HelpName = "RANGE" };
        var by = new Option<string?>("--by") { Description = "Break each point down by asset or by exchange.", HelpName = "asset|exchange" };
        range.AcceptOnlyFromAmong(Ranges);
        by.AcceptOnlyFromAmong("asset", "exchange");
        var command = new Command("history", "The portfolio's value over time, one point per snapshot (Coffer takes one at every sync).") { range, by };
        command.SetAction((parseResult, cancellationToken) =>
        {
            var format = context.Format.Get(parseResult);
            var query = new StringBuilder();
            TradingApi.Query(query, "range", parseResult.GetValue(range));
            TradingApi.Query(query, "by", parseResult.GetValue(by));
            return TradingApi.RunAsync(
                context,
                parseResult,
                async (client, ct) => TradingApi.Outcome(await client.GetAsync($"{TradingApi.Portfolio}/history{query}", TokenUse.Required, ct), format),
                history => PortfolioText.RenderHistory(context.Io.OutConsole, history),
                cancellationToken);
        });
        return command;
    }

    private static Command Pnl(CliContext context)
    {
        var export = new Option<string?>("--export") { Description = "Export as CSV instead: positions (one row per position and its open lots) or realized (one row per lot a sell consumed).", HelpName = "positions|realized" };
        var output = new Option<string?>("--output", "-o") { Description = $"Where the export goes: FILE (replaced once complete), or {CsvExport.Stdout} for standard output.", HelpName = "FILE" };
        export.AcceptOnlyFromAmong("positions", "realized");
        var command = new Command("pnl", "Realized and unrealized profit and loss by FIFO lots, fees included, per asset and quote currency.") { export, output };
        command.Validators.Add(result =>
        {
            if (result.GetValue(export) is not null && result.GetValue(output) is null)
            {
                result.AddError($"--export needs --output FILE (or --output {CsvExport.Stdout} for standard output).");
            }
        });
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var format = context.Format.Get(parseResult);
            if (parseResult.GetValue(output) is { } target)
            {
                var kind = parseResult.GetValue(export) ?? "positions";
                return await CsvExport.RunAsync(
                    context,
                    parseResult,
                    (_, _) => Task.FromResult(CallResult.Ok(JsonValue.Create($"{TradingApi.Portfolio}/pnl/export?kind={Uri.EscapeDataString(kind)}"))),
                    target,
                    cancellationToken);
            }

            return await TradingApi.RunAsync(
                context,
                parseResult,
                async (client, ct) => TradingApi.Outcome(await client.GetAsync(TradingApi.Portfolio + "/pnl", TokenUse.Required, ct), format),
                pnl => PortfolioText.RenderPnl(context.Io.OutConsole, pnl),
                cancellationToken);
        });
        return command;
    }
}
