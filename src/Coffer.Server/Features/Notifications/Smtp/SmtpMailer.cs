using System.Globalization;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Coffer.Server.Features.Notifications.Smtp;

/// <summary>
/// A small SMTP client for one message per connection (RFC 5321), with STARTTLS (RFC 3207), AUTH PLAIN (RFC 4616) and
/// AUTH LOGIN (RFC 4954 and the de-facto LOGIN mechanism), the SIZE declaration (RFC 1870) and dot-stuffing. Commands are
/// sent one at a time (no PIPELINING); every reply is awaited with <see cref="SmtpSettings.Timeout"/>.
/// </summary>
internal sealed class SmtpMailer(SmtpSettings settings)
{
    private const int MaxLineBytes = 4096;

    /// <summary>Sends <paramref name="message"/> (CRLF lines, 7-bit, from <see cref="MailMessage"/>) to <paramref name="to"/>.</summary>
    /// <exception cref="SmtpException">The message was not accepted; <see cref="SmtpException.Transient"/> says whether to retry.</exception>
    public async Task SendAsync(string to, byte[] message, CancellationToken cancellationToken)
    {
        if (!MailAddressRules.IsValid(to))
        {
            throw new SmtpException("The recipient is not a plain e-mail address.", transient: false);
        }

        try
        {
            await using var session = await Session.ConnectAsync(settings, cancellationToken);
            await session.SendMessageAsync(to, message, cancellationToken);
        }
        catch (SocketException ex)
        {
            throw new SmtpException($"Could not reach the SMTP server ({ex.SocketErrorCode}).", transient: true, inner: ex);
        }
        catch (IOException ex)
        {
            throw new SmtpException("The connection to the SMTP server broke.", transient: true, inner: ex);
        }
        catch (AuthenticationException ex)
        {
            // A certificate the configured trust does not accept: retrying will not help until an operator acts.
            throw new SmtpException("The SMTP server's TLS certificate was not accepted.", transient: false, inner: ex);
        }
    }

    /// <summary>
    /// RFC 5321 §4.5.2: a line of the message that begins with a period gets one more, so that no line of the
    /// content can be mistaken for the end-of-data line; then CRLF . CRLF ends the data.
    /// </summary>
    internal static byte[] DotStuff(byte[] message)
    {
        using var output = new MemoryStream(message.Length + 64);
        var lineStart = true;
        foreach (var b in message)
        {
            if (lineStart && b == (byte)'.')
            {
                output.WriteByte((byte)'.');
            }

            output.WriteByte(b);
            lineStart = b == (byte)'\n';
        }

        if (!lineStart)
        {
            output.Write("\r\n"u8);
        }

        output.Write(".\r\n"u8);
        return output.ToArray();
    }

    private sealed class Session : IAsyncDisposable
    {
        private readonly SmtpSettings _settings;
        private readonly Socket _socket;
        private Stream _stream;
        private LineReader _reader;
        private bool _secure;

        private Session(SmtpSettings settings, Socket socket)
        {
            _settings = settings;
            _socket = socket;
            _stream = new NetworkStream(socket, ownsSocket: true);
            _reader = new LineReader(_stream);
        }

        public static async Task<Session> ConnectAsync(SmtpSettings settings, CancellationToken cancellationToken)
        {
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(settings.Timeout);
                try
                {
                    await socket.ConnectAsync(settings.Host, settings.Port, timeout.Token);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    throw new SmtpException("Timed out connecting to the SMTP server.", transient: true);
                }
            }
            catch
            {
                socket.Dispose();
                throw;
            }

            return new Session(settings, socket);
        }

        public async Task SendMessageAsync(string to, byte[] message, CancellationToken cancellationToken)
        {
            // RFC 5321 §3.1: 220 opens the session; 554 means "no SMTP service here".
            await ExpectAsync(await ReadReplyAsync("the greeting", cancellationToken), "greeting", 220);
            var extensions = await HelloAsync(cancellationToken);

            if (_settings.Tls != SmtpTlsMode.None && extensions.ContainsKey("STARTTLS"))
            {
                await StartTlsAsync(cancellationToken);

                // RFC 3207 §4.2: forget what was learnt before TLS (an attacker could have altered it) and ask again.
                extensions = await HelloAsync(cancellationToken);
            }
            else if (_settings.Tls == SmtpTlsMode.Required)
            {
                throw new SmtpException("The SMTP server does not offer STARTTLS, and COFFER_SMTP_TLS=required.", transient: false);
            }

            if (_settings.Username is { } username && _settings.Password is { } password)
            {
                if (!_secure)
                {
                    throw new SmtpException("Refusing to send the SMTP password without TLS: the server did not offer STARTTLS.", transient: false);
                }

                await AuthenticateAsync(extensions, username, password, cancellationToken);
            }

            // RFC 1870: declare the size up front, so a server with a limit refuses before the data is sent.
            var size = extensions.ContainsKey("SIZE") ? " SIZE=" + message.Length.ToString(CultureInfo.InvariantCulture) : string.Empty;
            await CommandAsync($"MAIL FROM:<{_settings.From}>{size}", "MAIL FROM", cancellationToken, 250);

            // 251: "user not local; will forward" is a success too (RFC 5321 §3.4).
            await CommandAsync($"RCPT TO:<{to}>", "RCPT TO", cancellationToken, 250, 251);
            await CommandAsync("DATA", "DATA", cancellationToken, 354);
            await WriteAsync(DotStuff(message), cancellationToken);
            await ExpectAsync(await ReadReplyAsync("the end of the message data", cancellationToken), "message data", 250);

            // The message is accepted; QUIT is a courtesy (RFC 5321 §4.1.1.10) and its failure changes nothing.
            try
            {
                await WriteLineAsync("QUIT", cancellationToken);
                await ReadReplyAsync("QUIT", cancellationToken);
            }
            catch (Exception ex) when (ex is SmtpException or IOException or SocketException)
            {
            }
        }

