using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Coffer.Cli.Output;
using Spectre.Console;

namespace Coffer.Cli.Tokens;

/// <summary>Renders the server's token views (<c>TokenView</c>) and access log entries for people.</summary>
internal static class TokenText
{
    /// <summary>A timestamp from the server in UTC, to the second; "never" when absent.</summary>
    public static string Time(string? value, string absent = "never")
    {
        if (value is null)
        {
            return absent;
        }

        return DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var time)
            ? time.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture)
            : value;
    }

    /// <summary>"3 of 10" or "3 (no limit)".</summary>
    public static string Uses(JsonObject token)
    {
        var uses = Invariant.Number(token.Integer("uses"));
        return token.Integer("max_uses") is { } max ? $"{uses} of {Invariant.Number(max)}" : $"{uses} (no limit)";
    }

    public static string Revoked(JsonObject token) => token.Bool("revoked") switch
    {
        true => token.String("revoked_at") is { } at ? $"yes, {Time(at)}" : "yes",
        false => "no",
        null => "unknown",
    };

    public static string Scopes(JsonObject token) => token.Strings("scopes") is { Count: > 0 } scopes ? string.Join(' ', scopes) : "(none)";

    /// <summary>The table of <c>coffer token list</c>.</summary>
    public static void RenderList(IAnsiConsole console, IReadOnlyList<JsonObject> tokens)
    {
        if (tokens.Count == 0)
        {
            console.WriteLine("No tokens.");
            return;
        }

        var table = new Table()
            .AddColumn(new TableColumn("Accessor").NoWrap())
            .AddColumn("Kind")
            .AddColumn("Name")
            .AddColumn("Scopes")
            .AddColumn(new TableColumn("Expires").NoWrap())
            .AddColumn("Uses")
            .AddColumn("Revoked");
        foreach (var token in tokens)
        {
            table.AddRow(
                Cell(token.String("accessor") ?? "?"),
                Cell(token.String("kind") ?? "?"),
                Cell(token.String("display_name") ?? string.Empty),
                Cell(Scopes(token)),
                Cell(Time(token.String("expires_at"))),
                Cell(Uses(token)),
                Cell(token.Bool("revoked") switch { true => "yes", false => "no", null => "?" }));
        }

        console.Write(table);
    }

    /// <summary>Every field of one token, as <c>coffer token lookup</c> shows it.</summary>
    public static void RenderToken(IAnsiConsole console, JsonObject token)
    {
        var table = new Table().AddColumn("Field").AddColumn("Value");
        Add(table, "Accessor", token.String("accessor") ?? "?");
        Add(table, "Kind", token.String("kind") ?? "?");
        Add(table, "Name", token.String("display_name") ?? "(none)");
        Add(table, "User", token.String("user_id") ?? "?");
        Add(table, "Parent", token.String("parent") ?? "(none: the root of its tree)");
        Add(table, "Scopes", Scopes(token));
        Add(table, "Created", Time(token.String("created_at"), absent: "?"));
        Add(table, "Expires", Time(token.String("expires_at")));
        Add(table, "IP allowlist", token.Strings("ip_allowlist") is { Count: > 0 } ranges ? string.Join(' ', ranges) : "(any address)");
        Add(table, "Uses", Uses(token));
        AddTrading(table, token.Object("trading"));
        Add(table, "Revoked", Revoked(token));
        console.Write(table);
    }

    /// <summary>The table of <c>coffer token log</c>, in the server's order (newest first).</summary>
    public static void RenderLog(IAnsiConsole console, IReadOnlyList<JsonObject> entries)
    {
        if (entries.Count == 0)
        {
            console.WriteLine("No requests recorded.");
            return;
        }

        var table = new Table()
            .AddColumn(new TableColumn("Time").NoWrap())
            .AddColumn("Method")
            .AddColumn("Route")
            .AddColumn(new TableColumn("Status").RightAligned())
            .AddColumn(new TableColumn("Latency").RightAligned())
            .AddColumn("Client IP")
            .AddColumn("User agent");
        foreach (var entry in entries)
        {
            table.AddRow(
                Cell(Time(entry.String("occurred_at"), absent: "?")),
                Cell(entry.String("method") ?? "?"),
                Cell(entry.String("route") ?? "?"),
                Cell(Invariant.Number(entry.Integer("status"))),
                Cell(Latency(entry)),
                Cell(entry.String("client_ip") ?? string.Empty),
                Cell(entry.String("user_agent") ?? string.Empty));
        }

        console.Write(table);
    }

    private static void AddTrading(Table table, JsonObject? trading)
    {
        if (trading is null)
        {
            Add(table, "Trading limits", "(none beyond its parent's)");
            return;
        }

        Add(table, "Exchanges", trading.Strings("exchanges") is { Count: > 0 } exchanges ? string.Join(' ', exchanges) : "(any)");
        Add(table, "Symbols", trading.Strings("symbols") is { Count: > 0 } symbols ? string.Join(' ', symbols) : "(any)");
        Add(table, "Max order notional", Decimal(trading, "max_order_notional") ?? "(no limit)");
        Add(table, "Price band", Decimal(trading, "price_band_percent") is { } band ? $"{band}% around the market price" : "(no limit)");
        Add(table, "Daily volume cap", Decimal(trading, "daily_volume_cap") ?? "(no limit)");
    }

    // Decimals are shown exactly as the server wrote them: no float rounding of a limit.
    private static string? Decimal(JsonObject json, string name) =>
        json[name] is JsonValue value && value.GetValueKind() == JsonValueKind.Number ? value.ToJsonString() : null;

    private static string Latency(JsonObject entry) =>
        entry["latency_ms"] is JsonValue value && value.TryGetValue<double>(out var ms)
            ? ms.ToString("0.0", CultureInfo.InvariantCulture) + " ms"
            : "?";

    private static void Add(Table table, string field, string value) => table.AddRow(Markup.Escape(field), Markup.Escape(value));

    private static Markup Cell(string value) => new(Markup.Escape(value));
}
