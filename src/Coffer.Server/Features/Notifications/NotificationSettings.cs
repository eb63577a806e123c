using System.Globalization;
using System.Text;
using Coffer.Server.Features.Notifications.Smtp;
using Coffer.Server.Hosting;

namespace Coffer.Server.Features.Notifications;

/// <summary>How Coffer talks to the SMTP server (COFFER_SMTP_TLS).</summary>
internal enum SmtpTlsMode
{
    /// <summary>Upgrade with STARTTLS (RFC 3207) whenever the server offers it; never send AUTH without TLS.</summary>
    StartTls,

    /// <summary>Refuse to send unless the server offers STARTTLS and the upgrade succeeds.</summary>
    Required,

    /// <summary>Never upgrade (a relay on loopback). AUTH is then refused, so no password crosses in clear text.</summary>
    None,
}

/// <summary>The SMTP submission server that e-mail notifications go through (COFFER_SMTP_*).</summary>
internal sealed record SmtpSettings
{
    public const int DefaultPort = 587; // message submission, RFC 6409 §3.1

    public required string Host { get; init; }

    public int Port { get; init; } = DefaultPort;

    /// <summary>The envelope sender and the From: address.</summary>
    public required string From { get; init; }

    public string? Username { get; init; }

    public string? Password { get; init; }

    public SmtpTlsMode Tls { get; init; } = SmtpTlsMode.StartTls;

    /// <summary>A PEM file of the certificate(s) to trust for STARTTLS instead of the system's roots.</summary>
    public string? CaCertificatePath { get; init; }

    /// <summary>The name Coffer gives in EHLO; by default this host's name, or its address literal.</summary>
    public string? HeloName { get; init; }

    /// <summary>
    /// How long to wait for each reply. RFC 5321 §4.5.3.2 suggests minutes per step for bulk mail; a notification is
    /// retried later anyway, so a stuck server is given up on sooner.
    /// </summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(60);

    // A record's generated ToString prints every property; the password must not reach a log that way.
    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append(CultureInfo.InvariantCulture, $"Host = {Host}, Port = {Port}, From = {From}, Username = {Username}, Password = {(Password is null ? "null" : "***")}, Tls = {Tls}");
        return true;
    }
}

/// <summary>Delivery behaviour of notifications. Tests shorten the delays; operators rarely need to.</summary>
internal sealed record NotificationSettings
{
    /// <summary>COFFER_WEBHOOKS_ALLOW_HTTP_LOOPBACK=1: webhooks may go to loopback addresses, over http too (tests, local tools).</summary>
    public bool AllowHttpLoopbackWebhooks { get; init; }

    /// <summary>Tries per delivery, the first included.</summary>
    public int MaxAttempts { get; init; } = 5;

    /// <summary>The wait after the first failed try; it doubles after each further one (with jitter), up to <see cref="RetryMaxDelay"/>.</summary>
    public TimeSpan RetryBaseDelay { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan RetryMaxDelay { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>A receiver's Retry-After is honoured up to this long.</summary>
    public TimeSpan MaxRetryAfter { get; init; } = TimeSpan.FromHours(1);

    /// <summary>How often the dispatcher looks for due deliveries it was not woken for (other nodes' and retries).</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long one webhook request may take, connect to last byte.</summary>
    public TimeSpan WebhookTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>While the vault is sealed webhooks cannot be signed; they wait this long between looks, without using up tries.</summary>
    public TimeSpan SealedDeferral { get; init; } = TimeSpan.FromSeconds(30);
}

/// <summary>Reads the notification settings from the environment; part of <see cref="SettingsResolver"/>.</summary>
internal static class NotificationSettingsResolver
{
    public static NotificationSettings Notifications(Func<string, string?> environment) => new()
    {
        AllowHttpLoopbackWebhooks = environment("COFFER_WEBHOOKS_ALLOW_HTTP_LOOPBACK") is "1" or "true",
    };

    /// <summary>Null when COFFER_SMTP_HOST is unset: e-mail channels are then refused with a problem that says so.</summary>
    public static SmtpSettings? Smtp(Func<string, string?> environment)
    {
        var host = environment("COFFER_SMTP_HOST");
        if (string.IsNullOrWhiteSpace(host))
        {
            foreach (var name in new[] { "COFFER_SMTP_PORT", "COFFER_SMTP_FROM", "COFFER_SMTP_USERNAME", "COFFER_SMTP_PASSWORD", "COFFER_SMTP_TLS", "COFFER_SMTP_CACERT" })
            {
                if (!string.IsNullOrEmpty(environment(name)))
                {
                    throw new SettingsException($"{name} is set but COFFER_SMTP_HOST is not: set the SMTP server's host name too.");
                }
            }

            return null;
        }

        var port = SmtpSettings.DefaultPort;
        if (environment("COFFER_SMTP_PORT") is { Length: > 0 } portText
            && (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out port) || port is < 1 or > 65535))
        {
            throw new SettingsException($"COFFER_SMTP_PORT must be a port number (1-65535), not '{portText}'.");
        }

        var from = environment("COFFER_SMTP_FROM");
        if (string.IsNullOrWhiteSpace(from))
        {
            throw new SettingsException("COFFER_SMTP_HOST needs COFFER_SMTP_FROM, the address notifications are sent from.");
        }

        if (!MailAddressRules.IsValid(from))
        {
            throw new SettingsException($"COFFER_SMTP_FROM must be a plain address such as coffer@example.com, not '{from}'.");
        }

        var tls = environment("COFFER_SMTP_TLS")?.Trim().ToUpperInvariant() switch
        {
            null or "" or "STARTTLS" => SmtpTlsMode.StartTls,
            "REQUIRED" => SmtpTlsMode.Required,
            "NONE" => SmtpTlsMode.None,
            var other => throw new SettingsException($"COFFER_SMTP_TLS must be starttls, required or none, not '{other.ToLowerInvariant()}'."),
        };

        var username = environment("COFFER_SMTP_USERNAME") is { Length: > 0 } u ? u : null;
        var password = environment("COFFER_SMTP_PASSWORD") is { Length: > 0 } p ? p : null;
        if ((username is null) != (password is null))
        {
            throw new SettingsException("Set both COFFER_SMTP_USERNAME and COFFER_SMTP_PASSWORD, or neither.");
        }

        if (username is not null && tls == SmtpTlsMode.None)
        {
            throw new SettingsException("COFFER_SMTP_TLS=none cannot be combined with COFFER_SMTP_USERNAME: the password would cross the network in clear text.");
        }

        var caCert = environment("COFFER_SMTP_CACERT") is { Length: > 0 } ca ? ca : null;
        if (caCert is not null && !File.Exists(caCert))
        {
            throw new SettingsException($"COFFER_SMTP_CACERT names '{caCert}', which does not exist.");
        }

        return new SmtpSettings
        {
            Host = host.Trim(),
            Port = port,
            From = from.Trim(),
            Username = username,
            Password = password,
            Tls = tls,
            CaCertificatePath = caCert,
        };
    }
}
