using System.Net;
using System.Net.Http.Headers;
using Coffer.Server.Features.Notifications;
using Coffer.Server.Features.Notifications.Webhooks;
using Coffer.Server.Features.Tokens;
using Coffer.Server.Hosting;

namespace Coffer.Server.Tests.Notifications;

public sealed class NotificationUnitTests
{
    [Fact]
    public void Kinds_StableNames_RoundTrip()
    {
        Assert.Equal(
            ["signin.new_device", "signin.second_factor_failed", "token.created", "token.revoked", "token.ip_denied", "account.frozen", "account.unfrozen", "sys.sealed", "credential.added", "credential.removed", "exchange.permissions_changed", "order.large", "security.anomaly", "channel.test"],
            NotificationKinds.All);
        Assert.All(Enum.GetValues<NotificationKind>(), k => Assert.True(NotificationKinds.TryParse(k.Name(), out var back) && back == k));
        Assert.False(NotificationKinds.TryParse("SigninNewDevice", out _));
    }

    [Theory]
    [InlineData(1, 1000)]
    [InlineData(2, 2000)]
    [InlineData(3, 4000)]
    [InlineData(4, 8000)]
    [InlineData(10, 60000)]
    public void Delay_ExponentialWithJitter_WithinTwentyPercentAndCapped(int failures, int expectedMs)
    {
        var low = RetryPolicy.Delay(failures, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1), null, TimeSpan.FromHours(1), 0);
        var high = RetryPolicy.Delay(failures, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1), null, TimeSpan.FromHours(1), 0.999999);

        Assert.InRange(low.TotalMilliseconds, expectedMs * 0.8 - 1, expectedMs * 0.8 + 1);
        Assert.InRange(high.TotalMilliseconds, Math.Min(expectedMs * 0.8, 60000) - 1, Math.Min(expectedMs * 1.2, 60000) + 1);
    }

    [Fact]
    public void Delay_RetryAfter_IsAFloorUpToTheMaximum()
    {
        var honoured = RetryPolicy.Delay(1, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(90), TimeSpan.FromHours(1), 0.5);
        var capped = RetryPolicy.Delay(1, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1), TimeSpan.FromDays(3), TimeSpan.FromHours(1), 0.5);
        var shorter = RetryPolicy.Delay(4, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(1), TimeSpan.FromHours(1), 0.5);

        Assert.Equal(TimeSpan.FromSeconds(90), honoured);
        Assert.Equal(TimeSpan.FromHours(1), capped);
        Assert.Equal(TimeSpan.FromSeconds(8), shorter);
    }

    [Fact]
    public void RetryAfter_DeltaAndHttpDate_Parsed()
    {
        var now = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

        Assert.Equal(TimeSpan.FromSeconds(30), RetryPolicy.RetryAfter(RetryConditionHeaderValue.Parse("30"), now));
        Assert.Equal(TimeSpan.FromMinutes(2), RetryPolicy.RetryAfter(RetryConditionHeaderValue.Parse("Wed, 01 Jan 2025 00:02:00 GMT"), now));
        Assert.Equal(TimeSpan.Zero, RetryPolicy.RetryAfter(RetryConditionHeaderValue.Parse("Tue, 31 Dec 2024 00:00:00 GMT"), now));
        Assert.Null(RetryPolicy.RetryAfter(null, now));
    }

    [Theory]
    [InlineData(200, "Delivered")]
    [InlineData(204, "Delivered")]
    [InlineData(301, "Failed")]
    [InlineData(400, "Failed")]
    [InlineData(401, "Failed")]
    [InlineData(404, "Failed")]
    [InlineData(408, "Retry")]
    [InlineData(429, "Retry")]
    [InlineData(500, "Retry")]
    [InlineData(503, "Retry")]
    public void Classify_Status_RetryOnlyTransient(int status, string expected)
    {
        using var response = new HttpResponseMessage((HttpStatusCode)status);

        Assert.Equal(expected, WebhookSender.Classify(response, DateTimeOffset.UtcNow).Kind.ToString());
    }

    [Theory]
    [InlineData("8.8.8.8", true)]
    [InlineData("93.184.215.14", true)]
    [InlineData("2606:4700::1111", true)]
    [InlineData("127.0.0.1", false)]
    [InlineData("127.8.9.10", false)]
    [InlineData("10.0.0.1", false)]
    [InlineData("172.16.0.1", false)]
    [InlineData("172.31.255.255", false)]
    [InlineData("172.32.0.1", true)]
    [InlineData("192.168.1.1", false)]
    [InlineData("169.254.169.254", false)]
    [InlineData("100.64.0.1", false)]
    [InlineData("100.128.0.1", true)]
    [InlineData("0.0.0.0", false)]
    [InlineData("224.0.0.1", false)]
    [InlineData("255.255.255.255", false)]
    [InlineData("198.18.0.1", false)]
    [InlineData("::1", false)]
    [InlineData("::", false)]
    [InlineData("::ffff:10.0.0.1", false)]
    [InlineData("::ffff:8.8.8.8", true)]
    [InlineData("fd12:3456::1", false)]
    [InlineData("fe80::1", false)]
    [InlineData("ff02::1", false)]
    [InlineData("2001:db8::1", false)]
    [InlineData("2002:0a00:0001::1", false)]
    [InlineData("64:ff9b::a00:1", false)]
    public void IsPublic_Addresses(string address, bool expected) => Assert.Equal(expected, WebhookAddressPolicy.IsPublic(IPAddress.Parse(address)));

    [Fact]
    public void IsAllowed_Loopback_OnlyWithPermissionAndThenOverHttpToo()
    {
        var strict = new WebhookAddressPolicy(allowLoopback: false);
        var loose = new WebhookAddressPolicy(allowLoopback: true);

        Assert.False(strict.IsAllowed(IPAddress.Loopback, "https"));
        Assert.False(strict.IsAllowed(IPAddress.IPv6Loopback, "https"));
        Assert.True(loose.IsAllowed(IPAddress.Loopback, "http"));
        Assert.True(loose.IsAllowed(IPAddress.Parse("::ffff:127.0.0.1"), "http"));
        Assert.False(loose.IsAllowed(IPAddress.Parse("10.0.0.1"), "https"));
        Assert.False(loose.IsAllowed(IPAddress.Parse("8.8.8.8"), "http"));
        Assert.True(strict.IsAllowed(IPAddress.Parse("8.8.8.8"), "https"));
    }

    [Fact]
    public void Redact_TokenSharesAndWebhookSecrets_Replaced()
    {
        var token = TokenFormat.Create("api");
        var text = $"token {token}, share cofs1_AbCdEfGhIjKlMnOpQrStUv, secret cofwh_AbCdEfGhIjKlMnOpQrStUv-_x, accessor acc_7Hx2";

        var redacted = NotificationText.Redact(text);

        Assert.DoesNotContain(token, redacted, StringComparison.Ordinal);
        Assert.DoesNotContain("cofs1_AbCd", redacted, StringComparison.Ordinal);
        Assert.DoesNotContain("cofwh_AbCd", redacted, StringComparison.Ordinal);
        Assert.Contains("accessor acc_7Hx2", redacted, StringComparison.Ordinal);
        Assert.Equal(3, redacted.Split("[redacted]").Length - 1);
    }

    [Fact]
    public void TitleAndDetails_ControlCharactersAndSizes_Tamed()
    {
        Assert.Equal("one two", NotificationText.Title("one\r\ntwo".Replace("\r\n", "\n", StringComparison.Ordinal)));
        Assert.Equal(NotificationText.MaxTitle, NotificationText.Title(new string('x', 1000)).Length);
        var many = Enumerable.Range(0, 100).ToDictionary(i => $"k{i:D3}", i => new string('v', 2000));
        var details = NotificationText.ParseDetails(NotificationText.Details(many));
        Assert.Equal(NotificationText.MaxDetails, details.Count);
        Assert.All(details.Values, v => Assert.Equal(NotificationText.MaxDetailValue, v.Length));
    }

    [Fact]
    public void Resolve_SmtpEnvironment_Parsed()
    {
        var settings = Resolve(new()
        {
            ["COFFER_SMTP_HOST"] = "smtp.example.com",
            ["COFFER_SMTP_PORT"] = "2525",
            ["COFFER_SMTP_FROM"] = "coffer@example.com",
            ["COFFER_SMTP_USERNAME"] = "coffer",
            ["COFFER_SMTP_PASSWORD"] = "hunter2",
            ["COFFER_SMTP_TLS"] = "required",
            ["COFFER_WEBHOOKS_ALLOW_HTTP_LOOPBACK"] = "1",
        });

        Assert.Equal(("smtp.example.com", 2525, "coffer@example.com", "coffer", SmtpTlsMode.Required), (settings.Smtp!.Host, settings.Smtp.Port, settings.Smtp.From, settings.Smtp.Username, settings.Smtp.Tls));
        Assert.True(settings.Notifications.AllowHttpLoopbackWebhooks);
        Assert.DoesNotContain("hunter2", settings.Smtp.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", settings.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_NoSmtpHost_EmailOffAndDefaults()
    {
        var settings = Resolve([]);

        Assert.Null(settings.Smtp);
        Assert.False(settings.Notifications.AllowHttpLoopbackWebhooks);
        Assert.Equal(SmtpSettings.DefaultPort, Resolve(new() { ["COFFER_SMTP_HOST"] = "h", ["COFFER_SMTP_FROM"] = "a@b.c" }).Smtp!.Port);
        Assert.Equal(SmtpTlsMode.StartTls, Resolve(new() { ["COFFER_SMTP_HOST"] = "h", ["COFFER_SMTP_FROM"] = "a@b.c" }).Smtp!.Tls);
    }

    public static TheoryData<Dictionary<string, string>, string> BadSmtp => new()
    {
        { new() { ["COFFER_SMTP_FROM"] = "a@b.c" }, "COFFER_SMTP_HOST" },
        { new() { ["COFFER_SMTP_HOST"] = "h" }, "COFFER_SMTP_FROM" },
        { new() { ["COFFER_SMTP_HOST"] = "h", ["COFFER_SMTP_FROM"] = "Coffer <a@b.c>" }, "COFFER_SMTP_FROM" },
        { new() { ["COFFER_SMTP_HOST"] = "h", ["COFFER_SMTP_FROM"] = "a@b.c", ["COFFER_SMTP_PORT"] = "70000" }, "COFFER_SMTP_PORT" },
        { new() { ["COFFER_SMTP_HOST"] = "h", ["COFFER_SMTP_FROM"] = "a@b.c", ["COFFER_SMTP_TLS"] = "ssl" }, "COFFER_SMTP_TLS" },
        { new() { ["COFFER_SMTP_HOST"] = "h", ["COFFER_SMTP_FROM"] = "a@b.c", ["COFFER_SMTP_USERNAME"] = "u" }, "COFFER_SMTP_PASSWORD" },
        { new() { ["COFFER_SMTP_HOST"] = "h", ["COFFER_SMTP_FROM"] = "a@b.c", ["COFFER_SMTP_USERNAME"] = "u", ["COFFER_SMTP_PASSWORD"] = "p", ["COFFER_SMTP_TLS"] = "none" }, "clear text" },
        { new() { ["COFFER_SMTP_HOST"] = "h", ["COFFER_SMTP_FROM"] = "a@b.c", ["COFFER_SMTP_CACERT"] = "/nonexistent/ca.pem" }, "COFFER_SMTP_CACERT" },
    };

    [Theory]
    [MemberData(nameof(BadSmtp))]
    public void Resolve_BadSmtpEnvironment_SettingsErrorNamesTheVariable(Dictionary<string, string> environment, string mentioned)
    {
        var error = Assert.Throws<SettingsException>(() => Resolve(environment));

        Assert.Contains(mentioned, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Takes_KindFilter_AllKindsExceptTestOrNamedOnes()
    {
        var all = new NotificationChannelRow { Type = "webhook", Target = "x", Kinds = string.Empty };
        var some = new NotificationChannelRow { Type = "webhook", Target = "x", Kinds = "token.created account.frozen" };

        Assert.True(Notifier.Takes(all, "order.large"));
        Assert.False(Notifier.Takes(all, "channel.test"));
        Assert.True(Notifier.Takes(some, "account.frozen"));
        Assert.False(Notifier.Takes(some, "token.revoked"));
    }

    private static ServerSettings Resolve(Dictionary<string, string> environment) =>
        SettingsResolver.Resolve(Path.GetTempPath(), null, dev: false, name => environment.TryGetValue(name, out var value) ? value : null);
}
