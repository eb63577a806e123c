namespace Coffer.Server.Features.Tokens;

/// <summary>
/// Every scope a Coffer token can carry (DESIGN §7). Scopes are explicit: <c>admin</c> does not imply the others, so a
/// child's scopes are a plain subset of its parent's.
/// </summary>
internal static class Scopes
{
    public const string Admin = "admin";
    public const string SysSeal = "sys:seal";
    public const string SysRotate = "sys:rotate";
    public const string SysStatus = "sys:status";
    public const string TokensRead = "tokens:read";
    public const string TokensWrite = "tokens:write";
    public const string AuditRead = "audit:read";
    public const string AccountWrite = "account:write";
    public const string PortfolioRead = "portfolio:read";
    public const string OrdersRead = "orders:read";
    public const string OrdersWrite = "orders:write";
    public const string ExchangesRead = "exchanges:read";
    public const string ExchangesWrite = "exchanges:write";
    public const string NotificationsRead = "notifications:read";
    public const string NotificationsWrite = "notifications:write";

    /// <summary>Scrape <c>/metrics</c> and nothing else: what a Prometheus server's token should hold.</summary>
    public const string MetricsRead = "metrics:read";

    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal)
    {
        Admin, SysSeal, SysRotate, SysStatus, TokensRead, TokensWrite, AuditRead, AccountWrite, PortfolioRead, OrdersRead,
        OrdersWrite, ExchangesRead, ExchangesWrite, NotificationsRead, NotificationsWrite, MetricsRead,
    };

    /// <summary>The root token of the initial admin: every scope.</summary>
    public static readonly IReadOnlyList<string> AdminRoot = [.. All.Order(StringComparer.Ordinal)];
}
