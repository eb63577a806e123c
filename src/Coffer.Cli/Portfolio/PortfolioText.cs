using System.Text.Json.Nodes;
using Coffer.Cli.Output;
using Coffer.Cli.Tokens;
using Coffer.Cli.Trading;
using Spectre.Console;

namespace Coffer.Cli.Portfolio;

/// <summary>Renders the server's portfolio views (summary, balances, history, PnL) for people; every number with all its digits.</summary>
internal static class PortfolioText
{
    private const string Complete = "complete";

    public static void RenderSummary(IAnsiConsole console, JsonObject summary)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(summary);
        var currency = summary.String("currency") ?? "?";
        console.WriteLine($"Total value: {Decimals.Text(summary, "total_value", absent: "?")} {currency}");
        console.WriteLine(summary.Decimal("change24h") is { } change
            ? $"24h change: {Decimals.Signed(change)} {currency}" + (summary.Decimal("change24h_percent") is { } percent ? $" ({Decimals.Signed(percent)}%)" : string.Empty)
            : "24h change: not known (no prices from 24 hours ago for what is held).");
        if (summary.Bool("complete") != true)
        {
            console.MarkupLine($"[yellow]Warning: this total is incomplete: {Markup.Escape(WhyIncomplete(summary))}. See below; `coffer portfolio --refresh` syncs now.[/]");
        }

        RenderAllocation(console, "By asset", "Asset", currency, summary.Array("by_asset"));
        RenderAllocation(console, "By exchange account", "Account", currency, summary.Array("by_exchange"));
        RenderUnpriced(console, summary.Array("unpriced"));
        if (summary.Object("prices_unavailable") is { Count: > 0 } unavailable)
        {
            console.WriteLine("Prices that could not be fetched:");
            foreach (var (key, reason) in unavailable)
            {
                console.WriteLine($"  {key}: {(reason is JsonValue value && value.TryGetValue<string>(out var text) ? text : reason?.ToJsonString())}");
            }
        }

