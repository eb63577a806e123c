using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Coffer.Cli.Client;
using Coffer.Cli.Exchange;
using Coffer.Cli.Output;
using Spectre.Console;

namespace Coffer.Cli.Trading;

/// <summary>
/// The filters and paging of <c>coffer order list</c> and <c>coffer trades</c> (the server's history query: newest
/// first, pages of <c>{items, next}</c> where <c>next</c> is an opaque cursor).
/// </summary>
internal sealed class HistoryFilters
{
    private const int MaxLimit = 1000;

    private static readonly string[] States = ["recorded", "sent", "open", "closed", "canceled", "expired", "rejected", "failed"];

    private readonly bool _withState;

    public HistoryFilters(bool withState)
    {
        _withState = withState;
        Side.AcceptOnlyFromAmong("buy", "sell");
        State.AcceptOnlyFromAmong(States);
        Limit.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int?>() is { } limit and (< 1 or > MaxLimit))
            {
                result.AddError($"--limit must be 1 to {TradingApi.Invariant(MaxLimit)}, not {TradingApi.Invariant(limit)}.");
            }
        });
        Since.Validators.Add(result => CheckTime(result, "--since"));
        Until.Validators.Add(result => CheckTime(result, "--until"));
    }

    public Option<string?> Connection { get; } = new("--connection") { Description = "Only this connection, by label or id (`coffer exchange list`).", HelpName = "LABEL|ID" };

    public Option<string?> Exchange { get; } = new("--exchange") { Description = "Only this exchange: binance, kraken or coinbase.", HelpName = "EXCHANGE" };

    public Option<string?> Symbol { get; } = new("--symbol") { Description = "Only this market, e.g. BTC/USDT.", HelpName = "SYMBOL" };

    public Option<string?> Side { get; } = new("--side") { Description = "Only buys or only sells.", HelpName = "buy|sell" };

    public Option<string?> State { get; } = new("--state") { Description = "Only orders in this state: " + string.Join(", ", States) + ".", HelpName = "STATE" };

    public Option<string?> Since { get; } = new("--since") { Description = "Only from this ISO 8601 time on, e.g. 2026-01-31T00:00:00Z.", HelpName = "TIME" };

    public Option<string?> Until { get; } = new("--until") { Description = "Only before this ISO 8601 time.", HelpName = "TIME" };

    public Option<int?> Limit { get; } = new("--limit") { Description = $"At most this many per page (1 to {MaxLimit}; the server's default is 100).", HelpName = "N" };

    public Option<string?> Cursor { get; } = new("--cursor") { Description = "Continue from the page this cursor points to (printed under a page that has more).", HelpName = "CURSOR" };

    public Option<bool> All { get; } = new("--all") { Description = "Every page, not just the first." };

    public void AddTo(Command command, bool paged)
    {
        ArgumentNullException.ThrowIfNull(command);
        command.Options.Add(Connection);
        command.Options.Add(Exchange);
        command.Options.Add(Symbol);
        command.Options.Add(Side);
        if (_withState)
        {
            command.Options.Add(State);
        }

        command.Options.Add(Since);
        command.Options.Add(Until);
        if (paged)
        {
            command.Options.Add(Limit);
            command.Options.Add(Cursor);
            command.Options.Add(All);
        }
    }

    /// <summary>
    /// The query string of the filters (<c>?a=b&amp;...</c>, or empty), once <c>--connection</c> is resolved to an id,
    /// handed to <paramref name="then"/>; the problem when the connection cannot be found.
    /// </summary>
    public Task<CallResult> WithQueryAsync(CofferApiClient client, ParseResult parseResult, OutputFormat format, bool paged, Func<StringBuilder, Task<CallResult>> then, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(parseResult);
        ArgumentNullException.ThrowIfNull(then);
        var query = new StringBuilder();
        TradingApi.Query(query, "exchange", parseResult.GetValue(Exchange)?.Trim().ToLowerInvariant());
        TradingApi.Query(query, "symbol", parseResult.GetValue(Symbol)?.Trim().ToUpperInvariant());
        TradingApi.Query(query, "side", parseResult.GetValue(Side));
        TradingApi.Query(query, "state", _withState ? parseResult.GetValue(State) : null);
        TradingApi.Query(query, "since", parseResult.GetValue(Since));
        TradingApi.Query(query, "until", parseResult.GetValue(Until));
        if (paged)
        {
            TradingApi.Query(query, "limit", parseResult.GetValue(Limit)?.ToString(CultureInfo.InvariantCulture));
        }

        if (parseResult.GetValue(Connection) is not { } reference)
        {
            return then(query);
        }

        return ExchangeApi.WithConnectionAsync(client, reference, format, (_, id) =>
        {
            TradingApi.Query(query, "connection_id", id);
            return then(query);
        }, cancellationToken);
    }

    /// <summary>The first page (from <c>--cursor</c>), or with <c>--all</c> every page as one <c>{items, next: null}</c>.</summary>
    public async Task<CallResult> PagesAsync(CofferApiClient client, ParseResult parseResult, string path, StringBuilder query, OutputFormat format, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(parseResult);
        ArgumentNullException.ThrowIfNull(query);
        var all = parseResult.GetValue(All);
        var cursor = parseResult.GetValue(Cursor);
        var items = new JsonArray();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (true)
        {
            var page = new StringBuilder(query.ToString());
            TradingApi.Query(page, "cursor", cursor);
            var response = await client.GetAsync(path + page, TokenUse.Required, cancellationToken);
            if (!response.IsSuccess)
            {
                return TradingApi.Outcome(response, format);
            }

            var pageItems = response.Body.Array("items") ?? throw new CliException("The server's page has no items; is COFFER_ADDR a Coffer server of this version?");
            if (!all)
            {
                return CallResult.Ok(response.Body);
            }

            foreach (var item in pageItems)
            {
                items.Add(item?.DeepClone());
            }

            cursor = response.Body.String("next");
            if (cursor is null)
            {
                return CallResult.Ok(new JsonObject { ["items"] = items, ["next"] = null });
            }

            // A cursor handed out twice would page forever; the server's cursors only move forward.
            if (!seen.Add(cursor))
            {
                throw new CliException("The server returned the same page twice; stopping rather than listing forever.");
            }
        }
    }

    /// <summary>Under a page with more after it: how to get the rest.</summary>
    public static void RenderMore(IAnsiConsole console, JsonObject page)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(page);
        if (page.String("next") is { } next)
        {
            console.WriteLine($"There are more: add --cursor {next} for the next page, or --all for every page.");
        }
    }

    private static void CheckTime(System.CommandLine.Parsing.OptionResult result, string name)
    {
        if (result.GetValueOrDefault<string?>() is { } text && !DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out _))
        {
            result.AddError($"{name} must be an ISO 8601 time such as 2026-01-31T00:00:00Z, not '{text}'.");
        }
    }
}