        public async ValueTask DisposeAsync() => await _stream.DisposeAsync();

        /// <summary>EHLO, falling back to HELO for a server that does not know it (RFC 5321 §3.2). Returns the extensions.</summary>
        private async Task<Dictionary<string, string>> HelloAsync(CancellationToken cancellationToken)
        {
            var name = HeloName();
            await WriteLineAsync("EHLO " + name, cancellationToken);
            var reply = await ReadReplyAsync("EHLO", cancellationToken);
            if (reply.Code is 500 or 502 && _settings.Tls != SmtpTlsMode.Required && _settings.Username is null)
            {
                await CommandAsync("HELO " + name, "HELO", cancellationToken, 250);
                return [];
            }

            await ExpectAsync(reply, "EHLO", 250);

            // RFC 5321 §4.1.1.1: the first line greets; each further line is "keyword [parameters]".
            var extensions = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var line in reply.Lines.Skip(1))
            {
                var space = line.IndexOf(' ', StringComparison.Ordinal);
                var keyword = space < 0 ? line : line[..space];
                var parameters = space < 0 ? string.Empty : line[(space + 1)..];

                // Some old servers also announce "AUTH=LOGIN PLAIN".
                if (keyword.StartsWith("AUTH=", StringComparison.OrdinalIgnoreCase))
                {
                    parameters = keyword[5..] + " " + parameters;
                    keyword = "AUTH";
                }

                extensions[keyword] = extensions.TryGetValue(keyword, out var known) ? known + " " + parameters : parameters;
            }

