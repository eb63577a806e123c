using System.Text.Json;
using Coffer.Server.Features.Notifications;
using Coffer.Server.Features.Tokens;

namespace Coffer.Server.Tests.Notifications;

/// <summary>E-mail notifications through Coffer's own SMTP client to a real SMTP server (aiosmtpd) on loopback.</summary>
public sealed class EmailDeliveryTests
{
    private const string Recipient = "trader@example.com";

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Notify_NewDeviceWithStartTls_MessageArrivesOverTlsWithHeadersAndNoTokenValue(string provider)
    {
        await using var smtp = await SmtpTestServer.StartAsync(tls: true, requireStartTls: true);
        await using var coffer = await NotificationHarness.StartAsync(provider, NotificationHarness.Smtp(smtp));
        var (channel, secret) = await coffer.CreateChannelAsync("email", Recipient, ["signin.new_device"]);
        Assert.Null(secret);

        // A careless caller passes a whole token; it must not be mailed out.
        var leaked = TokenFormat.Create("session");
        await coffer.Notifier.NotifyAsync(
            coffer.AdminUser,
            NotificationKind.SigninNewDevice,
            "New sign-in from Firefox on Linux",
            $"Someone signed in from 203.0.113.7 with session acc_4f2a (token {leaked}).\n.\nIf it was not you, freeze your account.",
            new Dictionary<string, string> { ["ip"] = "203.0.113.7", ["session"] = leaked },
            default);

        var message = await smtp.WaitForMessageAsync();
        Assert.True(message.GetProperty("tls").GetBoolean(), "The message was not sent over STARTTLS.");
        Assert.Equal(Recipient, message.GetProperty("to").GetString());
        Assert.Equal([Recipient], message.GetProperty("rcpt_tos").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("coffer@coffer.test", message.GetProperty("mail_from").GetString());
        Assert.Equal("Coffer: New sign-in from Firefox on Linux", message.GetProperty("subject").GetString());
        Assert.Equal("text/plain", message.GetProperty("content_type").GetString());
        Assert.Equal("utf-8", message.GetProperty("charset").GetString());
        var headers = message.GetProperty("headers").EnumerateArray().Select(h => h[0].GetString()!).ToHashSet(StringComparer.OrdinalIgnoreCase);
        Assert.Superset(new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "Date", "From", "To", "Subject", "Message-ID", "MIME-Version", "Content-Type", "Content-Transfer-Encoding" }, headers);

        var body = message.GetProperty("body").GetString()!;
        Assert.Contains("Someone signed in from 203.0.113.7 with session acc_4f2a", body, StringComparison.Ordinal);
        Assert.Contains("\n.\n", body.ReplaceLineEndings("\n"), StringComparison.Ordinal); // a lone dot survived dot-stuffing
        Assert.Contains("ip: 203.0.113.7", body, StringComparison.Ordinal);
        Assert.Contains("Event: signin.new_device", body, StringComparison.Ordinal);
        var raw = message.GetProperty("raw").GetString()!;
        Assert.DoesNotContain(leaked, raw, StringComparison.Ordinal);
        Assert.DoesNotContain(leaked[..24], raw.Replace("=\r\n", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Contains("[redacted]", body, StringComparison.Ordinal);

        Assert.Equal("delivered", (await coffer.WaitForCompletedDeliveryAsync(channel)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Notify_NonAsciiSubjectAndLongLines_DecodedIntactByTheServer()
    {
        await using var smtp = await SmtpTestServer.StartAsync();
        await using var coffer = await NotificationHarness.StartAsync(smtp: NotificationHarness.Smtp(smtp));
        await coffer.CreateChannelAsync("email", Recipient);
        var title = "Große Order über 10 000 € auf Kraken — bitte prüfen, ob sie von dir stammt ✓";
        var line = string.Concat(Enumerable.Repeat("Ünïcödé and = signs, trailing space ", 8)) + " ";
        var bodyText = $"{line}\n.leading dot\n..two dots\nend";

        await coffer.Notifier.NotifyAsync(coffer.AdminUser, NotificationKind.OrderLarge, title, bodyText, null, default);

        var message = await smtp.WaitForMessageAsync();
        Assert.False(message.GetProperty("tls").GetBoolean());
        Assert.Equal("Coffer: " + title, message.GetProperty("subject").GetString());
        Assert.Equal("quoted-printable", message.GetProperty("transfer_encoding").GetString());
        var body = message.GetProperty("body").GetString()!.ReplaceLineEndings("\n");
        Assert.StartsWith(bodyText + "\n", body, StringComparison.Ordinal);
        Assert.All(message.GetProperty("raw").GetString()!.Split("\r\n"), l => Assert.True(l.Length <= 998, "A line longer than RFC 5322 allows."));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Notify_AuthOverStartTls_AuthenticatesWithPlainOrLogin(bool onlyLogin)
    {
        await using var smtp = await SmtpTestServer.StartAsync(tls: true, auth: "coffer:s3cret pass", onlyLogin: onlyLogin);
        await using var coffer = await NotificationHarness.StartAsync(smtp: NotificationHarness.Smtp(smtp, username: "coffer", password: "s3cret pass"));
        await coffer.CreateChannelAsync("email", Recipient);

        await coffer.Notifier.NotifyAsync(coffer.AdminUser, NotificationKind.CredentialAdded, "Exchange key added", "A Kraken key was added.", null, default);

        var message = await smtp.WaitForMessageAsync();
        Assert.True(message.GetProperty("authenticated").GetBoolean());
        var auth = Assert.Single(smtp.Events(), e => e.GetProperty("event").GetString() == "auth");
        Assert.Equal(onlyLogin ? "LOGIN" : "PLAIN", auth.GetProperty("mechanism").GetString());
        Assert.True(auth.GetProperty("tls").GetBoolean());
    }

    [Fact]
    public async Task Notify_CredentialsButNoStartTlsOffered_RefusesToAuthAndRecordsFailure()
    {
        // The server would even take AUTH in clear text; Coffer must not offer the password.
        await using var smtp = await SmtpTestServer.StartAsync(auth: "coffer:pw", authWithoutTls: true);
        await using var coffer = await NotificationHarness.StartAsync(smtp: NotificationHarness.Smtp(smtp, username: "coffer", password: "pw"));
        var (channel, _) = await coffer.CreateChannelAsync("email", Recipient);

        await coffer.Notifier.NotifyAsync(coffer.AdminUser, NotificationKind.CredentialRemoved, "Exchange key removed", "A key was removed.", null, default);

        var delivery = await coffer.WaitForCompletedDeliveryAsync(channel);
        Assert.Equal("failed", delivery.GetProperty("status").GetString());
        Assert.Equal(1, delivery.GetProperty("attempts").GetInt32());
        Assert.Contains("without TLS", delivery.GetProperty("last_error").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain(smtp.Events(), e => e.GetProperty("event").GetString() == "auth");
        Assert.Empty(smtp.Messages());
    }

    [Fact]
    public async Task Notify_TlsRequiredButNotOffered_FailsWithoutSending()
    {
        await using var smtp = await SmtpTestServer.StartAsync();
        await using var coffer = await NotificationHarness.StartAsync(smtp: NotificationHarness.Smtp(smtp, SmtpTlsMode.Required));
        var (channel, _) = await coffer.CreateChannelAsync("email", Recipient);

        await coffer.Notifier.NotifyAsync(coffer.AdminUser, NotificationKind.AccountUnfrozen, "Account unfrozen", "Unfrozen.", null, default);

        var delivery = await coffer.WaitForCompletedDeliveryAsync(channel);
        Assert.Equal("failed", delivery.GetProperty("status").GetString());
        Assert.Contains("STARTTLS", delivery.GetProperty("last_error").GetString(), StringComparison.Ordinal);
        Assert.Empty(smtp.Events());
        Assert.Empty(smtp.Messages());
    }

    [Fact]
    public async Task Notify_RecipientTemporarilyRefused_RetriesThenRecordsFailedDelivery()
    {
        await using var smtp = await SmtpTestServer.StartAsync(temporarilyRefused: [Recipient]);
        await using var coffer = await NotificationHarness.StartAsync(smtp: NotificationHarness.Smtp(smtp));
        var (channel, _) = await coffer.CreateChannelAsync("email", Recipient);

        // Returns at once, without an exception, whatever the SMTP server will say.
        await coffer.Notifier.NotifyAsync(coffer.AdminUser, NotificationKind.TokenIpDenied, "Token used from a denied address", "acc_q from 198.51.100.4", null, default);

        var delivery = await coffer.WaitForCompletedDeliveryAsync(channel);
        Assert.Equal("failed", delivery.GetProperty("status").GetString());
        Assert.Equal(NotificationHarness.FastRetries.MaxAttempts, delivery.GetProperty("attempts").GetInt32());
        Assert.Equal(450, delivery.GetProperty("last_code").GetInt32());
        Assert.Equal(NotificationHarness.FastRetries.MaxAttempts, smtp.Events().Count(e => e.GetProperty("event").GetString() == "rcpt"));
        Assert.Empty(smtp.Messages());
    }

    [Fact]
    public async Task Notify_RecipientPermanentlyRefused_FailsWithoutRetry()
    {
        // RFC 5321 §4.2.1: a 5yz reply must not be repeated as is.
        await using var smtp = await SmtpTestServer.StartAsync(permanentlyRefused: [Recipient]);
        await using var coffer = await NotificationHarness.StartAsync(smtp: NotificationHarness.Smtp(smtp));
        var (channel, _) = await coffer.CreateChannelAsync("email", Recipient);

        await coffer.Notifier.NotifyAsync(coffer.AdminUser, NotificationKind.TokenCreated, "Token created", "acc_w", null, default);

        var delivery = await coffer.WaitForCompletedDeliveryAsync(channel);
        Assert.Equal("failed", delivery.GetProperty("status").GetString());
        Assert.Equal(1, delivery.GetProperty("attempts").GetInt32());
        Assert.Equal(550, delivery.GetProperty("last_code").GetInt32());
        Assert.Single(smtp.Events(), e => e.GetProperty("event").GetString() == "rcpt");
    }

    [Fact]
    public async Task Notify_SmtpServerDown_RetriesThenRecordsFailedDelivery()
    {
        int port;
        using (var probe = new ConnectionCounter())
        {
            port = probe.Port; // a loopback port that was free a moment ago, now closed again
        }

        var settings = new SmtpSettings { Host = "127.0.0.1", Port = port, From = "coffer@coffer.test", Timeout = TimeSpan.FromSeconds(5) };
        await using var coffer = await NotificationHarness.StartAsync(smtp: settings);
        var (channel, _) = await coffer.CreateChannelAsync("email", Recipient);

        await coffer.Notifier.NotifyAsync(coffer.AdminUser, NotificationKind.SigninSecondFactorFailed, "Second factor failed", "Password right, code wrong.", null, default);

        var delivery = await coffer.WaitForCompletedDeliveryAsync(channel);
        Assert.Equal("failed", delivery.GetProperty("status").GetString());
        Assert.Equal(NotificationHarness.FastRetries.MaxAttempts, delivery.GetProperty("attempts").GetInt32());
        Assert.Contains("Could not reach", delivery.GetProperty("last_error").GetString(), StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Null, delivery.GetProperty("last_code").ValueKind);
    }

    [Fact]
    public async Task Notify_InAppRowWrittenEvenWhenEveryChannelFails()
    {
        var settings = new SmtpSettings { Host = "127.0.0.1", Port = 1, From = "coffer@coffer.test", Timeout = TimeSpan.FromSeconds(2) };
        await using var coffer = await NotificationHarness.StartAsync(smtp: settings);
        await coffer.CreateChannelAsync("email", Recipient);

        await coffer.Notifier.NotifyAsync(coffer.AdminUser, NotificationKind.AccountFrozen, "Account frozen", "Frozen from your phone.", null, default);

        var page = await coffer.JsonAsync(HttpMethod.Get, "/api/v1/notifications");
        var item = Assert.Single(page.GetProperty("items").EnumerateArray());
        Assert.Equal("account.frozen", item.GetProperty("kind").GetString());
    }
}
