using System.CommandLine;
using Coffer.Cli.Output;

namespace Coffer.Cli.Trading;

/// <summary><c>coffer order list</c>: orders, newest first, with the history filters; <c>--all</c> follows every page.</summary>
internal static class ListCommand
{
    public static Command Create(CliContext context)
    {
        var filters = new HistoryFilters(withState: true);
        var command = new Command("list", "List your orders (placed through Coffer or found on the exchange), newest first.");
        filters.AddTo(command, paged: true);
        command.SetAction((parseResult, cancellationToken) =>
        {
            var format = context.Format.Get(parseResult);
            return TradingApi.RunAsync(
                context,
                parseResult,
                (client, ct) => filters.WithQueryAsync(client, parseResult, format, paged: true, query => filters.PagesAsync(client, parseResult, TradingApi.Orders, query, format, ct), ct),
                page => OrderText.RenderList(context.Io.OutConsole, page),
                cancellationToken);
        });
        return command;
    }
}
