using System.CommandLine;
using System.Text.Json.Nodes;
using Coffer.Cli.Output;
using Coffer.Cli.Tokens;
using Spectre.Console;

namespace Coffer.Cli.Apps;

/// <summary>Renders the server's app views (<c>AppView</c>) for people, and parses client ids.</summary>
internal static class AppText
{
    private const int MaxClientIdLength = 128;

    /// <summary>A client id (<c>app_...</c>); a client secret pasted by mistake is refused and never echoed.</summary>
    public static Argument<string> ClientId(string description) => new("client-id")
    {
        Description = description,
        HelpName = "CLIENT_ID",
        CustomParser = result =>
        {
            var value = result.Tokens.Count == 1 ? result.Tokens[0].Value : string.Empty;
            if (value.StartsWith(Coffer.Server.Features.Tokens.TokenFormat.Prefix, StringComparison.OrdinalIgnoreCase))
            {
                // Sent, it would sit in the URL and the server's logs; printed, in the terminal's scrollback.
                result.AddError("That is a secret, not a client id: pass the app's client id (app_..., as `coffer app list` shows it).");
            }
            else if (!IsClientIdShaped(value))
            {
                result.AddError("CLIENT_ID must be an app's client id (app_..., as `coffer app list` shows it).");
            }

            return value;
        },
    };

    public static bool IsClientIdShaped(string? value) =>
        value is { Length: > 0 and <= MaxClientIdLength } && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-');

    public static string Joined(JsonObject app, string name) => app.Strings(name) is { Count: > 0 } values ? string.Join(' ', values) : "(none)";

    /// <summary>The table of <c>coffer app list</c>.</summary>
    public static void RenderList(IAnsiConsole console, IReadOnlyList<JsonObject> apps)
    {
        if (apps.Count == 0)
        {
            console.WriteLine("No apps.");
            return;
        }

        var table = new Table()
            .AddColumn(new TableColumn("Client ID").NoWrap())
            .AddColumn("Name")
            .AddColumn("Type")
            .AddColumn("Owner")
            .AddColumn("Scopes")
            .AddColumn("Redirect URIs")
            .AddColumn(new TableColumn("Created").NoWrap())
            .AddColumn(new TableColumn("Disabled").NoWrap());
        foreach (var app in apps)
        {
            table.AddRow(
                Cell(app.String("client_id") ?? "?"),
                Cell(app.String("name") ?? string.Empty),
                Cell((app.String("type") ?? "?") + (app.Bool("dpop_bound") == true ? " (DPoP)" : string.Empty)),
                Cell(app.String("owner") ?? string.Empty),
                Cell(Joined(app, "scopes")),
                Cell(string.Join('\n', app.Strings("redirect_uris"))),
                Cell(TokenText.Time(app.String("created_at"), absent: "?")),
                Cell(app.String("disabled_at") is { } at ? TokenText.Time(at) : "no"));
        }

        console.Write(table);
    }

    private static Markup Cell(string value) => new(Markup.Escape(value));
}
