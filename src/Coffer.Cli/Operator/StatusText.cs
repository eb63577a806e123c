using System.Text.Json.Nodes;
using Coffer.Cli.Output;
using Spectre.Console;

namespace Coffer.Cli.Operator;

/// <summary>Renders the server's status object (<c>GET /api/v1/sys/status</c>, also returned by unseal and seal).</summary>
internal static class StatusText
{
    /// <summary>"2/3 shares, still sealed", "sealed" or "unsealed".</summary>
    public static string SealState(JsonObject status)
    {
        ArgumentNullException.ThrowIfNull(status);
        if (status.Bool("sealed") == false)
        {
            return "unsealed";
        }

        return status.Integer("threshold") is > 0 and var threshold
            ? $"{Invariant.Number(status.Integer("unseal_progress") ?? 0)}/{Invariant.Number(threshold)} shares, still sealed"
            : "sealed";
    }

    public static void RenderTable(IAnsiConsole console, JsonObject status)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(status);
        var table = new Table().AddColumn("Field").AddColumn("Value");
        var provider = status.String("provider") ?? "unknown";
        var initialized = status.Bool("initialized");
        var sealedNow = status.Bool("sealed");
        var shares = status.Integer("shares");
        var threshold = status.Integer("threshold");

        Add(table, "Initialized", YesNo(initialized));
        Add(table, "Sealed", YesNo(sealedNow));
        Add(table, "Key provider", status.Bool("dev_only") == true ? $"{provider} (development only)" : provider);
        if (shares is > 0 && threshold is > 0)
        {
            Add(table, "Threshold", $"{Invariant.Number(threshold)} of {Invariant.Number(shares)} shares");
        }

        if (initialized == true && sealedNow == true && threshold is > 0)
        {
            Add(table, "Unseal progress", $"{Invariant.Number(status.Integer("unseal_progress") ?? 0)}/{Invariant.Number(threshold)} shares");
        }

        Add(table, "Root key", RootKey(status.Object("key_versions")?.Object("root")));
        Add(table, "Version", status.String("version") ?? "unknown");
        console.Write(table);
    }

    private static string RootKey(JsonObject? root) =>
        root is null
            ? "(shown to an admin COFFER_TOKEN while unsealed)"
            : $"version {Invariant.Number(root.Integer("current"))}, decrypts from version {Invariant.Number(root.Integer("min_decryption"))}";

    private static void Add(Table table, string field, string value) => table.AddRow(Markup.Escape(field), Markup.Escape(value));

    private static string YesNo(bool? value) => value switch
    {
        true => "yes",
        false => "no",
        null => "unknown",
    };
}
