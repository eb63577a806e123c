using Coffer.Server.Features.Notifications;
using Coffer.Vault;
using Coffer.Vault.Pkcs11;

namespace Coffer.Server.Hosting;

/// <summary>
/// Resolves <see cref="ServerSettings"/>: explicit command-line values win over <c>COFFER_*</c> environment variables,
/// which win over defaults. Invalid values fail here, with the variable's name, before anything starts.
/// </summary>
internal static class SettingsResolver
{
    public static ServerSettings Resolve(string? data, string? listen, bool dev, Func<string, string?> environment)
    {
        var dataDirectory = data ?? environment("COFFER_DATA") ?? (dev ? Path.Combine(Directory.GetCurrentDirectory(), ".coffer") : DefaultDataDirectory());
        var storage = environment("COFFER_STORAGE")?.Trim().ToUpperInvariant() switch
        {
            null or "" or "SQLITE" => StorageProvider.Sqlite,
            "POSTGRES" or "POSTGRESQL" => StorageProvider.Postgres,
            var other => throw new SettingsException($"COFFER_STORAGE must be sqlite or postgres, not '{other.ToLowerInvariant()}'."),
        };
        var postgres = environment("COFFER_POSTGRES");
        if (storage == StorageProvider.Postgres && string.IsNullOrWhiteSpace(postgres))
        {
            throw new SettingsException("COFFER_STORAGE=postgres needs COFFER_POSTGRES, a PostgreSQL connection string.");
        }

        var providerName = environment("COFFER_KEY_PROVIDER");
        KeyProviderKind provider;
        if (string.IsNullOrWhiteSpace(providerName))
        {
            provider = dev ? KeyProviderKind.File : KeyProviderKind.Shamir;
        }
        else if (!Names.TryParse(providerName, out provider))
        {
            throw new SettingsException($"COFFER_KEY_PROVIDER must be shamir, pkcs11 or file, not '{providerName}'.");
        }

        if (provider == KeyProviderKind.File && !dev && environment("COFFER_ALLOW_FILE_PROVIDER") != "1")
        {
            throw new SettingsException("The file key provider keeps the unseal key beside the data and is for development only: use --dev, or set COFFER_ALLOW_FILE_PROVIDER=1 if you really mean it.");
        }

        Pkcs11Options? pkcs11 = null;
        if (provider == KeyProviderKind.Pkcs11)
        {
            pkcs11 = new Pkcs11Options(
                Required(environment, "COFFER_PKCS11_LIBRARY"),
                Required(environment, "COFFER_PKCS11_TOKEN"),
                Required(environment, "COFFER_PKCS11_PIN"),
                environment("COFFER_PKCS11_KEY_LABEL") is { Length: > 0 } label ? label : "coffer-kek");
        }

        var settings = new ServerSettings
        {
            DataDirectory = Path.GetFullPath(dataDirectory),
            Listen = listen ?? environment("COFFER_LISTEN") ?? ServerSettings.DefaultListen,
            Dev = dev,
            Storage = storage,
            PostgresConnectionString = postgres,
            MigrateOnStart = environment("COFFER_MIGRATE_ON_START") is not ("0" or "false"),
            KeyProvider = provider,
            Pkcs11 = pkcs11,
            TlsCertificatePath = environment("COFFER_TLS_CERT"),
            AccessLogRetention = RetentionDays(environment("COFFER_ACCESS_LOG_RETENTION_DAYS")),
            RateLimits = new Features.Perimeter.RateLimitSettings(
                Quota(environment, "COFFER_RATE_LIMIT_INTERACTIVE", 300),
                Quota(environment, "COFFER_RATE_LIMIT_API", 100),
                Quota(environment, "COFFER_RATE_LIMIT_ANONYMOUS", 60),
                Quota(environment, "COFFER_RATE_LIMIT_PER_IP", 2000)),
            DailyQuotas = DailyQuotas(environment),
            TlsKeyPath = environment("COFFER_TLS_KEY"),
            Smtp = NotificationSettingsResolver.Smtp(environment),
            Notifications = NotificationSettingsResolver.Notifications(environment),
            Anomalies = Features.Anomalies.AnomalySettingsResolver.Resolve(environment),
            OpenSignUp = environment("COFFER_OPEN_SIGNUP") is "1" or "true",
            TrustedProxies = TrustedProxies(environment("COFFER_TRUSTED_PROXIES")),
            SignInAttemptsPerMinute = SignInRate(environment("COFFER_SIGNIN_RATE_PER_MINUTE")),
            AllowCustomExchangeUrls = environment("COFFER_EXCHANGE_CUSTOM_URLS") switch
            {
                null => dev,
                "1" or "true" => true,
                "0" or "false" => false,
                var other => throw new SettingsException($"COFFER_EXCHANGE_CUSTOM_URLS must be true or false, not '{other}'."),
            },
            EgressAddress = EgressAddress(environment("COFFER_EGRESS_IP")),
            ExchangeRecheckInterval = RecheckInterval(environment("COFFER_EXCHANGE_RECHECK_MINUTES")),
            PortfolioSyncInterval = SyncInterval(environment("COFFER_PORTFOLIO_SYNC_MINUTES")),
            PasskeyRpId = environment("COFFER_PASSKEY_RP_ID") is { Length: > 0 } rpId ? rpId.Trim().ToLowerInvariant() : null,
            PasskeyOrigins = PasskeyOrigins(environment("COFFER_PASSKEY_ORIGINS")),
            PublicUrl = PublicUrl(environment("COFFER_PUBLIC_URL")),
        };
        _ = ListenEndpoint.Parse(settings.Listen);
        if ((settings.TlsCertificatePath is null) != (settings.TlsKeyPath is null))
        {
            throw new SettingsException("Set both COFFER_TLS_CERT and COFFER_TLS_KEY, or neither (a self-signed certificate is generated).");
        }

        _ = Features.Identity.PasskeyRelyingParty.From(settings);
        return settings;
    }

