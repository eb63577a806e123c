using System.Text.Json.Nodes;
using Coffer.Cli.Output;
using Coffer.Cli.Tokens;
using Spectre.Console;

namespace Coffer.Cli.Exchange;

/// <summary>Renders the server's connection views (<c>ConnectionView</c>) for people. The secret is never in them.</summary>
internal static class ConnectionText
{
    private const string NeedsKey = "needs_key";

    /// <summary>The table of <c>coffer exchange list</c>, then why each connection that cannot be used cannot, and the fix.</summary>
    public static void RenderList(IAnsiConsole console, IReadOnlyList<JsonObject> connections)
    {
        if (connections.Count == 0)
        {
            console.WriteLine("No exchange connections. Add one with `coffer exchange connect --exchange binance --api-key KEY`.");
            return;
        }

        var table = new Table()
            .AddColumn("Label")
            .AddColumn("Exchange")
            .AddColumn(new TableColumn("API key").NoWrap())
            .AddColumn("Status")
            .AddColumn("Permissions")
            .AddColumn("IP restriction")
            .AddColumn(new TableColumn("Allow-list").NoWrap())
            .AddColumn(new TableColumn("Last verified").NoWrap())
            .AddColumn(new TableColumn("Id").NoWrap());
        foreach (var connection in connections)
        {
            table.AddRow(
                Cell(connection.String("label") ?? "?"),
                Cell(connection.String("exchange") ?? "?"),
                Cell(connection.String("api_key") ?? "?"),
                Cell(Status(connection)),
                Cell(Permissions(connection)),
                Cell(IpRestriction(connection)),
                Cell(connection.String("allowlist_ip") ?? "-"),
                Cell(TokenText.Time(connection.String("verified_at"), absent: "?")),
                Cell(connection.String("id") ?? "?"));
        }

        console.Write(table);
        foreach (var connection in connections.Where(c => c.String("lock_reason") is not null))
        {
            console.MarkupLine($"[yellow]{Markup.Escape(connection.String("label") ?? "?")}: {Markup.Escape(connection.String("lock_reason")!)}[/]");
        }
    }

    /// <summary>Every field of one connection, after a sentence saying what just happened.</summary>
    public static void RenderOne(IAnsiConsole console, string headline, JsonObject connection)
    {
        console.WriteLine(headline);
        var table = new Table().AddColumn("Field").AddColumn("Value");
        Add(table, "Id", connection.String("id") ?? "?");
        Add(table, "Label", connection.String("label") ?? "?");
        Add(table, "Exchange", connection.String("exchange") ?? "?");
        Add(table, "API key", connection.String("api_key") ?? "?");
        Add(table, "Status", Status(connection));
        Add(table, "Permissions", Permissions(connection));
        Add(table, "As the exchange names them", connection.Object("permissions")?.Strings("reported") is { Count: > 0 } reported ? string.Join(' ', reported) : "-");
        Add(table, "IP restriction", IpRestriction(connection));
        Add(table, "Address to allow-list", connection.String("allowlist_ip") ?? "(not configured on this server)");
        Add(table, "Base URL", connection.String("base_url") ?? "(the exchange's production API)");
        Add(table, "Credential token", connection.String("credential_accessor") ?? "?");
        Add(table, "Connected", TokenText.Time(connection.String("created_at"), absent: "?"));
        Add(table, "Last verified", TokenText.Time(connection.String("verified_at"), absent: "?"));
        console.Write(table);
        if (connection.String("lock_reason") is { } reason)
        {
            console.MarkupLine($"[yellow]{Markup.Escape(reason)}[/]");
        }
        else if (connection.Bool("ip_restricted") == false)
        {
            var address = connection.String("allowlist_ip") is { } ip ? $" to {ip}" : " to Coffer's address";
            console.WriteLine($"Tip: restrict the key{address} on the exchange's API-key page, so that a stolen copy is useless anywhere else.");
        }
    }

    private static string Status(JsonObject connection) => connection.String("status") switch
    {
        NeedsKey => "key must be re-entered",
        { } status => status,
        null => "?",
    };

    private static string Permissions(JsonObject connection)
    {
        var permissions = connection.Object("permissions");
        if (permissions is null)
        {
            return "?";
        }

        string[] names = ["read", "trade", "withdraw", "transfer"];
        var held = names.Where(name => permissions.Bool(name) == true).ToList();
        return held.Count == 0 ? "(none)" : string.Join(", ", held);
    }

    private static string IpRestriction(JsonObject connection) => connection.Bool("ip_restricted") switch
    {
        true => "yes",
        false => "no",
        null => "not reported",
    };

    private static void Add(Table table, string field, string value) => table.AddRow(Markup.Escape(field), Markup.Escape(value));

    private static Markup Cell(string value) => new(Markup.Escape(value));
}
