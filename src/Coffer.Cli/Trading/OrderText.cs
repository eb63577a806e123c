using System.Text.Json.Nodes;
using Coffer.Cli.Output;
using Coffer.Cli.Tokens;
using Spectre.Console;

namespace Coffer.Cli.Trading;

/// <summary>Renders the server's order and trade views (<c>OrderView</c>, <c>TradeView</c>) for people.</summary>
internal static class OrderText
{
    /// <summary>Every field of one order, after a sentence saying what just happened, then how its amount and price were rounded.</summary>
    public static void RenderOne(IAnsiConsole console, string headline, JsonObject order)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(order);
        console.WriteLine(headline);
        var table = new Table().AddColumn("Field").AddColumn("Value");
        Add(table, "Id", order.String("id") ?? "?");
        Add(table, "State", order.String("state") ?? "?");
        Add(table, "Exchange", order.String("exchange") ?? "?");
        Add(table, "Symbol", order.String("symbol") ?? "?");
        Add(table, "Side", order.String("side") ?? "?");
        Add(table, "Type", order.String("type") ?? "?");
        Add(table, "Amount", Decimals.Text(order, "amount"));
        if (order["quote_amount"] is not null)
        {
            Add(table, "Quote to spend", Decimals.Text(order, "quote_amount"));
        }

        Add(table, "Price", Decimals.Text(order, "price", absent: "market"));
        if (order["trigger_price"] is not null)
        {
            Add(table, "Trigger price", Decimals.Text(order, "trigger_price"));
        }

        Add(table, "Time in force", order.String("time_in_force") ?? "-");
        Add(table, "Post-only", order.Bool("post_only") == true ? "yes" : "no");
        Add(table, "Filled", Decimals.Text(order, "filled"));
        Add(table, "Average price", Decimals.Text(order, "average"));
        Add(table, "Filled cost", Decimals.Text(order, "filled_cost"));
        Add(table, "Fee", Fee(order));
        Add(table, "Notional", Notional(order));
        Add(table, "Exchange order id", order.String("exchange_order_id") ?? "-");
        Add(table, "Client order id", order.String("client_order_id") ?? "-");
        Add(table, "Idempotency key", order.String("idempotency_key") ?? "-");
        Add(table, "Origin", order.String("origin") ?? "?");
        Add(table, "Created", TokenText.Time(order.String("created_at"), absent: "?"));
        Add(table, "Updated", TokenText.Time(order.String("updated_at"), absent: "?"));
        console.Write(table);
        if (order.String("error") is { } error)
        {
            console.MarkupLine($"[yellow]{Markup.Escape(error)}[/]");
        }

        var adjustments = order.Strings("adjustments");
        if (adjustments.Count > 0)
        {
            console.WriteLine("Adjusted to the market's rules:");
            foreach (var adjustment in adjustments)
            {
                console.WriteLine($"  - {adjustment}");
            }
        }
    }

    /// <summary>The table of <c>coffer order list</c>.</summary>
    public static void RenderList(IAnsiConsole console, JsonObject page)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(page);
        var orders = page.Array("items")?.OfType<JsonObject>().ToList() ?? [];
        if (orders.Count == 0)
        {
            console.WriteLine("No orders match. Place one with `coffer order place --connection LABEL --symbol BTC/USDT --side buy --type limit --amount 0.001 --price 50000`.");
            return;
        }

        var table = new Table()
            .AddColumn(new TableColumn("Created").NoWrap())
            .AddColumn("Exchange")
            .AddColumn("Symbol")
            .AddColumn("Side")
            .AddColumn("Type")
            .AddColumn("State")
            .AddColumn(new TableColumn("Amount").RightAligned())
            .AddColumn(new TableColumn("Price").RightAligned())
            .AddColumn(new TableColumn("Filled").RightAligned())
            .AddColumn(new TableColumn("Average").RightAligned())
            .AddColumn(new TableColumn("Id").NoWrap());
        foreach (var order in orders)
        {
            table.AddRow(
                Cell(TokenText.Time(order.String("created_at"), absent: "?")),
                Cell(order.String("exchange") ?? "?"),
                Cell(order.String("symbol") ?? "?"),
                Cell(order.String("side") ?? "?"),
                Cell(order.String("type") ?? "?"),
                Cell(order.String("state") ?? "?"),
                Cell(order["amount"] is null && order["quote_amount"] is not null ? $"{Decimals.Text(order, "quote_amount")} (quote)" : Decimals.Text(order, "amount")),
                Cell(Decimals.Text(order, "price", absent: "market")),
                Cell(Decimals.Text(order, "filled")),
                Cell(Decimals.Text(order, "average")),
                Cell(order.String("id") ?? "?"));
        }

        console.Write(table);
        HistoryFilters.RenderMore(console, page);
    }

    /// <summary>The table of <c>coffer trades</c>.</summary>
    public static void RenderTrades(IAnsiConsole console, JsonObject page)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(page);
        var trades = page.Array("items")?.OfType<JsonObject>().ToList() ?? [];
        if (trades.Count == 0)
        {
            console.WriteLine("No trades match. Trades appear after a sync: `coffer portfolio --refresh`.");
            return;
        }

        var table = new Table()
            .AddColumn(new TableColumn("Time").NoWrap())
            .AddColumn("Exchange")
            .AddColumn("Symbol")
            .AddColumn("Side")
            .AddColumn(new TableColumn("Price").RightAligned())
            .AddColumn(new TableColumn("Amount").RightAligned())
            .AddColumn(new TableColumn("Cost").RightAligned())
            .AddColumn("Fee")
            .AddColumn("Role")
            .AddColumn(new TableColumn("Trade id").NoWrap())
            .AddColumn(new TableColumn("Order id").NoWrap());
        foreach (var trade in trades)
        {
            table.AddRow(
                Cell(TokenText.Time(trade.String("time"), absent: "?")),
                Cell(trade.String("exchange") ?? "?"),
                Cell(trade.String("symbol") ?? "?"),
                Cell(trade.String("side") ?? "?"),
                Cell(Decimals.Text(trade, "price")),
                Cell(Decimals.Text(trade, "amount")),
                Cell(Decimals.Text(trade, "cost")),
                Cell(Fee(trade)),
                Cell(trade.String("taker_or_maker") ?? "-"),
                Cell(trade.String("trade_id") ?? "?"),
                Cell(trade.String("order_id") ?? "-"));
        }

        console.Write(table);
        HistoryFilters.RenderMore(console, page);
    }

    public static string Describe(JsonObject order)
    {
        ArgumentNullException.ThrowIfNull(order);
        var amount = order["amount"] is not null ? Decimals.Text(order, "amount") : $"{Decimals.Text(order, "quote_amount")} (quote) of";
        var price = order["price"] is not null ? $" at {Decimals.Text(order, "price")}" : string.Empty;
        return $"{order.String("side")} {amount} {order.String("symbol")} ({order.String("type")}{price}) on {order.String("exchange")}";
    }

    private static string Fee(JsonObject item) =>
        item.Object("fee") is { } fee ? $"{Decimals.Text(fee, "cost")} {fee.String("currency")}" : "-";

    private static string Notional(JsonObject order) =>
        order["notional"] is null ? "unknown" : $"≈ {Decimals.Text(order, "notional")} {order.String("notional_currency")}";

    private static void Add(Table table, string field, string value) => table.AddRow(Markup.Escape(field), Markup.Escape(value));

    private static Markup Cell(string value) => new(Markup.Escape(value));
}
