using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Coffer.Cli.Client;
using Coffer.Cli.Output;

namespace Coffer.Cli.Trading;

/// <summary>What the <c>coffer portfolio</c>, <c>coffer order</c> and <c>coffer trades</c> commands share: paths, COFFER_TOKEN, the CLI's fixes.</summary>
internal static class TradingApi
{
    public const string Orders = "api/v1/orders";
    public const string Trades = "api/v1/trades";
    public const string Portfolio = "api/v1/portfolio";
    public const string CsvMediaType = "text/csv";
    public const string NdJsonMediaType = "application/x-ndjson";

    private const string ProblemPrefix = "urn:coffer:problem:";

    public const string MissingToken =
        "COFFER_TOKEN is not set. `coffer portfolio`, `coffer order` and `coffer trades` act as the user of COFFER_TOKEN: sign in with "
        + "`eval \"$(coffer login)\"`, or set it to a token with the portfolio:read, orders:read (and, to place and cancel, orders:write) scopes "
        + "without leaving it in shell history, e.g. `read -rs COFFER_TOKEN && export COFFER_TOKEN`.";

    // Where the server's fix speaks HTTP (a header to send), the CLI's own way of doing it.
    private static readonly Dictionary<string, string> CliFixes = new(StringComparer.Ordinal)
    {
        ["step-up-required"] = "This order needs a fresh code from your authenticator app: pass --totp CODE, or run it on a terminal to be asked for it.",
        ["step-up-failed"] = "Run the command again with the authenticator app's next code (and the same --key, so that it is still one order).",
        ["forbidden"] = "COFFER_TOKEN lacks the scope this needs (portfolio:read, orders:read or orders:write; naming a connection by label needs exchanges:read); a session from `coffer login` has them all.",
        ["idempotency-key-reused"] = "That --key belongs to another order. Leave --key out for a new order (a new key is made), or give the original order's arguments to retry it.",
    };

    public static Task<int> RunAsync(
        CliContext context, ParseResult parseResult, Func<CofferApiClient, CancellationToken, Task<CallResult>> call, Action<JsonObject> render, CancellationToken cancellationToken) =>
        ApiCommand.RunAsync(context, parseResult, MissingToken, call, result => render(result as JsonObject ?? []), cancellationToken);

    /// <summary>The settings ApiCommand resolves, for a second client (<see cref="RawApiClient"/>) in the same command.</summary>
    public static ClientSettings Settings(CliContext context, ParseResult parseResult)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(parseResult);
        return ClientSettings.Resolve(parseResult.GetValue(context.Client.Address), parseResult.GetValue(context.Client.CaCertificate), context.Environment);
    }

    /// <summary>The problem type without its URN prefix, e.g. <c>step-up-required</c>.</summary>
    public static string? Slug(JsonObject problem) =>
        problem.String("type") is { } type && type.StartsWith(ProblemPrefix, StringComparison.Ordinal) ? type[ProblemPrefix.Length..] : null;

    /// <summary>The answer as the result, or as the problem — with the CLI's fix, and the rule or limit that refused an order.</summary>
    public static CallResult Outcome(ApiResponse response, OutputFormat format)
    {
        ArgumentNullException.ThrowIfNull(response);
        return response.IsSuccess ? CallResult.Ok(response.Body) : new CallResult(null, Problem(response.Body, format));
    }

    /// <summary>The problem for output: in JSON mode the server's document, untouched, for scripts.</summary>
    public static JsonObject Problem(JsonObject problem, OutputFormat format)
    {
        ArgumentNullException.ThrowIfNull(problem);
        if (format == OutputFormat.Json)
        {
            return problem;
        }

        var shown = (JsonObject)problem.DeepClone();
        if (Slug(problem) is { } slug && CliFixes.TryGetValue(slug, out var fix))
        {
            shown["detail"] = fix;
        }

        if (problem.String("constraint") is { } constraint)
        {
            shown["detail"] = $"{shown.String("detail")} (constraint: {constraint})".TrimStart();
        }

        return shown;
    }

    /// <summary>Appends <c>name=value</c> to a query string being built; nothing for a null value.</summary>
    public static void Query(StringBuilder query, string name, string? value)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (value is null)
        {
            return;
        }

        query.Append(query.Length == 0 ? '?' : '&').Append(name).Append('=').Append(Uri.EscapeDataString(value));
    }

    public static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);
}
