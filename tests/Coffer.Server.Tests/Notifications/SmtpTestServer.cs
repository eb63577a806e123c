using System.Diagnostics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;

namespace Coffer.Server.Tests.Notifications;

/// <summary>
/// A real SMTP server on loopback: Debian's python3-aiosmtpd (installed by .ci/run) with a small handler that saves
/// every accepted message, parsed by Python's own e-mail package (an independent MIME decoder), as JSON in a directory,
/// and logs RCPT and AUTH attempts. Optionally offers STARTTLS with a generated certificate, requires it, offers AUTH,
/// and answers chosen recipients with a temporary (450) or permanent (550) refusal.
/// </summary>
internal sealed class SmtpTestServer : IAsyncDisposable
{
    private const string Script = """
        import argparse, asyncio, email, email.policy, json, os, socket, ssl, sys, threading
        from aiosmtpd.smtp import SMTP, AuthResult

        p = argparse.ArgumentParser()
        p.add_argument("--dir", required=True)
        p.add_argument("--cert"); p.add_argument("--key")
        p.add_argument("--require-starttls", action="store_true")
        p.add_argument("--auth")                       # user:password; offers AUTH
        p.add_argument("--auth-without-tls", action="store_true")
        p.add_argument("--only-login", action="store_true")
        p.add_argument("--temp-reject", action="append", default=[])
        p.add_argument("--perm-reject", action="append", default=[])
        a = p.parse_args()
        lock = threading.Lock()
        counter = [0]

        def event(kind, **data):
            with lock:
                with open(os.path.join(a.dir, "events.jsonl"), "a") as f:
                    f.write(json.dumps(dict(event=kind, **data)) + "\n")

        class Handler:
            async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
                event("rcpt", address=address, tls=session.ssl is not None)
                if address in a.temp_reject:
                    return "450 4.2.1 Mailbox busy, try again later"
                if address in a.perm_reject:
                    return "550 5.1.1 No such user here"
                envelope.rcpt_tos.append(address)
                return "250 OK"

            async def handle_DATA(self, server, session, envelope):
                raw = envelope.original_content
                msg = email.message_from_bytes(raw, policy=email.policy.default)
                with lock:
                    counter[0] += 1
                    n = counter[0]
                record = dict(
                    mail_from=envelope.mail_from, rcpt_tos=envelope.rcpt_tos, tls=session.ssl is not None,
                    authenticated=bool(session.authenticated),
                    headers=[[k, str(v)] for k, v in msg.items()],
                    subject=str(msg["subject"]), to=str(msg["to"]), sender=str(msg["from"]),
                    content_type=msg.get_content_type(), charset=msg.get_content_charset(),
                    transfer_encoding=str(msg["content-transfer-encoding"]),
                    body=msg.get_content(), raw=raw.decode("ascii", "replace"))
                tmp = os.path.join(a.dir, "%04d.tmp" % n)
                with open(tmp, "w") as f:
                    json.dump(record, f)
                os.replace(tmp, os.path.join(a.dir, "%04d.json" % n))
                return "250 OK queued"

        def authenticator(server, session, envelope, mechanism, auth_data):
            login = auth_data.login.decode(); password = auth_data.password.decode()
            event("auth", mechanism=mechanism, login=login, tls=session.ssl is not None)
            user, _, secret = a.auth.partition(":")
            return AuthResult(success=(login == user and password == secret))

        context = None
        if a.cert:
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            context.load_cert_chain(a.cert, a.key)

        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind(("127.0.0.1", 0)); sock.listen(16)
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)

        def factory():
            return SMTP(Handler(), hostname="smtp.test", tls_context=context, require_starttls=a.require_starttls,
                        authenticator=authenticator if a.auth else None,
                        auth_require_tls=not a.auth_without_tls,
                        auth_exclude_mechanism=["PLAIN"] if a.only_login else None, loop=loop)

        server = loop.run_until_complete(loop.create_server(factory, sock=sock))
        print("READY %d" % sock.getsockname()[1], flush=True)
        # The test holds our stdin: when it closes it (or dies), stop.
        threading.Thread(target=lambda: (sys.stdin.read(), loop.call_soon_threadsafe(loop.stop)), daemon=True).start()
        loop.run_forever()
        """;

    private readonly Process _process;
    private readonly string _directory;

    private SmtpTestServer(Process process, string directory, int port, string? caPath)
    {
        _process = process;
        _directory = directory;
        Port = port;
        CaCertificatePath = caPath;
    }

    public int Port { get; }

