using System.CommandLine;
using System.CommandLine.Parsing;
using System.Text.Json.Nodes;
using Coffer.Cli.Client;
using Coffer.Cli.Output;
using Spectre.Console;

namespace Coffer.Cli.Operator;

/// <summary><c>coffer operator init</c>: creates the root key and prints the unseal shares and the first admin token, once.</summary>
internal static class InitCommand
{
    private const int DefaultShares = 5;
    private const int DefaultThreshold = 3;

    public static Command Create(CliContext context)
    {
        var shares = new Option<int>("--shares")
        {
            Description = "How many unseal shares to split the unseal key into (shamir provider).",
            HelpName = "N",
            DefaultValueFactory = _ => DefaultShares,
        };
        var threshold = new Option<int>("--threshold")
        {
            Description = "How many of the shares it takes to unseal.",
            HelpName = "K",
            DefaultValueFactory = _ => DefaultThreshold,
        };
        var adminUsername = new Option<string?>("--admin-username")
        {
            Description = "Name of the initial admin user (default: admin). It gets a password later, with `coffer login --set-password`.",
            HelpName = "NAME",
        };
        var command = new Command("init", "Initialize the vault: prints the unseal shares and the initial admin token, once.") { shares, threshold, adminUsername };

        // Caught locally so a typo never reaches the server, where init can only happen once.
        command.Validators.Add(result =>
        {
            var n = GivenOr(result, shares, DefaultShares);
            var k = GivenOr(result, threshold, DefaultThreshold);
            if (n < 1)
            {
                result.AddError($"--shares must be at least 1, not {n}.");
            }
            else if (k < 1 || k > n)
            {
                result.AddError($"--threshold must be between 1 and --shares ({n}), not {k}.");
            }
        });
        command.SetAction((parseResult, cancellationToken) =>
        {
            var n = parseResult.GetValue(shares);
            var k = parseResult.GetValue(threshold);
            var body = new JsonObject { ["shares"] = n, ["threshold"] = k };
            if (parseResult.GetValue(adminUsername) is { } name)
            {
                body["admin_username"] = name;
            }

            return ApiCommand.RunAsync(
                context,
                parseResult,
                (client, ct) => client.PostAsync(SysPaths.Init, body, TokenUse.None, ct),
                body => Render(context.Io, body, k),
                cancellationToken);
        });
        return command;
    }

    // Command validators run before default values are applied, so an option left out must be read as its default here.
    private static int GivenOr(CommandResult result, Option<int> option, int defaultValue) =>
        result.GetResult(option) is { Implicit: false } given ? given.GetValueOrDefault<int>() : defaultValue;

    private static void Render(IConsoleIO io, JsonObject body, int threshold)
    {
        var provider = body.String("provider") ?? "unknown";
        var shares = body.Strings("shares");
        var console = io.OutConsole;
        console.MarkupLine($"Coffer is initialized (key provider: {Markup.Escape(provider)}) and {(body.Bool("sealed") == false ? "unsealed" : "sealed")}.");
        console.WriteLine();
        console.MarkupLine("[bold yellow]WARNING: the secrets below are shown only this once. They are never shown again and cannot be recovered.[/]");
        if (shares.Count > 0)
        {
            console.MarkupLine("[bold yellow]Give each unseal share to a different person, or keep it in a different place: never two in one spot.[/]");
            console.MarkupLine($"[bold yellow]Any {threshold} shares unseal this Coffer; with fewer than {threshold} it stays sealed for good.[/]");
        }

        console.MarkupLine("[bold yellow]Keep the admin token in a password manager; use it to create narrower tokens.[/]");
        console.WriteLine();

        // Secrets go straight to the writer: Spectre would wrap them at the terminal width, and a wrapped share is a broken share.
        if (shares.Count > 0)
        {
            io.Out.WriteLine("Unseal shares:");
            for (var i = 0; i < shares.Count; i++)
            {
                io.Out.WriteLine($"  Share {i + 1}: {shares[i]}");
            }
        }
        else
        {
            io.Out.WriteLine($"The {provider} key provider holds the unseal key: there are no shares to hand out.");
        }

        io.Out.WriteLine();
        io.Out.WriteLine($"Initial admin token: {body.String("admin_token")}");
        if (body.String("admin_accessor") is { } accessor)
        {
            io.Out.WriteLine($"Admin token accessor: {accessor} (refer to the token by this, e.g. in audits and revocations)");
        }

        if (body.String("admin_username") is { } admin)
        {
            io.Out.WriteLine($"Admin user: {admin} (no password yet; with COFFER_TOKEN set to the token above, run `coffer login --set-password`)");
        }

        io.Out.WriteLine();
        io.Out.WriteLine(shares.Count > 0
            ? $"Next: run `coffer operator unseal` {threshold} times, each time with a different share."
            : "Next: check `coffer operator status`.");
    }
}
