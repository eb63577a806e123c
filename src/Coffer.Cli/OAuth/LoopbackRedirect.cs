using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Coffer.Cli.OAuth;

/// <summary>
/// The native-app redirect endpoint of RFC 8252 §7.3: a one-shot HTTP listener on the IPv4 loopback literal (never a
/// name, never all interfaces, so nothing off the machine can reach it), answering the first <c>GET /callback</c> with a
/// small page and handing its query to the caller. Anything else (a favicon request, say) gets a 404 and is ignored.
/// </summary>
internal sealed class LoopbackRedirect : IDisposable
{
    public const string CallbackPath = "/callback";

    // A request line and headers from a browser are a few hundred bytes; the code and state are far below this.
    private const int MaxRequestBytes = 16 * 1024;
    private static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(10);

    private readonly TcpListener _listener;

    private LoopbackRedirect(TcpListener listener)
    {
        _listener = listener;
        Port = ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public int Port { get; }

    /// <summary>What to register with the app (the port is not compared) and send as redirect_uri (with the port).</summary>
    public string RedirectUri => $"http://127.0.0.1:{Port}{CallbackPath}";

    /// <param name="port">0 for any free port.</param>
    public static LoopbackRedirect Start(int port)
    {
        var listener = new TcpListener(IPAddress.Loopback, port);
        try
        {
            listener.Start();
        }
        catch (SocketException ex)
        {
            listener.Dispose();
            throw new CliException($"Cannot listen on 127.0.0.1:{port} for the redirect ({ex.Message}); pick another --port, or leave it out for any free one.");
        }

        return new LoopbackRedirect(listener);
    }

    /// <summary>
    /// Waits for the redirect and returns its query parameters; <paramref name="answer"/> decides the page the browser
    /// gets from them (its title and message).
    /// </summary>
    public async Task<IReadOnlyDictionary<string, string>> WaitAsync(Func<IReadOnlyDictionary<string, string>, (bool Ok, string Message)> answer, CancellationToken cancellationToken)
    {
        while (true)
        {
            using var connection = await _listener.AcceptTcpClientAsync(cancellationToken);
            await using var stream = connection.GetStream();
            using var read = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            read.CancelAfter(ReadTimeout);
            string? target;
            try
            {
                target = await ReadTargetAsync(stream, read.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                continue;
            }
            catch (IOException)
            {
                continue;
            }

            if (target is null || !target.StartsWith(CallbackPath, StringComparison.Ordinal)
                || (target.Length > CallbackPath.Length && target[CallbackPath.Length] != '?'))
            {
                await RespondAsync(stream, 404, "Not found", "This is Coffer's OAuth login helper; it only answers /callback.", cancellationToken);
                continue;
            }

            var (query, duplicate) = Parse(target.Length > CallbackPath.Length ? target[(CallbackPath.Length + 1)..] : string.Empty);
            if (duplicate is not null)
            {
                await RespondAsync(stream, 200, "Authorization failed", "The redirect carried a parameter twice. You can close this tab.", cancellationToken);
                throw new CliException($"The redirect carried the parameter '{duplicate}' twice (RFC 6749 §3.1 forbids it); nothing was exchanged.");
            }

            var (ok, message) = answer(query);
            await RespondAsync(stream, 200, ok ? "Signed in" : "Authorization failed", message + " You can close this tab.", cancellationToken);
            return query;
        }
    }

    public void Dispose() => _listener.Dispose();

    /// <summary>The request target of a GET, or null for anything else.</summary>
    private static async Task<string?> ReadTargetAsync(NetworkStream stream, CancellationToken cancellationToken)
    {
        var buffer = new byte[MaxRequestBytes];
        var length = 0;
        while (length < buffer.Length)
        {
            var read = await stream.ReadAsync(buffer.AsMemory(length), cancellationToken);
            if (read == 0)
            {
                break;
            }

            length += read;

            // The headers end with an empty line; the request line is all that matters, but the browser is read to it.
            if (buffer.AsSpan(0, length).IndexOf("\r\n\r\n"u8) >= 0)
            {
                break;
            }
        }

        var text = Encoding.ASCII.GetString(buffer, 0, length);
        var end = text.IndexOf("\r\n", StringComparison.Ordinal);
        var parts = (end < 0 ? text : text[..end]).Split(' ');
        return parts is ["GET", var target, var version] && version.StartsWith("HTTP/1.", StringComparison.Ordinal) ? target : null;
    }

    private static (Dictionary<string, string> Values, string? Duplicate) Parse(string query)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var split = pair.Split('=', 2);
            var name = Unescape(split[0]);

            // RFC 6749 §3.1: a parameter sent twice is an error; keeping either one would be a guess.
            if (!values.TryAdd(name, Unescape(split.Length > 1 ? split[1] : string.Empty)))
            {
                return (values, name);
            }
        }

        return (values, null);
    }

    private static string Unescape(string value) => Uri.UnescapeDataString(value.Replace('+', ' '));

    private static async Task RespondAsync(NetworkStream stream, int status, string title, string message, CancellationToken cancellationToken)
    {
        var html = $"<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Coffer: {WebUtility.HtmlEncode(title)}</title></head>"
            + $"<body style=\"font-family:sans-serif;margin:3em\"><h1>{WebUtility.HtmlEncode(title)}</h1><p>{WebUtility.HtmlEncode(message)}</p></body></html>";
        var body = Encoding.UTF8.GetBytes(html);
        var head = $"HTTP/1.1 {status} {(status == 200 ? "OK" : "Not Found")}\r\n"
            + "Content-Type: text/html; charset=utf-8\r\n"
            + $"Content-Length: {body.Length}\r\n"
            + "Cache-Control: no-store\r\n"
            + "Content-Security-Policy: default-src 'none'; style-src 'unsafe-inline'\r\n"
            + "Referrer-Policy: no-referrer\r\n"
            + "X-Content-Type-Options: nosniff\r\n"
            + "Connection: close\r\n\r\n";
        try
        {
            await stream.WriteAsync(Encoding.ASCII.GetBytes(head), cancellationToken);
            await stream.WriteAsync(body, cancellationToken);
        }
        catch (IOException)
        {
            // The browser went away; the query it sent is what counts.
        }
    }
}
