using System.Globalization;
using Coffer.Server.Hosting;

namespace Coffer.Server.Features.Anomalies;

/// <summary>What the server does when an anomaly rule fires, on top of the audit record and the notification.</summary>
internal enum AnomalyResponse
{
    /// <summary>The rule is not evaluated at all.</summary>
    Off,

    /// <summary>An audit record and a notification: someone decides.</summary>
    Notify,

    /// <summary>Also freezes the affected user (every token revoked, sign-in refused), as the user's own freeze does.</summary>
    Freeze,

    /// <summary>Also seals the whole server, as <c>POST /api/v1/sys/seal</c> does, on every node.</summary>
    Seal,
}

/// <summary>
/// The anomaly detector's rules, each with its response and thresholds (COFFER_ANOMALY_*). The defaults are meant for
/// real traffic: notify only, a day and 50 requests of learning, more than 20 failures in 10 minutes, and more than
/// 120 requests a minute on one route that is also ten times the token's own average.
/// </summary>
internal sealed record AnomalySettings
{
    /// <summary>COFFER_ANOMALY_NEW_IP_RANGE: a token with a baseline used from a client IP range it never used.</summary>
    public AnomalyResponse NewIpRange { get; init; } = AnomalyResponse.Notify;

    /// <summary>COFFER_ANOMALY_AUTH_FAILURES: a burst of failed authentications against one account or from one address.</summary>
    public AnomalyResponse AuthFailures { get; init; } = AnomalyResponse.Notify;

    /// <summary>COFFER_ANOMALY_RATE_SPIKE: a token's rate on one route far above its own average.</summary>
    public AnomalyResponse RateSpike { get; init; } = AnomalyResponse.Notify;

    /// <summary>
    /// COFFER_ANOMALY_LEARNING_REQUESTS: requests a node must see with a token before that token's baseline counts
    /// (together with <see cref="LearningPeriod"/>). Until then its addresses are learned, not flagged.
    /// </summary>
    public int LearningRequests { get; init; } = 50;

    /// <summary>COFFER_ANOMALY_LEARNING_MINUTES: how long after a token was first seen its addresses are only learned.</summary>
    public TimeSpan LearningPeriod { get; init; } = TimeSpan.FromDays(1);

    /// <summary>COFFER_ANOMALY_AUTH_FAILURES_MAX: more failures than this within <see cref="AuthFailureWindow"/> fire the rule.</summary>
    public int AuthFailureThreshold { get; init; } = 20;

    /// <summary>COFFER_ANOMALY_AUTH_FAILURES_WINDOW_MINUTES.</summary>
    public TimeSpan AuthFailureWindow { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>COFFER_ANOMALY_RATE_WINDOW_SECONDS: the window a token's requests per route are counted in.</summary>
    public TimeSpan RateWindow { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>COFFER_ANOMALY_RATE_FACTOR: how many times its moving average a window's count must exceed.</summary>
    public double RateFactor { get; init; } = 10;

    /// <summary>COFFER_ANOMALY_RATE_FLOOR: a window's count must also exceed this, so idle tokens do not trip on a handful.</summary>
    public int RateFloor { get; init; } = 120;

    /// <summary>COFFER_ANOMALY_COOLDOWN_MINUTES: the same rule fires for the same subject at most once in this period.</summary>
    public TimeSpan Cooldown { get; init; } = TimeSpan.FromHours(1);
}

/// <summary>Reads <see cref="AnomalySettings"/> from COFFER_ANOMALY_*; a bad value fails at start with the variable's name.</summary>
internal static class AnomalySettingsResolver
{
    public static AnomalySettings Resolve(Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        return new AnomalySettings
        {
            NewIpRange = Response(environment, "COFFER_ANOMALY_NEW_IP_RANGE"),
            AuthFailures = Response(environment, "COFFER_ANOMALY_AUTH_FAILURES"),
            RateSpike = Response(environment, "COFFER_ANOMALY_RATE_SPIKE"),
            LearningRequests = Whole(environment, "COFFER_ANOMALY_LEARNING_REQUESTS", 50, 1, 1_000_000),
            LearningPeriod = TimeSpan.FromMinutes(Whole(environment, "COFFER_ANOMALY_LEARNING_MINUTES", 1440, 0, 525_600)),
            AuthFailureThreshold = Whole(environment, "COFFER_ANOMALY_AUTH_FAILURES_MAX", 20, 1, 100_000),
            AuthFailureWindow = TimeSpan.FromMinutes(Whole(environment, "COFFER_ANOMALY_AUTH_FAILURES_WINDOW_MINUTES", 10, 1, 1440)),
            RateWindow = TimeSpan.FromSeconds(Whole(environment, "COFFER_ANOMALY_RATE_WINDOW_SECONDS", 60, 1, 3600)),
            RateFactor = Factor(environment, "COFFER_ANOMALY_RATE_FACTOR"),
            RateFloor = Whole(environment, "COFFER_ANOMALY_RATE_FLOOR", 120, 1, 10_000_000),
            Cooldown = TimeSpan.FromMinutes(Whole(environment, "COFFER_ANOMALY_COOLDOWN_MINUTES", 60, 1, 10_080)),
        };
    }

    private static AnomalyResponse Response(Func<string, string?> environment, string name) =>
        environment(name)?.Trim().ToUpperInvariant() switch
        {
            null or "" or "NOTIFY" => AnomalyResponse.Notify,
            "FREEZE" => AnomalyResponse.Freeze,
            "SEAL" => AnomalyResponse.Seal,
            "OFF" => AnomalyResponse.Off,
            _ => throw new SettingsException($"{name} must be notify, freeze, seal or off, not '{environment(name)}'."),
        };

    private static int Whole(Func<string, string?> environment, string name, int fallback, int min, int max) =>
        environment(name) is not { } value ? fallback
        : int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number >= min && number <= max
            ? number
            : throw new SettingsException($"{name} must be a whole number from {min} to {max}, not '{value}'.");

    private static double Factor(Func<string, string?> environment, string name) =>
        environment(name) is not { } value ? 10
        : double.TryParse(value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var factor) && factor is >= 1.5 and <= 1000
            ? factor
            : throw new SettingsException($"{name} must be a number from 1.5 to 1000 (how many times the token's average rate), not '{value}'.");
}