            return extensions;
        }

        private async Task StartTlsAsync(CancellationToken cancellationToken)
        {
            await CommandAsync("STARTTLS", "STARTTLS", cancellationToken, 220);

            // Anything the server sent after its 220 and before the handshake was not protected by TLS and would be
            // read as if it had been (the STARTTLS command injection of CVE-2011-0411, seen from the client's side).
            if (_reader.HasBufferedData)
            {
                throw new SmtpException("The SMTP server sent data before the TLS handshake; refusing to continue.", transient: false);
            }

            var tls = new SslStream(_stream, leaveInnerStreamOpen: false, Validator(_settings.CaCertificatePath));
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(_settings.Timeout);
            try
            {
                await tls.AuthenticateAsClientAsync(
                    new SslClientAuthenticationOptions
                    {
                        TargetHost = _settings.Host,
                        EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
                    },
                    timeout.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                await tls.DisposeAsync();
                throw new SmtpException("Timed out during the TLS handshake with the SMTP server.", transient: true);
            }
            catch
            {
                await tls.DisposeAsync();
                throw;
            }

            _stream = tls;
            _reader = new LineReader(tls);
            _secure = true;
        }

        private async Task AuthenticateAsync(Dictionary<string, string> extensions, string username, string password, CancellationToken cancellationToken)
        {
            var mechanisms = extensions.TryGetValue("AUTH", out var list)
                ? list.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.OrdinalIgnoreCase)
                : [];
            if (mechanisms.Contains("PLAIN"))
            {
                // RFC 4616 §2: [authzid] NUL authcid NUL passwd, UTF-8, as the initial response (RFC 4954 §4), unless
                // that would make the command line longer than RFC 4954 §4 allows (then after an empty 334).
                var credentials = Convert.ToBase64String(Encoding.UTF8.GetBytes("\0" + username + "\0" + password));
                if (credentials.Length <= 500)
                {
                    await CommandAsync("AUTH PLAIN " + credentials, "AUTH PLAIN", cancellationToken, 235);
                }
                else
                {
                    await CommandAsync("AUTH PLAIN", "AUTH PLAIN", cancellationToken, 334);
                    await CommandAsync(credentials, "AUTH PLAIN", cancellationToken, 235);
                }
            }
            else if (mechanisms.Contains("LOGIN"))
            {
                // LOGIN (draft-murchison-sasl-login): the server prompts "Username:" and "Password:" in base64 (334).
                await CommandAsync("AUTH LOGIN", "AUTH LOGIN", cancellationToken, 334);
                await CommandAsync(Convert.ToBase64String(Encoding.UTF8.GetBytes(username)), "AUTH LOGIN", cancellationToken, 334);
                await CommandAsync(Convert.ToBase64String(Encoding.UTF8.GetBytes(password)), "AUTH LOGIN", cancellationToken, 235);
            }
            else
            {
                throw new SmtpException("The SMTP server offers neither AUTH PLAIN nor AUTH LOGIN.", transient: false);
            }
        }

        private async Task CommandAsync(string command, string what, CancellationToken cancellationToken, params int[] expected)
        {
            await WriteLineAsync(command, cancellationToken);
            await ExpectAsync(await ReadReplyAsync(what, cancellationToken), what, expected);
        }

        private static Task ExpectAsync(SmtpReply reply, string what, params int[] expected)
        {
            if (expected.Contains(reply.Code))
            {
                return Task.CompletedTask;
            }

            // 4yz: try again later; 5yz (and anything unexpected): do not repeat (RFC 5321 §4.2.1).
            throw new SmtpException($"The SMTP server answered {what} with {reply.Code} {reply.Summary}", reply.IsTransient, reply.Code);
        }

        private async Task<SmtpReply> ReadReplyAsync(string what, CancellationToken cancellationToken)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(_settings.Timeout);
            try
            {
                return await SmtpReply.ReadAsync(() => _reader.ReadLineAsync(timeout.Token));
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new SmtpException($"Timed out waiting for the SMTP server's reply to {what}.", transient: true);
            }
        }

        private Task WriteLineAsync(string line, CancellationToken cancellationToken)
        {
            // Every argument is checked before it gets here; this is the last line of defence against command injection.
            if (line.AsSpan().IndexOfAny('\r', '\n') >= 0)
            {
                throw new ArgumentException("An SMTP command must not contain CR or LF.", nameof(line));
            }

            return WriteAsync(Encoding.ASCII.GetBytes(line + "\r\n"), cancellationToken);
        }

        private async Task WriteAsync(byte[] bytes, CancellationToken cancellationToken)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(_settings.Timeout);
            try
            {
                await _stream.WriteAsync(bytes, timeout.Token);
                await _stream.FlushAsync(timeout.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new SmtpException("Timed out sending to the SMTP server.", transient: true);
            }
        }

        /// <summary>RFC 5321 §4.1.1.1: a fully qualified name, or else an address literal of this end of the connection.</summary>
        private string HeloName()
        {
            if (_settings.HeloName is { } configured)
            {
                return configured;
            }

            var host = Dns.GetHostName();
            if (host.Contains('.', StringComparison.Ordinal) && MailAddressRules.IsHostName(host))
            {
                return host;
            }

            var local = (_socket.LocalEndPoint as IPEndPoint)?.Address ?? IPAddress.Loopback;
            if (local.IsIPv4MappedToIPv6)
            {
                local = local.MapToIPv4();
            }

            return local.AddressFamily == AddressFamily.InterNetworkV6 ? $"[IPv6:{local}]" : $"[{local}]";
        }

        private static RemoteCertificateValidationCallback? Validator(string? caPath)
        {
            if (caPath is null)
            {
                return null; // the system's trust store and name check
            }

            var roots = new X509Certificate2Collection();
            roots.ImportFromPemFile(caPath);
            return (_, certificate, _, errors) =>
            {
                // The name must still match; only the chain is judged against the configured roots instead.
                if (certificate is null || (errors & (SslPolicyErrors.RemoteCertificateNameMismatch | SslPolicyErrors.RemoteCertificateNotAvailable)) != 0)
                {
                    return false;
                }

                using var chain = new X509Chain();
                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.AddRange(roots);
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                using var presented = new X509Certificate2(certificate);
                return chain.Build(presented);
            };
        }
    }

    /// <summary>Reads CRLF-terminated lines (a bare LF is tolerated) and knows whether bytes are waiting unread.</summary>
    private sealed class LineReader(Stream stream)
    {
        private readonly byte[] _buffer = new byte[MaxLineBytes];
        private int _start;
        private int _end;

        public bool HasBufferedData => _end > _start;

        public async Task<string> ReadLineAsync(CancellationToken cancellationToken)
        {
            while (true)
            {
                var newline = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
                if (newline >= 0)
                {
                    var length = newline - _start;
                    if (length > 0 && _buffer[newline - 1] == (byte)'\r')
                    {
                        length--;
                    }

                    var line = Encoding.Latin1.GetString(_buffer, _start, length);
                    _start = newline + 1;
                    return line;
                }

                if (_start > 0)
                {
                    Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
                    _end -= _start;
                    _start = 0;
                }

                if (_end == _buffer.Length)
                {
                    throw new SmtpException("The SMTP server sent an overlong line.", transient: true);
                }

                var read = await stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken);
                if (read == 0)
                {
                    throw new SmtpException("The SMTP server closed the connection.", transient: true);
                }

                _end += read;
            }
        }
    }
}
