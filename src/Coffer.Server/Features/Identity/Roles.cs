using Coffer.Server.Features.Tokens;

namespace Coffer.Server.Features.Identity;

/// <summary>
/// Coffer's four roles and, in this one place, the scopes each gives the root token of a user's tree (DESIGN §4): a
/// user's every token descends from that root, so the role bounds everything the user or their tools can do.
/// </summary>
internal static class Roles
{
    public const string Admin = "admin";
    public const string Trader = "trader";
    public const string Viewer = "viewer";
    public const string Auditor = "auditor";

    public static readonly IReadOnlyList<string> All = [Admin, Trader, Viewer, Auditor];

    private static readonly Dictionary<string, string[]> ScopeMap = new(StringComparer.Ordinal)
    {
        // The admin may do everything, including sealing and rotating the vault and reading other users' tokens.
        [Admin] = [.. Tokens.Scopes.AdminRoot],

        // A trader runs their own book: exchanges, orders, portfolio, their own tokens and notifications.
        [Trader] =
        [
            Tokens.Scopes.PortfolioRead, Tokens.Scopes.OrdersRead, Tokens.Scopes.OrdersWrite, Tokens.Scopes.ExchangesRead,
            Tokens.Scopes.ExchangesWrite, Tokens.Scopes.TokensRead, Tokens.Scopes.TokensWrite, Tokens.Scopes.AccountWrite,
            Tokens.Scopes.NotificationsRead, Tokens.Scopes.NotificationsWrite,
        ],

        // A viewer sees but never trades or connects exchanges; they may still mint read-only tokens for dashboards.
        [Viewer] =
        [
            Tokens.Scopes.PortfolioRead, Tokens.Scopes.OrdersRead, Tokens.Scopes.ExchangesRead, Tokens.Scopes.TokensRead,
            Tokens.Scopes.TokensWrite, Tokens.Scopes.AccountWrite, Tokens.Scopes.NotificationsRead,
        ],

        // An auditor reads the audit log and the server's status, nothing of anyone's money.
        [Auditor] =
        [
            Tokens.Scopes.AuditRead, Tokens.Scopes.SysStatus, Tokens.Scopes.TokensRead, Tokens.Scopes.TokensWrite,
            Tokens.Scopes.AccountWrite, Tokens.Scopes.NotificationsRead,
        ],
    };

    public static bool IsKnown(string? role) => role is not null && ScopeMap.ContainsKey(role);

    /// <summary>The root-token scopes of a user with these roles (the union, sorted).</summary>
    public static IReadOnlyList<string> ScopesOf(IEnumerable<string> roles) =>
        [.. roles.Where(ScopeMap.ContainsKey).SelectMany(r => ScopeMap[r]).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
}