        RenderCoverage(console, summary.Array("coverage"));
    }

    public static void RenderBalances(IAnsiConsole console, JsonObject balances)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(balances);
        var currency = balances.String("currency") ?? "?";
        var items = balances.Array("items")?.OfType<JsonObject>().ToList() ?? [];
        if (items.Count == 0)
        {
            console.WriteLine("No balances yet. Connect an exchange (`coffer exchange connect`) and sync it (`coffer portfolio --refresh`).");
        }
        else
        {
            var table = new Table()
                .AddColumn("Account")
                .AddColumn("Exchange")
                .AddColumn("Asset")
                .AddColumn(new TableColumn("Free").RightAligned())
                .AddColumn(new TableColumn("Used").RightAligned())
                .AddColumn(new TableColumn("Total").RightAligned())
                .AddColumn(new TableColumn($"Price ({currency})").RightAligned())
                .AddColumn(new TableColumn($"Value ({currency})").RightAligned())
                .AddColumn("Priced through")
                .AddColumn(new TableColumn("Updated").NoWrap());
            foreach (var item in items)
            {
                table.AddRow(
                    Cell(item.String("label") ?? "?"),
                    Cell(item.String("exchange") ?? "?"),
                    Cell(item.String("asset") ?? "?"),
                    Cell(Decimals.Text(item, "free")),
                    Cell(Decimals.Text(item, "used")),
                    Cell(Decimals.Text(item, "total")),
                    Cell(Decimals.Text(item, "price", absent: "unpriced")),
                    Cell(Decimals.Text(item, "value", absent: "unpriced")),
                    Cell(PriceSource(item)),
                    Cell(TokenText.Time(item.String("updated_at"), absent: "?")));
            }

            console.Write(table);
        }

        RenderUnpriced(console, balances.Array("unpriced"));
        RenderCoverage(console, balances.Array("coverage"));
    }

    public static void RenderHistory(IAnsiConsole console, JsonObject history)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(history);
        var currency = history.String("currency") ?? "?";
        var points = history.Array("points")?.OfType<JsonObject>().ToList() ?? [];
        if (points.Count == 0)
        {
            console.WriteLine($"No snapshots in the last {history.String("range") ?? "?"}. Coffer takes one at every sync; `coffer portfolio --refresh` takes one now.");
            return;
        }

        console.WriteLine($"Value in {currency} over {history.String("range") ?? "?"}: {TradingApi.Invariant(points.Count)} point{(points.Count == 1 ? string.Empty : "s")}.");
        var values = points.Select(p => p.Decimal("value") ?? 0).ToList();
        var max = values.Max();
        var breakdown = points.Any(p => p.Object("breakdown") is not null);
        var table = new Table()
            .AddColumn(new TableColumn("Time").NoWrap())
            .AddColumn(new TableColumn($"Value ({currency})").RightAligned())
            .AddColumn(new TableColumn(string.Empty).NoWrap());
        if (breakdown)
        {
            table.AddColumn("Breakdown");
        }

        table.AddColumn("Unpriced");
        for (var i = 0; i < points.Count; i++)
        {
            var point = points[i];
            var cells = new List<Markup>
            {
                Cell(TokenText.Time(point.String("time"), absent: "?")),
                Cell(Decimals.Text(point, "value", absent: "?") + (point.String("currency") is { } c && c != currency ? $" {c}" : string.Empty)),
                Cell(max > 0 ? Decimals.Bar(values[i] / max * 100m) : string.Empty),
            };
            if (breakdown)
            {
                cells.Add(Cell(point.Object("breakdown") is { } parts
                    ? string.Join(", ", parts.Select(p => $"{p.Key} {(p.Value is JsonValue v && v.TryGetValue<decimal>(out var d) ? Decimals.Format(d) : p.Value?.ToJsonString())}"))
                    : "-"));
            }

            cells.Add(Cell(point.Strings("unpriced") is { Count: > 0 } unpriced ? string.Join(", ", unpriced) : "-"));
            table.AddRow(cells);
        }

        console.Write(table);
    }

    public static void RenderPnl(IAnsiConsole console, JsonObject pnl)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(pnl);
        var currency = pnl.String("currency") ?? "?";
        if (pnl.Object("total") is { } total)
        {
            console.WriteLine($"Realized PnL: {Decimals.Text(total, "realized_pnl", "?")} {currency}   Unrealized PnL: {Decimals.Text(total, "unrealized_pnl", "?")} {currency}");
            console.WriteLine($"Cost basis: {Decimals.Text(total, "cost_basis", "?")} {currency}   Market value: {Decimals.Text(total, "market_value", "?")} {currency}   Fees paid: {Decimals.Text(total, "fees_paid", "?")} {currency}");
            if (Keys(total.Array("unconverted")) is { Length: > 0 } unconverted)
            {
                console.MarkupLine($"[yellow]Not in the totals (no rate to {Markup.Escape(currency)}): {Markup.Escape(unconverted)}.[/]");
            }

            if (Keys(total.Array("unpriced")) is { Length: > 0 } unpriced)
            {
                console.MarkupLine($"[yellow]No current price, so no unrealized PnL: {Markup.Escape(unpriced)}.[/]");
            }
        }

        var positions = pnl.Array("positions")?.OfType<JsonObject>().ToList() ?? [];
        if (positions.Count == 0)
        {
            console.WriteLine("No positions: PnL comes from trades, which appear after a sync (`coffer portfolio --refresh`).");
        }
        else
        {
            var table = new Table()
                .AddColumn("Asset")
                .AddColumn("Quote")
                .AddColumn(new TableColumn("Amount").RightAligned())
                .AddColumn(new TableColumn("Average cost").RightAligned())
                .AddColumn(new TableColumn("Cost basis").RightAligned())
                .AddColumn(new TableColumn("Price").RightAligned())
                .AddColumn(new TableColumn("Market value").RightAligned())
                .AddColumn(new TableColumn("Unrealized").RightAligned())
                .AddColumn(new TableColumn("Realized").RightAligned())
                .AddColumn(new TableColumn("Fees").RightAligned())
                .AddColumn(new TableColumn("Lots").RightAligned());
            foreach (var position in positions)
            {
                var incomplete = position.Bool("history_incomplete") == true ? " *" : string.Empty;
                table.AddRow(
                    Cell((position.String("asset") ?? "?") + incomplete),
                    Cell(position.String("quote") ?? "?"),
                    Cell(Decimals.Text(position, "amount")),
                    Cell(Decimals.Text(position, "average_cost")),
                    Cell(Decimals.Text(position, "cost_basis")),
                    Cell(Decimals.Text(position, "current_price", absent: "no price")),
                    Cell(Decimals.Text(position, "market_value", absent: "unknown")),
                    Cell(Decimals.Text(position, "unrealized_pnl", absent: "unknown")),
                    Cell(Decimals.Text(position, "realized_pnl")),
                    Cell(Decimals.Text(position, "fees_paid")),
                    Cell(Invariant.Number(position.Integer("open_lots"))));
            }

            console.Write(table);
            foreach (var position in positions.Where(p => p.Decimal("unmatched_sell_amount") is > 0))
            {
                console.MarkupLine($"[yellow]* {Markup.Escape(position.String("asset") ?? "?")}/{Markup.Escape(position.String("quote") ?? "?")}: {Markup.Escape(Decimals.Text(position, "unmatched_sell_amount"))} sold that no recorded buy covers (bought before the synced history, or elsewhere).[/]");
            }
        }

        var skipped = pnl.Array("skipped")?.OfType<JsonObject>().ToList() ?? [];
        foreach (var trade in skipped)
        {
            console.MarkupLine($"[yellow]Skipped trade {Markup.Escape(trade.String("trade_id") ?? "?")} ({Markup.Escape(trade.String("exchange") ?? "?")} {Markup.Escape(trade.String("symbol") ?? "?")}): {Markup.Escape(trade.String("reason") ?? "?")}[/]");
        }

        foreach (var fee in pnl.Array("unconverted_fees")?.OfType<JsonObject>() ?? [])
        {
            console.MarkupLine($"[yellow]A fee of {Markup.Escape(Decimals.Text(fee, "cost"))} {Markup.Escape(fee.String("currency") ?? "?")} (trade {Markup.Escape(fee.String("trade_id") ?? "?")}, {Markup.Escape(fee.String("symbol") ?? "?")}) could not be converted and is left out.[/]");
        }

        if (pnl.Bool("history_incomplete") == true)
        {
            console.MarkupLine("[yellow]Warning: the trade history is incomplete (marked *), so these figures may be off.[/]");
        }

        if (pnl.String("method") is { } method)
        {
            console.WriteLine($"Method: {method}");
        }
    }

    private static void RenderAllocation(IAnsiConsole console, string title, string keyHeader, string currency, JsonArray? allocation)
    {
        var rows = allocation?.OfType<JsonObject>().ToList() ?? [];
        if (rows.Count == 0)
        {
            return;
        }

        var table = new Table { Title = new TableTitle(title) }
            .AddColumn(keyHeader)
            .AddColumn(new TableColumn($"Value ({currency})").RightAligned())
            .AddColumn(new TableColumn("Share").RightAligned())
            .AddColumn(new TableColumn(string.Empty).NoWrap());
        foreach (var row in rows)
        {
            var percent = row.Decimal("percent");
            table.AddRow(
                Cell(row.String("key") ?? "?"),
                Cell(Decimals.Text(row, "value", absent: "?")),
                Cell(percent is { } p ? Decimals.Format(p) + "%" : "?"),
                Cell(percent is { } share ? Decimals.Bar(share) : string.Empty));
        }

        console.Write(table);
    }

    private static void RenderUnpriced(IAnsiConsole console, JsonArray? unpriced)
    {
        var rows = unpriced?.OfType<JsonObject>().ToList() ?? [];
        if (rows.Count == 0)
        {
            return;
        }

        var table = new Table { Title = new TableTitle("Not priced (left out of the total)") }
            .AddColumn("Asset")
            .AddColumn("Exchange")
            .AddColumn(new TableColumn("Amount").RightAligned())
            .AddColumn("Why");
        foreach (var row in rows)
        {
            table.AddRow(Cell(row.String("asset") ?? "?"), Cell(row.String("exchange") ?? "?"), Cell(Decimals.Text(row, "amount")), Cell(row.String("reason") ?? "?"));
        }

        console.Write(table);
    }

    private static void RenderCoverage(IAnsiConsole console, JsonArray? coverage)
    {
        var rows = coverage?.OfType<JsonObject>().ToList() ?? [];
        if (rows.Count == 0)
        {
            return;
        }

        var table = new Table { Title = new TableTitle("Coverage of the last sync") }
            .AddColumn("Account")
            .AddColumn("Exchange")
            .AddColumn("Status")
            .AddColumn(new TableColumn("Synced").NoWrap())
            .AddColumn(new TableColumn("Last complete").NoWrap())
            .AddColumn("Missing, and why");
        foreach (var row in rows)
        {
            var missing = row.Array("missing")?.OfType<JsonObject>().Select(Part).ToList() ?? [];
            missing.AddRange(row.Strings("notes").Select(note => "note: " + note));
            table.AddRow(
                Cell(row.String("label") ?? "?"),
                Cell(row.String("exchange") ?? "?"),
                Cell(row.String("status") ?? "?"),
                Cell(TokenText.Time(row.String("synced_at"))),
                Cell(TokenText.Time(row.String("last_complete_at"))),
                Cell(missing.Count == 0 ? "-" : string.Join(Environment.NewLine, missing)));
        }

        console.Write(table);
    }

    /// <summary>One coverage part: "trades BTC/USDT: reason".</summary>
    public static string Part(JsonObject part)
    {
        ArgumentNullException.ThrowIfNull(part);
        var what = part.String("symbol") is { } symbol ? $"{part.String("part")} {symbol}" : part.String("part") ?? "?";
        return part.String("reason") is { } reason ? $"{what}: {reason}" : what;
    }

    /// <summary>Why the summary says it is not complete, from what it lists.</summary>
    private static string WhyIncomplete(JsonObject summary)
    {
        var reasons = new List<string>();
        if (summary.Array("unpriced") is { Count: > 0 } unpriced)
        {
            reasons.Add($"{TradingApi.Invariant(unpriced.Count)} holding{(unpriced.Count == 1 ? " is" : "s are")} not priced");
        }

        var partial = summary.Array("coverage")?.OfType<JsonObject>().Where(c => c.String("status") != Complete).Select(c => $"{c.String("label")} ({c.String("status")})").ToList() ?? [];
        if (partial.Count > 0)
        {
            reasons.Add($"not fully synced: {string.Join(", ", partial)}");
        }

        if (summary.Object("prices_unavailable") is { Count: > 0 } prices)
        {
            reasons.Add($"prices unavailable from {string.Join(", ", prices.Select(p => p.Key))}");
        }

        return reasons.Count == 0 ? "the server says so" : string.Join("; ", reasons);
    }

    private static string PriceSource(JsonObject item)
    {
        var hops = item.Array("price_source")?.OfType<JsonObject>().ToList() ?? [];
        return hops.Count == 0
            ? "-"
            : string.Join(" → ", hops.Select(h => $"{h.String("exchange")} {h.String("symbol")}{(h.Bool("inverted") == true ? " (inverted)" : string.Empty)}"));
    }

    private static string Keys(JsonArray? keys) =>
        string.Join(", ", keys?.OfType<JsonObject>().Select(k => $"{k.String("asset")}/{k.String("quote")}") ?? []);

    private static Markup Cell(string value) => new(Markup.Escape(value));
}
