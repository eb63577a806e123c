using System.CommandLine;
using System.Text.Json.Nodes;
using Coffer.Cli.Client;
using Coffer.Cli.Output;
using Coffer.Cli.Tokens;
using Coffer.Server.Features.OAuth;
using Spectre.Console;

namespace Coffer.Cli.Apps;

/// <summary><c>coffer app create</c>: registers an OAuth client; a confidential client's secret is printed once.</summary>
internal static class CreateCommand
{
    public static Command Create(CliContext context)
    {
        var name = new Option<string>("--name") { Description = "The app's name, shown to users on the consent page.", HelpName = "NAME", Required = true };
        var type = new Option<string>("--type")
        {
            Description = "public (a native or browser app that cannot keep a secret; uses PKCE alone) or confidential (a server that authenticates with a client secret).",
            HelpName = "public|confidential",
            Required = true,
        };
        type.AcceptOnlyFromAmong(ClientTypes.Public, ClientTypes.Confidential);
        var redirects = TokenArguments.Repeatable(
            "--redirect-uri",
            "Where users are sent back with the code: an https:// URI, or http://127.0.0.1/callback for a native app (any port matches; repeat for more).",
            "URI");
        redirects.Required = true;
        var scopes = TokenArguments.Repeatable("--scope", "A scope the app may ask for, e.g. portfolio:read (repeat for more; each must be held by COFFER_TOKEN's tree).", "SCOPE");
        scopes.Required = true;
        var dpop = new Option<bool>("--dpop") { Description = "Require DPoP (RFC 9449): the app's tokens are bound to a key it holds and useless without it." };
        var trading = new TradingOptions("the app's tokens");

        var command = new Command("create", "Register an OAuth app; a confidential app's client secret is printed once.")
        {
            name, type, redirects, scopes, dpop,
        };
        trading.AddTo(command);
        command.Validators.Add(result =>
        {
            if (result.GetValue(scopes)?.Any(s => string.IsNullOrWhiteSpace(s) || s.Any(char.IsWhiteSpace)) == true)
            {
                result.AddError("--scope takes one scope per use, without spaces: --scope portfolio:read --scope orders:read.");
            }

            foreach (var uri in result.GetValue(redirects) ?? [])
            {
                // The server has the final word (exact rules in RedirectUris); this only catches what cannot be a URI at all.
                if (!Uri.TryCreate(uri, UriKind.Absolute, out _))
                {
                    result.AddError($"--redirect-uri must be an absolute URI such as https://tool.example/callback, not '{uri}'.");
                }
            }

            if (result.GetValue(name) is { } given && (string.IsNullOrWhiteSpace(given) || given.Any(char.IsControl)))
            {
                result.AddError("--name must be printable characters, not empty.");
            }

            trading.Validate(result);
        });
        command.SetAction((parseResult, cancellationToken) =>
        {
            var body = new JsonObject
            {
                ["name"] = parseResult.GetValue(name),
                ["type"] = parseResult.GetValue(type),
                ["redirect_uris"] = Array(parseResult.GetValue(redirects)),
                ["scopes"] = Array(parseResult.GetValue(scopes)),
                ["dpop_bound"] = parseResult.GetValue(dpop),
            };

            body["trading"] = trading.ToJson(parseResult);
            return AppApi.RunAsync(
                context,
                parseResult,
                (client, ct) => AppApi.SingleAsync(client.PostAsync(AppPaths.Apps, body, TokenUse.Required, ct)),
                created => Render(context.Io, created.AsObject()),
                cancellationToken);
        });
        return command;
    }

    private static JsonArray Array(string[]? values) => [.. (values ?? []).Distinct(StringComparer.Ordinal).Select(value => JsonValue.Create(value))];

    private static void Render(IConsoleIO io, JsonObject app)
    {
        var secret = app.String("client_secret");
        if (secret is not null)
        {
            io.OutConsole.MarkupLine("[bold yellow]WARNING: the client secret is shown only this once; it cannot be recovered. Store it now, e.g. in the app's secret store.[/]");
            io.OutConsole.WriteLine();
        }

        // Straight to the writer: Spectre would wrap at the terminal width, and a wrapped secret is a broken secret.
        io.Out.WriteLine($"Client ID:     {app.String("client_id")}");
        if (secret is not null)
        {
            io.Out.WriteLine($"Client secret: {secret}");
        }

        io.Out.WriteLine();
        io.Out.WriteLine($"Name:          {app.String("name")}");
        io.Out.WriteLine($"Type:          {app.String("type")}{(app.Bool("dpop_bound") == true ? ", DPoP-bound tokens" : string.Empty)}");
        io.Out.WriteLine($"Scopes:        {AppText.Joined(app, "scopes")}");
        io.Out.WriteLine($"Redirect URIs: {AppText.Joined(app, "redirect_uris")}");
        io.Out.WriteLine();
        io.Out.WriteLine(secret is null
            ? "A public app authenticates with PKCE alone; try the flow with `coffer oauth login --client-id CLIENT_ID --scope ...`."
            : "Try the flow with `COFFER_CLIENT_SECRET=... coffer oauth login --client-id CLIENT_ID --scope ...`.");
    }
}
