using System.CommandLine;
using System.Text;
using System.Text.Json.Nodes;
using Coffer.Cli.Client;
using Coffer.Cli.Output;

namespace Coffer.Cli.Trading;

/// <summary>
/// A CSV export from the server to a file or, with <c>-</c>, to standard output. A file is written under a temporary
/// name and renamed into place only once complete, so an interrupted export never leaves a truncated file that looks whole.
/// </summary>
internal static class CsvExport
{
    public const string Stdout = "-";

    /// <summary>
    /// Streams the CSV at the path <paramref name="resolve"/> gives (as a JSON string; it may first look up a connection,
    /// or answer with a problem) to <paramref name="target"/>; says what was written unless it went to stdout.
    /// </summary>
    public static async Task<int> RunAsync(CliContext context, ParseResult parseResult, Func<CofferApiClient, CancellationToken, Task<CallResult>> resolve, string target, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(parseResult);
        ArgumentNullException.ThrowIfNull(resolve);
        var format = context.Format.Get(parseResult);
        try
        {
            var settings = TradingApi.Settings(context, parseResult);
            if (settings.Token is null)
            {
                throw new CliException(TradingApi.MissingToken);
            }

            using var client = CofferApiClient.Create(settings, context.Handler);
            var resolved = await resolve(client, cancellationToken);
            if (resolved.Problem is { } problem)
            {
                return ErrorOutput.Problem(context.Io, format, problem);
            }

            var path = resolved.Result!.GetValue<string>();
            long rows = 0;
            var response = target == Stdout
                ? await client.GetStreamAsync(path, TradingApi.CsvMediaType, TokenUse.Required, async (body, ct) => rows = await CopyAsync(body, context.Io.Out, ct), cancellationToken)
                : await ToFileAsync(client, path, target, count => rows = count, cancellationToken);
            if (!response.IsSuccess)
            {
                return ErrorOutput.Problem(context.Io, format, TradingApi.Problem(response.Body, format));
            }

            // Standard output carries only the CSV; with a file it says what was written.
            if (target != Stdout && format == OutputFormat.Json)
            {
                JsonOutput.Write(context.Io.Out, new JsonObject { ["rows"] = rows, ["output"] = Path.GetFullPath(target) });
            }
            else if (target != Stdout)
            {
                context.Io.Out.WriteLine($"Wrote {Invariant.Number(rows)} rows (and a header) to {target}.");
            }

            return ExitCodes.Ok;
        }
        catch (CliException ex)
        {
            return ErrorOutput.Failure(context.Io, ex.Message);
        }
    }

    private static async Task<long> CopyAsync(Stream body, TextWriter writer, CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(body, Encoding.UTF8);
        long lines = 0;
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            await writer.WriteLineAsync(line);
            lines++;
        }

        await writer.FlushAsync(cancellationToken);
        return Math.Max(0, lines - 1);
    }

    private static async Task<ApiResponse> ToFileAsync(CofferApiClient client, string path, string file, Action<long> done, CancellationToken cancellationToken)
    {
        var target = Path.GetFullPath(file);
        var directory = Path.GetDirectoryName(target)!;
        if (!Directory.Exists(directory))
        {
            throw new CliException($"Cannot write {file}: the directory {directory} does not exist.");
        }

        var temporary = Path.Combine(directory, $".{Path.GetFileName(target)}.{Guid.NewGuid():N}.partial");
        try
        {
            long lines = 0;
            var response = await client.GetStreamAsync(path, TradingApi.CsvMediaType, TokenUse.Required, async (body, token) =>
            {
                await using var stream = Local(file, () => Create(temporary));
                var buffer = new byte[64 * 1024];
                int read;
                while ((read = await body.ReadAsync(buffer, token)) > 0)
                {
                    lines += buffer.AsSpan(0, read).Count((byte)'\n');
                    await LocalAsync(file, () => stream.WriteAsync(buffer.AsMemory(0, read), token).AsTask());
                }

                await LocalAsync(file, () => stream.FlushAsync(token));
            }, cancellationToken);
            if (response.IsSuccess)
            {
                Local(file, () =>
                {
                    File.Move(temporary, target, overwrite: true);
                    return 0;
                });
                done(Math.Max(0, lines - 1));
            }

            return response;
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    private static FileStream Create(string path)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            // Trades and PnL are the user's finances: not for every local account to read.
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        return new FileStream(path, options);
    }

    private static T Local<T>(string file, Func<T> operation)
    {
        try
        {
            return operation();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new CliException($"Cannot write {file}: {ex.Message}");
        }
    }

    private static async Task LocalAsync(string file, Func<Task> operation)
    {
        try
        {
            await operation();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new CliException($"Cannot write {file}: {ex.Message}");
        }
    }
}