    private static List<string> PasskeyOrigins(string? value) =>
        [.. (value ?? string.Empty).Split([',', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];

    private static int Quota(Func<string, string?> environment, string name, int fallback) =>
        environment(name) is not { } value ? fallback
        : int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var quota) && quota >= 1
            ? quota
            : throw new SettingsException($"{name} must be a positive whole number of requests per 10 seconds, not '{value}'.");

    private static Features.Perimeter.DailyQuotaSettings DailyQuotas(Func<string, string?> environment)
    {
        var defaults = new Features.Perimeter.DailyQuotaSettings();
        return new Features.Perimeter.DailyQuotaSettings(
            environment("COFFER_DAILY_QUOTAS") switch
            {
                null or "1" or "true" => true,
                "0" or "false" => false,
                var other => throw new SettingsException($"COFFER_DAILY_QUOTAS must be true or false, not '{other}'."),
            },
            Whole(environment, "COFFER_DAILY_QUOTA_INTERACTIVE", defaults.Interactive, 1, int.MaxValue, "requests per token and UTC day"),
            Whole(environment, "COFFER_DAILY_QUOTA_API", defaults.Api, 1, int.MaxValue, "requests per token and UTC day"),
            Whole(environment, "COFFER_DAILY_QUOTA_LEASE", defaults.LeaseSize, 1, 10_000, "requests a node takes from the shared counter at once, from 1 to 10000"));
    }

    private static int Whole(Func<string, string?> environment, string name, int fallback, int min, int max, string what) =>
        environment(name) is not { } value ? fallback
        : int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var number) && number >= min && number <= max
            ? number
            : throw new SettingsException($"{name} must be a positive whole number of {what}, not '{value}'.");

