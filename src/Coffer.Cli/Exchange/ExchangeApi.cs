using System.CommandLine;
using System.Text.Json.Nodes;
using Coffer.Cli.Client;
using Coffer.Cli.Output;

namespace Coffer.Cli.Exchange;

/// <summary>What the <c>coffer exchange</c> commands share: the paths, COFFER_TOKEN, finding a connection by id or label.</summary>
internal static class ExchangeApi
{
    public const string Connections = "api/v1/connections";

    private const string ProblemPrefix = "urn:coffer:problem:";

    public const string MissingToken =
        "COFFER_TOKEN is not set. `coffer exchange` commands act as the user of COFFER_TOKEN: sign in with "
        + "`eval \"$(coffer login)\"`, or set it to a token with the exchanges:read (and, to change connections, exchanges:write) scope "
        + "without leaving it in shell history, e.g. `read -rs COFFER_TOKEN && export COFFER_TOKEN`.";

    // Where the server's fix speaks HTTP (a header to send), the CLI's own way of doing it.
    private static readonly Dictionary<string, string> CliFixes = new(StringComparer.Ordinal)
    {
        ["step-up-required"] = "This needs a fresh code from your authenticator app: pass --totp CODE, or leave it out to be asked for it.",
        ["step-up-failed"] = "Run the command again with the authenticator app's next code.",
        ["forbidden"] = "COFFER_TOKEN lacks the scope this needs (exchanges:read or exchanges:write); a session from `coffer login` has both.",
    };

    /// <summary>The CONNECTION argument of verify, replace-key and remove.</summary>
    public static Argument<string> Reference() => new("connection")
    {
        Description = "The connection's label or id, as `coffer exchange list` shows them.",
        HelpName = "LABEL|ID",
    };

    public static string Connection(string id) => $"{Connections}/{Uri.EscapeDataString(id)}";

    public static Task<int> RunAsync(
        CliContext context, ParseResult parseResult, Func<CofferApiClient, CancellationToken, Task<CallResult>> call, Action<JsonObject> render, CancellationToken cancellationToken) =>
        ApiCommand.RunAsync(context, parseResult, MissingToken, call, result => render(result as JsonObject ?? []), cancellationToken);

    /// <summary>
    /// A command on one connection, named by the <paramref name="reference"/> argument: finds it (see
    /// <see cref="WithConnectionAsync"/>), then <paramref name="act"/> on it with its id, then renders the outcome.
    /// </summary>
    public static Task<int> RunOnConnectionAsync(
        CliContext context,
        ParseResult parseResult,
        Argument<string> reference,
        Func<CofferApiClient, JsonObject, string, CancellationToken, Task<CallResult>> act,
        Action<JsonObject> render,
        CancellationToken cancellationToken)
    {
        var format = context.Format.Get(parseResult);
        return RunAsync(
            context,
            parseResult,
            (client, ct) => WithConnectionAsync(client, parseResult.GetValue(reference)!, format, (connection, id) => act(client, connection, id, ct), ct),
            render,
            cancellationToken);
    }

    /// <summary>The answer as the result, or as the problem — with the CLI's way to fix it where that differs from the API's.</summary>
    public static CallResult Outcome(ApiResponse response, OutputFormat format)
    {
        if (response.IsSuccess)
        {
            return CallResult.Ok(response.Body);
        }

        // JSON output stays the server's problem document, untouched, for scripts.
        var slug = response.Body.String("type") is { } type && type.StartsWith(ProblemPrefix, StringComparison.Ordinal) ? type[ProblemPrefix.Length..] : null;
        if (format == OutputFormat.Table && slug is not null && CliFixes.TryGetValue(slug, out var fix))
        {
            var problem = (JsonObject)response.Body.DeepClone();
            problem["detail"] = fix;
            return new CallResult(null, problem);
        }

        return CallResult.Failed(response);
    }

    /// <summary>
    /// Finds the connection named by <paramref name="reference"/> — its id, or its label as <c>coffer exchange list</c>
    /// shows it — and hands it to <paramref name="then"/>; the server's problem when the lookup is refused.
    /// </summary>
    public static async Task<CallResult> WithConnectionAsync(
        CofferApiClient client, string reference, OutputFormat format, Func<JsonObject, string, Task<CallResult>> then, CancellationToken cancellationToken)
    {
        if (Guid.TryParse(reference, out var id))
        {
            var one = await client.GetAsync(Connection(id.ToString()), TokenUse.Required, cancellationToken);
            return one.IsSuccess ? await then(one.Body, Id(one.Body)) : Outcome(one, format);
        }

        var list = await client.GetAsync(Connections, TokenUse.Required, cancellationToken);
        if (!list.IsSuccess)
        {
            return Outcome(list, format);
        }

        var items = list.Body.Array("items") ?? throw new CliException("The server's list of connections has no items; is COFFER_ADDR a Coffer server of this version?");
        var match = items.OfType<JsonObject>().FirstOrDefault(c => c.String("label") == reference)
            ?? throw new CliException($"You have no connection labelled '{reference}'. `coffer exchange list` shows your connections, their labels and ids.");
        return await then(match, Id(match));
    }

    private static string Id(JsonObject connection) =>
        connection.String("id") ?? throw new CliException("The server's answer has no connection id; is COFFER_ADDR a Coffer server of this version?");
}
