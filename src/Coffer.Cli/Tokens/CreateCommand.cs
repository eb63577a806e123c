using System.CommandLine;
using System.Text.Json.Nodes;
using Coffer.Cli.Client;
using Coffer.Cli.Output;
using Coffer.Server.Features.Tokens;
using Spectre.Console;

namespace Coffer.Cli.Tokens;

/// <summary><c>coffer token create</c>: a child of the calling token, never wider than it; its value is printed once.</summary>
internal static class CreateCommand
{
    public static Command Create(CliContext context)
    {
        var scopes = TokenArguments.Repeatable("--scope", "A scope the new token gets, e.g. portfolio:read (repeat for more; each must be held by COFFER_TOKEN).", "SCOPE");
        scopes.Required = true;
        var ips = TokenArguments.Repeatable("--ip", "An IP address or CIDR range the token may be used from, e.g. 203.0.113.0/24 (repeat for more; default: the parent's).", "CIDR");
        var ttl = TokenArguments.Duration("--ttl", $"How long the token lives, e.g. {DurationParser.Examples} (default: as long as the parent; never longer).");
        var maxUses = TokenArguments.PositiveInteger("--max-uses", "How many requests the token may make in all (default: the parent's limit, if any).");
        var name = new Option<string?>("--name") { Description = "A name to recognize the token by in `coffer token list`.", HelpName = "NAME" };
        var trading = new TradingOptions("the token");

        var command = new Command(
            "create",
            "Create a child of the calling token (COFFER_TOKEN), never wider than it; prints the new token once.")
        {
            scopes, ips, ttl, maxUses, name,
        };
        trading.AddTo(command);
        command.Validators.Add(result =>
        {
            if (result.GetValue(scopes)?.Any(s => string.IsNullOrWhiteSpace(s) || s.Any(char.IsWhiteSpace)) == true)
            {
                result.AddError("--scope takes one scope per use, without spaces: --scope portfolio:read --scope orders:read.");
            }

            foreach (var ip in result.GetValue(ips) ?? [])
            {
                if (!IpAllowlist.TryParse(ip, out _))
                {
                    result.AddError($"--ip must be an IP address or a CIDR range such as 203.0.113.0/24, not '{ip}'.");
                }
            }

            if (result.GetValue(name) is { } given && (given.Length is 0 or > TokenTree.MaxDisplayName || given.Any(char.IsControl)))
            {
                result.AddError($"--name must be 1 to {TokenTree.MaxDisplayName} printable characters.");
            }

            trading.Validate(result);
        });
        command.SetAction((parseResult, cancellationToken) =>
        {
            var body = new JsonObject
            {
                ["scopes"] = Array(parseResult.GetValue(scopes)),
            };
            if (parseResult.GetValue(name) is { } displayName)
            {
                body["display_name"] = displayName;
            }

            if (parseResult.GetValue(ttl) is { } seconds)
            {
                body["ttl_seconds"] = seconds;
            }

            if (parseResult.GetValue(ips) is { Length: > 0 } ranges)
            {
                body["ip_allowlist"] = Array(ranges);
            }

            if (parseResult.GetValue(maxUses) is { } uses)
            {
                body["max_uses"] = uses;
            }


            // Left out, the server gives the child its parent's limits; an empty object would say the same less plainly.
            if (trading.ToJson(parseResult) is { } limits)
            {
                body["trading"] = limits;
            }

            return TokenApi.RunAsync(
                context,
                parseResult,
                (client, ct) => TokenApi.SingleAsync(client.PostAsync(TokenPaths.Tokens, body, TokenUse.Required, ct)),
                created => Render(context.Io, created.AsObject()),
                cancellationToken);
        });
        return command;
    }

    // Repeats are dropped, order kept: `--scope a --scope a` asks for one scope.
    private static JsonArray Array(string[]? values) => [.. (values ?? []).Distinct(StringComparer.Ordinal).Select(value => JsonValue.Create(value))];

    private static void Render(IConsoleIO io, JsonObject created)
    {
        var info = created.Object("info") ?? [];
        io.OutConsole.MarkupLine("[bold yellow]WARNING: this token is shown only this once; it cannot be recovered. Store it now, e.g. in a password manager.[/]");
        io.OutConsole.WriteLine();

        // Straight to the writer: Spectre would wrap it at the terminal width, and a wrapped token is a broken token.
        io.Out.WriteLine($"Token:    {created.String("token")}");
        io.Out.WriteLine($"Accessor: {created.String("accessor")}");
        io.Out.WriteLine();
        io.Out.WriteLine($"Kind:     {info.String("kind") ?? "?"}");
        io.Out.WriteLine($"Scopes:   {TokenText.Scopes(info)}");
        io.Out.WriteLine($"Expires:  {TokenText.Time(info.String("expires_at"))}");
        io.Out.WriteLine($"Parent:   {info.String("parent") ?? "?"}");
        io.Out.WriteLine();
        io.Out.WriteLine("Refer to it by its accessor (`coffer token lookup ACCESSOR`, `coffer token revoke ACCESSOR`); the accessor is not a secret.");
    }
}