    private static TimeSpan RecheckInterval(string? value) =>
        value is null ? TimeSpan.FromHours(6)
        : int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var minutes) && minutes is >= 1 and <= 10080
            ? TimeSpan.FromMinutes(minutes)
            : throw new SettingsException($"COFFER_EXCHANGE_RECHECK_MINUTES must be a whole number of minutes from 1 to 10080 (a week), not '{value}'.");

    private static TimeSpan SyncInterval(string? value) =>
        value is null ? TimeSpan.FromMinutes(15)
        : int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var minutes) && minutes is >= 1 and <= 1440
            ? TimeSpan.FromMinutes(minutes)
            : throw new SettingsException($"COFFER_PORTFOLIO_SYNC_MINUTES must be a whole number of minutes from 1 to 1440 (a day), not '{value}'.");

    /// <summary>An https origin (scheme, host, optional port), normalised; the OAuth issuer must name exactly one.</summary>
    private static string? PublicUrl(string? value) =>
        value is null or { Length: 0 } ? null
        : Features.Identity.PasskeyRelyingParty.Normalize(value) is { } origin ? origin
        : throw new SettingsException($"COFFER_PUBLIC_URL must be the https address Coffer is reached at, such as https://coffer.example.com (scheme, host and optional port, no path), not '{value}'.");

    private static string? EgressAddress(string? value) =>
        value is null ? null
        : System.Net.IPAddress.TryParse(value, out var address) ? address.ToString()
        : throw new SettingsException($"COFFER_EGRESS_IP must be an IP address (the one exchanges see Coffer call from), not '{value}'.");

    private static TimeSpan RetentionDays(string? value) =>
        value is null ? TimeSpan.FromDays(90)
        : int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var days) && days is >= 1 and <= 3650
            ? TimeSpan.FromDays(days)
            : throw new SettingsException($"COFFER_ACCESS_LOG_RETENTION_DAYS must be a whole number of days from 1 to 3650, not '{value}'.");

    private static List<System.Net.IPNetwork> TrustedProxies(string? value)
    {
        var list = new List<System.Net.IPNetwork>();
        foreach (var entry in (value ?? string.Empty).Split([',', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (System.Net.IPNetwork.TryParse(entry, out var network))
            {
                list.Add(network);
            }
            else if (System.Net.IPAddress.TryParse(entry, out var address))
            {
                list.Add(new System.Net.IPNetwork(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128));
            }
            else
            {
                throw new SettingsException($"COFFER_TRUSTED_PROXIES must be a comma-separated list of IP addresses or CIDR ranges such as 10.0.0.0/8, not '{entry}'.");
            }
        }

        return list;
    }

    private static int SignInRate(string? value) =>
        value is null ? 10
        : int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var rate) && rate is >= 1 and <= 10_000
            ? rate
            : throw new SettingsException($"COFFER_SIGNIN_RATE_PER_MINUTE must be a whole number from 1 to 10000, not '{value}'.");

    private static string DefaultDataDirectory() =>
        Path.Combine(
            Environment.GetEnvironmentVariable("XDG_DATA_HOME") is { Length: > 0 } xdg ? xdg : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "share"),
            "coffer");

    private static string Required(Func<string, string?> environment, string name) =>
        environment(name) is { Length: > 0 } value ? value : throw new SettingsException($"The pkcs11 key provider needs {name}.");
}

/// <summary>A configuration mistake; the message says which setting and how to fix it.</summary>
internal sealed class SettingsException(string message) : Exception(message);

/// <summary>A parsed HOST:PORT.</summary>
internal readonly record struct ListenEndpoint(System.Net.IPAddress Address, int Port)
{
    public static ListenEndpoint Parse(string value)
    {
        var colon = value.LastIndexOf(':');
        if (colon <= 0
            || !System.Net.IPAddress.TryParse(value[..colon].Trim('[', ']'), out var address)
            || !int.TryParse(value[(colon + 1)..], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var port)
            || port > 65535)
        {
            throw new SettingsException($"The listen address must be IP:PORT (for example 127.0.0.1:8443 or [::1]:8443), not '{value}'.");
        }

        return new ListenEndpoint(address, port);
    }
}
