using System.Collections.Frozen;

namespace Coffer.Server.Features.Notifications;

/// <summary>
/// What happened. Each kind has a stable wire name (<see cref="NotificationKinds.Name"/>) that channels filter on and
/// webhook receivers switch on; the enum's numbers are never stored.
/// </summary>
internal enum NotificationKind
{
    SigninNewDevice,
    SigninSecondFactorFailed,
    TokenCreated,
    TokenRevoked,
    TokenIpDenied,
    AccountFrozen,
    AccountUnfrozen,
    SysSealed,
    CredentialAdded,
    CredentialRemoved,
    ExchangePermissionsChanged,
    OrderLarge,

    /// <summary>An anomaly rule fired (Features/Anomalies): a token from a new IP range, a burst of failed authentications, a rate spike.</summary>
    SecurityAnomaly,

    /// <summary>Sent by <c>POST /api/v1/notifications/channels/{id}/test</c> to that one channel.</summary>
    ChannelTest,
}

/// <summary>The stable names of <see cref="NotificationKind"/>.</summary>
internal static class NotificationKinds
{
    private static readonly FrozenDictionary<NotificationKind, string> Names = new Dictionary<NotificationKind, string>
    {
        [NotificationKind.SigninNewDevice] = "signin.new_device",
        [NotificationKind.SigninSecondFactorFailed] = "signin.second_factor_failed",
        [NotificationKind.TokenCreated] = "token.created",
        [NotificationKind.TokenRevoked] = "token.revoked",
        [NotificationKind.TokenIpDenied] = "token.ip_denied",
        [NotificationKind.AccountFrozen] = "account.frozen",
        [NotificationKind.AccountUnfrozen] = "account.unfrozen",
        [NotificationKind.SysSealed] = "sys.sealed",
        [NotificationKind.CredentialAdded] = "credential.added",
        [NotificationKind.CredentialRemoved] = "credential.removed",
        [NotificationKind.ExchangePermissionsChanged] = "exchange.permissions_changed",
        [NotificationKind.OrderLarge] = "order.large",
        [NotificationKind.SecurityAnomaly] = "security.anomaly",
        [NotificationKind.ChannelTest] = "channel.test",
    }.ToFrozenDictionary();

    private static readonly FrozenDictionary<string, NotificationKind> ByName =
        Names.ToFrozenDictionary(p => p.Value, p => p.Key, StringComparer.Ordinal);

    /// <summary>Every kind's name, in declaration order.</summary>
    public static IReadOnlyList<string> All { get; } = [.. Enum.GetValues<NotificationKind>().Select(k => Names[k])];

    public static string Name(this NotificationKind kind) =>
        Names.TryGetValue(kind, out var name) ? name : throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown notification kind.");

    public static bool TryParse(string? name, out NotificationKind kind) => ByName.TryGetValue(name ?? string.Empty, out kind);
}