    /// <summary>The PEM certificate the server presents for STARTTLS (null without TLS): what COFFER_SMTP_CACERT trusts.</summary>
    public string? CaCertificatePath { get; }

    /// <summary>Debian's interpreter, which has python3-aiosmtpd; COFFER_TEST_PYTHON overrides.</summary>
    public static string Python => Environment.GetEnvironmentVariable("COFFER_TEST_PYTHON") is { Length: > 0 } python
        ? python
        : File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";

    public static async Task<SmtpTestServer> StartAsync(
        bool tls = false, bool requireStartTls = false, string? auth = null, bool authWithoutTls = false, bool onlyLogin = false,
        IEnumerable<string>? temporarilyRefused = null, IEnumerable<string>? permanentlyRefused = null)
    {
        var directory = Directory.CreateTempSubdirectory("coffer-smtp-").FullName;
        var script = Path.Combine(directory, "smtp_sink.py");
        await File.WriteAllTextAsync(script, Script);
        var messages = Path.Combine(directory, "messages");
        Directory.CreateDirectory(messages);

        var start = new ProcessStartInfo(Python)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(script);
        start.ArgumentList.Add("--dir");
        start.ArgumentList.Add(messages);
        string? caPath = null;
        if (tls)
        {
            (caPath, var keyPath) = WriteCertificate(directory);
            start.ArgumentList.Add("--cert");
            start.ArgumentList.Add(caPath);
            start.ArgumentList.Add("--key");
            start.ArgumentList.Add(keyPath);
        }

        if (requireStartTls)
        {
            start.ArgumentList.Add("--require-starttls");
        }

        if (auth is not null)
        {
            start.ArgumentList.Add("--auth");
            start.ArgumentList.Add(auth);
        }

        if (authWithoutTls)
        {
            start.ArgumentList.Add("--auth-without-tls");
        }

        if (onlyLogin)
        {
            start.ArgumentList.Add("--only-login");
        }

        foreach (var address in temporarilyRefused ?? [])
        {
            start.ArgumentList.Add("--temp-reject");
            start.ArgumentList.Add(address);
        }

        foreach (var address in permanentlyRefused ?? [])
        {
            start.ArgumentList.Add("--perm-reject");
            start.ArgumentList.Add(address);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start " + Python);
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        string? line;
        try
        {
            line = await process.StandardOutput.ReadLineAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            line = null;
        }

        if (line is null || !line.StartsWith("READY ", StringComparison.Ordinal))
        {
            process.Kill();
            await process.WaitForExitAsync();
            throw new InvalidOperationException(
                $"The aiosmtpd test server did not start (is python3-aiosmtpd installed for {Python}? .ci/run installs it): {await errors}");
        }

        return new SmtpTestServer(process, messages, int.Parse(line[6..], System.Globalization.CultureInfo.InvariantCulture), caPath);
    }

    /// <summary>The messages accepted so far, in order.</summary>
    public IReadOnlyList<JsonElement> Messages() =>
        [.. Directory.GetFiles(_directory, "*.json").Order(StringComparer.Ordinal).Select(f => JsonSerializer.Deserialize<JsonElement>(File.ReadAllText(f)))];

    /// <summary>RCPT and AUTH attempts, in order.</summary>
    public IReadOnlyList<JsonElement> Events()
    {
        var path = Path.Combine(_directory, "events.jsonl");
        return File.Exists(path)
            ? [.. File.ReadAllLines(path).Where(l => l.Length > 0).Select(l => JsonSerializer.Deserialize<JsonElement>(l))]
            : [];
    }

    public async Task<JsonElement> WaitForMessageAsync(int count = 1)
    {
        await Eventually.TrueAsync(() => Task.FromResult(Messages().Count >= count), "the SMTP server to receive the message");
        return Messages()[count - 1];
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.StandardInput.Close();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try
            {
                await _process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill();
                await _process.WaitForExitAsync();
            }
        }

        _process.Dispose();
        Directory.Delete(Path.GetDirectoryName(_directory)!, recursive: true);
    }

    /// <summary>A self-signed certificate for 127.0.0.1 and localhost, as PEM files the Python server can load.</summary>
    private static (string CertPath, string KeyPath) WriteCertificate(string directory)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=smtp.test", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(System.Net.IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        var certPath = Path.Combine(directory, "smtp.crt");
        var keyPath = Path.Combine(directory, "smtp.key");
        File.WriteAllText(certPath, certificate.ExportCertificatePem());
        File.WriteAllText(keyPath, key.ExportPkcs8PrivateKeyPem());
        return (certPath, keyPath);
    }
}
