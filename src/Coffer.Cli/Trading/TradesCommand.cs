using System.CommandLine;
using System.Text.Json.Nodes;
using Coffer.Cli.Client;
using Coffer.Cli.Output;

namespace Coffer.Cli.Trading;

/// <summary><c>coffer trades</c>: the fills Coffer synced from the exchanges, newest first; <c>--export</c> writes them all as CSV.</summary>
internal static class TradesCommand
{
    public static Command Create(CliContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var filters = new HistoryFilters(withState: false);
        var export = new Option<string?>("--export")
        {
            Description = $"Write every matching trade (oldest first, no paging) as CSV to FILE, or to standard output with {CsvExport.Stdout}.",
            HelpName = "FILE",
        };
        var command = new Command("trades", "List your trades (fills, as synced from the exchanges), newest first, or export them as CSV.") { export };
        context.Client.AddTo(command);
        filters.AddTo(command, paged: true);
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var format = context.Format.Get(parseResult);
            if (parseResult.GetValue(export) is not { } target)
            {
                return await TradingApi.RunAsync(
                    context,
                    parseResult,
                    (client, ct) => filters.WithQueryAsync(client, parseResult, format, paged: true, query => filters.PagesAsync(client, parseResult, TradingApi.Trades, query, format, ct), ct),
                    page => OrderText.RenderTrades(context.Io.OutConsole, page),
                    cancellationToken);
            }

            return await CsvExport.RunAsync(
                context,
                parseResult,
                (client, ct) => filters.WithQueryAsync(client, parseResult, format, paged: false, query => Task.FromResult(CallResult.Ok(JsonValue.Create($"{TradingApi.Trades}/export{query}"))), ct),
                target,
                cancellationToken);
        });
        return command;
    }
}
