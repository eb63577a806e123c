using System.Net.Mime;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Coffer.Cli.Client;
using Coffer.Cli.Exchange;
using Coffer.Cli.Output;
using Coffer.Cli.Trading;
using Spectre.Console;

namespace Coffer.Cli.Portfolio;

/// <summary>
/// <c>POST /api/v1/portfolio/refresh</c> with <c>Accept: application/x-ndjson</c>: the server streams one line per
/// connection as its sync finishes (<c>{"connection":{...}}</c>) and then the whole result (<c>{"result":{...}}</c>).
/// Each line is shown as it arrives, on stderr, so that stdout carries only the command's result.
/// </summary>
internal static class RefreshProgress
{
    // Every connection is synced within its request budget, in parallel; a slow exchange can take minutes.
    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(10);

    /// <summary>Syncs every connection now; null when done, else the problem that stopped it.</summary>
    public static async Task<JsonObject?> RunAsync(CliContext context, ClientSettings settings, CofferApiClient client, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var console = context.Io.ErrorConsole;

        // How many there are, for "2 of 3"; a token without exchanges:read syncs all the same, without the count.
        var connections = await client.GetAsync(ExchangeApi.Connections, TokenUse.Required, cancellationToken);
        var total = connections.IsSuccess ? connections.Body.Array("items")?.Count : null;
        var start = total switch
        {
            0 => "No connections to sync.",
            1 => "Syncing 1 connection…",
            { } n => $"Syncing {TradingApi.Invariant(n)} connections…",
            null => "Syncing your connections…",
        };

        using var raw = RawApiClient.Create(settings, context.Handler);
        var done = 0;
        Task<RawResponse<JsonObject>> Stream(Action<string> status) => raw.SendAsync(
            HttpMethod.Post,
            TradingApi.Portfolio + "/refresh",
            body: null,
            new Dictionary<string, string>(StringComparer.Ordinal),
            TradingApi.NdJsonMediaType,
            Deadline,
            (response, ct) => ReadAsync(response, line =>
            {
                done++;
                var progress = total is { } n ? $"[{TradingApi.Invariant(done)}/{TradingApi.Invariant(n)}] " : string.Empty;
                console.MarkupLine(Markup.Escape(progress + Describe(line)));
                status(total is { } all && done < all ? $"Syncing… {TradingApi.Invariant(done)} of {TradingApi.Invariant(all)} done" : "Valuing the portfolio…");
            }, ct),
            cancellationToken);

        console.WriteLine(start);
        RawResponse<JsonObject> result;
        if (console.Profile.Capabilities.Interactive)
        {
            result = await console.Status().StartAsync(start, ctx => Stream(text => ctx.Status(Markup.Escape(text))));
        }
        else
        {
            result = await Stream(_ => { });
        }

        if (result.Problem is { } problem)
        {
            return problem;
        }

        var complete = result.Result?.Bool("complete");
        console.MarkupLine(complete == false
            ? "[yellow]Synced, but not everything could be fetched: see the coverage below.[/]"
            : "Synced.");
        return null;
    }

    /// <summary>One connection's sync result (<c>SyncResultView</c>): "binance done (complete)", "kraken done (failed: reason)".</summary>
    public static string Describe(JsonObject connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var name = connection.String("label") is { } label && label != connection.String("exchange") ? $"{label} ({connection.String("exchange")})" : connection.String("label") ?? connection.String("exchange") ?? "?";
        var status = connection.String("status") ?? "?";
        var missing = connection.Array("parts")?.OfType<JsonObject>().Where(p => p.Bool("ok") == false).Select(PortfolioText.Part).ToList() ?? [];
        return missing.Count == 0 ? $"{name} done ({status})" : $"{name} done ({status}: {string.Join("; ", missing)})";
    }

    /// <summary>Reads the NDJSON lines, reporting each connection; returns the final result (or, from a server that did not stream, the whole answer).</summary>
    private static async Task<JsonObject> ReadAsync(HttpResponseMessage response, Action<JsonObject> onConnection, CancellationToken cancellationToken)
    {
        if (!string.Equals(response.Content.Headers.ContentType?.MediaType, TradingApi.NdJsonMediaType, StringComparison.OrdinalIgnoreCase))
        {
            // One JSON answer with every connection ({connections, complete}).
            var whole = await RawApiClient.ReadObjectAsync(response, cancellationToken);
            foreach (var connection in whole.Array("connections")?.OfType<JsonObject>() ?? [])
            {
                onConnection(connection);
            }

            return whole;
        }

        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        using var reader = new StreamReader(body, Encoding.UTF8);
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            JsonObject? json;
            try
            {
                json = JsonNode.Parse(line) as JsonObject;
            }
            catch (JsonException)
            {
                json = null;
            }

            if (json?.Object("connection") is { } connection)
            {
                onConnection(connection);
            }
            else if (json?.Object("result") is { } result)
            {
                return result;
            }
            else
            {
                throw new CliException($"The server's refresh stream has a line that is neither a connection nor the result; is COFFER_ADDR a Coffer server of this version? ({MediaTypeNames.Application.Json} lines expected)");
            }
        }

        throw new CliException("The refresh stream ended before its result: the sync may have been interrupted. Run `coffer portfolio --refresh` again.");
    }
}
