using System.CommandLine;

namespace Coffer.Cli.Output;

internal enum OutputFormat
{
    /// <summary>Human-readable tables and sentences.</summary>
    Table,

    /// <summary>The server's JSON, for scripts.</summary>
    Json,
}

/// <summary>The root's recursive <c>--format</c> option: every command accepts it.</summary>
internal sealed class FormatOption
{
    public FormatOption()
    {
        // Nullable with no default value factory, so help does not print the enum's PascalCase name as the default; a
        // custom parser keeps the values lower-case in help and errors, as users type them.
        Option = new Option<OutputFormat?>("--format")
        {
            Description = "Output format: table (for people, the default) or json (for scripts).",
            HelpName = "table|json",
            Recursive = true,
            CustomParser = result =>
            {
                var value = result.Tokens.Count == 1 ? result.Tokens[0].Value : string.Empty;
                switch (value.ToUpperInvariant())
                {
                    case "TABLE":
                        return OutputFormat.Table;
                    case "JSON":
                        return OutputFormat.Json;
                    default:
                        result.AddError($"--format must be table or json, not '{value}'.");
                        return null;
                }
            },
        };
        Option.CompletionSources.Add("table", "json");
    }

    public Option<OutputFormat?> Option { get; }

    public OutputFormat Get(ParseResult parseResult)
    {
        ArgumentNullException.ThrowIfNull(parseResult);
        return parseResult.GetValue(Option) ?? OutputFormat.Table;
    }
}
