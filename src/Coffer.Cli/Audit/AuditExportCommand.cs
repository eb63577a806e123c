using System.CommandLine;
using System.Text;
using System.Text.Json.Nodes;
using Coffer.Cli.Client;
using Coffer.Cli.Output;

namespace Coffer.Cli.Audit;

/// <summary>
/// <c>coffer audit export</c>: the audit log as JSON lines, one record per line in seq order, to standard output or to
/// a file. A file is written under a temporary name (mode 0600) and renamed into place only when the export is
/// complete, so an interrupted export never leaves a truncated file that looks whole.
/// </summary>
internal static class AuditExportCommand
{
    public static Command Create(CliContext context)
    {
        var output = new Option<string?>("--output", "-o")
        {
            Description = "Write the JSON lines to FILE (replacing it once the export is complete) instead of standard output.",
            HelpName = "FILE",
        };
        var afterSeq = new Option<long?>("--after-seq") { Description = "Only records after this seq (to continue an earlier export).", HelpName = "SEQ" };
        var since = new Option<string?>("--since") { Description = "Only records at or after this ISO 8601 time.", HelpName = "TIME" };
        var until = new Option<string?>("--until") { Description = "Only records before this ISO 8601 time.", HelpName = "TIME" };
        var action = new Option<string?>("--action") { Description = "Only this action (e.g. sys.seal), or a prefix such as sys.*.", HelpName = "ACTION" };
        var actor = new Option<string?>("--actor") { Description = "Only records of this actor (a token accessor, system or anonymous).", HelpName = "ACTOR" };
        var command = new Command("export", "Write the audit log as JSON lines (one record per line, in seq order).") { output, afterSeq, since, until, action, actor };
        command.Validators.Add(result =>
        {
            if (result.GetValue(afterSeq) is < 0 and var seq)
            {
                result.AddError($"--after-seq must be 0 or more, not {seq}.");
            }
        });

        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var query = new StringBuilder();
            Add(query, "after_seq", parseResult.GetValue(afterSeq)?.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Add(query, "since", parseResult.GetValue(since));
            Add(query, "until", parseResult.GetValue(until));
            Add(query, "action", parseResult.GetValue(action));
            Add(query, "actor", parseResult.GetValue(actor));
            var path = AuditPaths.Export + query;
            var file = parseResult.GetValue(output);
            var format = context.Format.Get(parseResult);
            try
            {
                var settings = ClientSettings.Resolve(parseResult.GetValue(context.Client.Address), parseResult.GetValue(context.Client.CaCertificate), context.Environment);
                using var client = CofferApiClient.Create(settings, context.Handler);
                long records = 0;
                var response = file is null
                    ? await client.GetStreamAsync(path, AuditPaths.NdjsonMediaType, TokenUse.Required, async (body, ct) => records = await CopyLinesAsync(body, context.Io.Out, ct), cancellationToken)
                    : await ExportToFileAsync(client, path, file, count => records = count, cancellationToken);
                if (!response.IsSuccess)
                {
                    return ErrorOutput.Problem(context.Io, format, response.Body);
                }

                // Standard output carries only the records; with --output it says what was written.
                if (file is not null && format == OutputFormat.Json)
                {
                    JsonOutput.Write(context.Io.Out, new JsonObject { ["records"] = records, ["output"] = Path.GetFullPath(file) });
                }
                else if (file is not null)
                {
                    context.Io.Out.WriteLine($"Exported {Invariant.Number(records)} audit records to {file}.");
                }

                return ExitCodes.Ok;
            }
            catch (CliException ex)
            {
                return ErrorOutput.Failure(context.Io, ex.Message);
            }
        });
        return command;
    }

    private static void Add(StringBuilder query, string name, string? value)
    {
        if (value is null)
        {
            return;
        }

        query.Append(query.Length == 0 ? '?' : '&').Append(name).Append('=').Append(Uri.EscapeDataString(value));
    }

    private static async Task<long> CopyLinesAsync(Stream body, TextWriter writer, CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(body, Encoding.UTF8);
        long lines = 0;
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            await writer.WriteLineAsync(line);
            lines++;
        }

        await writer.FlushAsync(cancellationToken);
        return lines;
    }

    private static async Task<ApiResponse> ExportToFileAsync(CofferApiClient client, string path, string file, Action<long> done, CancellationToken cancellationToken)
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
            var response = await client.GetStreamAsync(path, AuditPaths.NdjsonMediaType, TokenUse.Required, async (body, token) =>
            {
                await using var stream = Local(file, () => Create(temporary));
                var buffer = new byte[64 * 1024];
                int read;
                while ((read = await body.ReadAsync(buffer, token)) > 0)
                {
                    lines += buffer.AsSpan(0, read).Count((byte)'\n');
                    await LocalAsync(file, () => stream.WriteAsync(buffer.AsMemory(0, read), token).AsTask());
                }

                await LocalAsync(file, () =>
                {
                    stream.Flush(flushToDisk: true);
                    return Task.CompletedTask;
                });
            }, cancellationToken);
            if (response.IsSuccess)
            {
                Local(file, () =>
                {
                    File.Move(temporary, target, overwrite: true);
                    return 0;
                });
                done(lines);
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
            // Records name accessors, users and client addresses: not for every local account to read.
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        return new FileStream(path, options);
    }

    /// <summary>Runs a local file operation; its failures are about the file, not the connection, and say so.</summary>
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
