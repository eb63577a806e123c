using Coffer.Server.Features.Notifications;
using Coffer.Vault;
using Coffer.Vault.Pkcs11;

namespace Coffer.Server.Hosting;

/// <summary>Which database Coffer keeps its state in.</summary>
internal enum StorageProvider
{
    /// <summary>Embedded SQLite in WAL mode, one file in the data directory: one trader, one node.</summary>
    Sqlite,

    /// <summary>A shared PostgreSQL: several stateless nodes.</summary>
    Postgres,
}

/// <summary>
/// Everything a <c>coffer server</c> (and the offline commands) need to start, resolved from the command line,
/// the environment (<c>COFFER_*</c>) and configuration, in that order of precedence.
/// </summary>
internal sealed record ServerSettings
{
    public const string DefaultListen = "127.0.0.1:8443";

    /// <summary>Where the SQLite database, the TLS certificate and (dev only) the key file live.</summary>
    public required string DataDirectory { get; init; }

    /// <summary>HOST:PORT to listen on (HTTPS only).</summary>
    public string Listen { get; init; } = DefaultListen;

    /// <summary>Development mode: the file key provider, auto-init, verbose errors.</summary>
    public bool Dev { get; init; }

    public StorageProvider Storage { get; init; } = StorageProvider.Sqlite;

    /// <summary>PostgreSQL connection string (required for <see cref="StorageProvider.Postgres"/>).</summary>
    public string? PostgresConnectionString { get; init; }

    /// <summary>Apply pending schema migrations at start-up (otherwise run <c>coffer migrate</c>).</summary>
    public bool MigrateOnStart { get; init; } = true;

    public KeyProviderKind KeyProvider { get; init; } = KeyProviderKind.Shamir;

    public Pkcs11Options? Pkcs11 { get; init; }

    /// <summary>A PEM certificate to serve instead of the generated self-signed one.</summary>
    public string? TlsCertificatePath { get; init; }

    /// <summary>The PEM private key of <see cref="TlsCertificatePath"/>.</summary>
    public string? TlsKeyPath { get; init; }

    /// <summary>How long access log entries are kept.</summary>
    public TimeSpan AccessLogRetention { get; init; } = TimeSpan.FromDays(90);

    /// <summary>Rate limits per token tier and per client IP.</summary>
    public Features.Perimeter.RateLimitSettings RateLimits { get; init; } = new();

    /// <summary>Requests per token and UTC day, by tier, counted across every node (COFFER_DAILY_QUOTA_*).</summary>
    public Features.Perimeter.DailyQuotaSettings DailyQuotas { get; init; } = new();

    /// <summary>The SMTP server for e-mail notifications (COFFER_SMTP_*); null when e-mail is not configured.</summary>
    public SmtpSettings? Smtp { get; init; }

    public NotificationSettings Notifications { get; init; } = new();

    /// <summary>The anomaly detector's rules, responses and thresholds (COFFER_ANOMALY_*).</summary>
    public Features.Anomalies.AnomalySettings Anomalies { get; init; } = new();

    /// <summary>Anyone may sign up without an invitation (COFFER_OPEN_SIGNUP=1); otherwise admins invite.</summary>
    public bool OpenSignUp { get; init; }

    /// <summary>
    /// Reverse proxies whose X-Forwarded-For is believed (COFFER_TRUSTED_PROXIES, CIDR list). Empty: the header is
    /// ignored and the connection's address is the client's, so nobody can pick their own address for the throttles.
    /// </summary>
    public IReadOnlyList<System.Net.IPNetwork> TrustedProxies { get; init; } = [];

    /// <summary>Password and code attempts per client IP and minute (COFFER_SIGNIN_RATE_PER_MINUTE), as a burst then refilled.</summary>
    public int SignInAttemptsPerMinute { get; init; } = 10;

    /// <summary>
    /// Connections may name their own exchange base URL (testnets, the sandbox, proxies): COFFER_EXCHANGE_CUSTOM_URLS;
    /// on by default only in dev mode. Off, every connection talks to the exchange's production API.
    /// </summary>
    public bool AllowCustomExchangeUrls { get; init; }

    /// <summary>How often every connection's key permissions are read again (COFFER_EXCHANGE_RECHECK_MINUTES, default 6 hours).</summary>
    public TimeSpan ExchangeRecheckInterval { get; init; } = TimeSpan.FromHours(6);

    /// <summary>How often every connection is synced and the portfolio snapshotted (COFFER_PORTFOLIO_SYNC_MINUTES, default 15 minutes).</summary>
    public TimeSpan PortfolioSyncInterval { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>The public address Coffer calls exchanges from (COFFER_EGRESS_IP), shown to users to allow-list on their keys.</summary>
    public string? EgressAddress { get; init; }

    /// <summary>
    /// The WebAuthn relying party id (COFFER_PASSKEY_RP_ID): the domain passkeys are bound to, e.g. coffer.example.com.
    /// Null: the host of the first of <see cref="PasskeyOrigins"/>, or <c>localhost</c>.
    /// </summary>
    public string? PasskeyRpId { get; init; }

    /// <summary>
    /// The web origins a passkey ceremony may come from (COFFER_PASSKEY_ORIGINS, comma-separated), matched exactly
    /// against the client data's origin (W3C WebAuthn §7.1 step 9). Empty: <c>https://localhost:PORT</c> of <see cref="Listen"/>.
    /// </summary>
    public IReadOnlyList<string> PasskeyOrigins { get; init; } = [];

    /// <summary>
    /// The https origin people and OAuth clients reach Coffer at (COFFER_PUBLIC_URL), e.g. https://coffer.example.com: the
    /// OAuth issuer. Null: https://localhost:PORT of <see cref="Listen"/>.
    /// </summary>
    public string? PublicUrl { get; init; }

    public string SqlitePath => Path.Combine(DataDirectory, "coffer.db");

    public string DevKeyFilePath => Path.Combine(DataDirectory, "dev-unseal.key");

    public string GeneratedCertificatePath => Path.Combine(DataDirectory, "tls", "coffer.crt");

    public string GeneratedKeyPath => Path.Combine(DataDirectory, "tls", "coffer.key");
}
