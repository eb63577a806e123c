using Coffer.Server.Features.Tokens;

namespace Coffer.Server.Features.OAuth;

/// <summary>POST /api/v1/apps.</summary>
internal sealed record CreateAppRequest(
    string? Name,
    string? Type,
    IReadOnlyList<string>? RedirectUris,
    IReadOnlyList<string>? Scopes,
    TradingLimitsDto? Trading,
    bool? DpopBound);

/// <summary>An app as its owner and admins see it. Never its secret.</summary>
internal sealed record AppView(
    string ClientId,
    string Name,
    string Type,
    IReadOnlyList<string> RedirectUris,
    IReadOnlyList<string> Scopes,
    TradingLimitsDto? Trading,
    bool DpopBound,
    Guid OwnerId,
    string? Owner,
    DateTimeOffset CreatedAt,
    DateTimeOffset? DisabledAt);

/// <summary>The answer to registering an app: the only time a confidential client's secret is shown.</summary>
internal sealed record CreatedAppResponse(
    string ClientId,
    string? ClientSecret,
    string Name,
    string Type,
    IReadOnlyList<string> RedirectUris,
    IReadOnlyList<string> Scopes,
    TradingLimitsDto? Trading,
    bool DpopBound,
    Guid OwnerId,
    string? Owner,
    DateTimeOffset CreatedAt,
    DateTimeOffset? DisabledAt);

internal sealed record AppListResponse(IReadOnlyList<AppView> Apps);

/// <summary>An app's grant the user gave: a branch of their token tree.</summary>
internal sealed record GrantView(
    string Accessor,
    string ClientId,
    string AppName,
    string? AppOwner,
    string GrantType,
    IReadOnlyList<string> Scopes,
    TradingLimitsDto? Trading,
    bool DpopBound,
    DateTimeOffset CreatedAt,
    DateTimeOffset? ExpiresAt,
    DateTimeOffset? LastUsedAt);

internal sealed record GrantListResponse(IReadOnlyList<GrantView> Grants);

/// <summary>What the consent page shows: who asks, for what, and where the answer goes.</summary>
internal sealed record ConsentRequestView(
    string Id,
    ConsentAppView App,
    IReadOnlyList<string> Scopes,
    TradingLimitsDto? Trading,
    string RedirectUri,
    DateTimeOffset ExpiresAt);

internal sealed record ConsentAppView(string ClientId, string Name, string Type, string? Owner, bool DpopBound);

internal sealed record ConsentDecision(string RedirectTo);

internal static class TradingDto
{
    public static TradingLimitsDto? From(TradingLimits? t) =>
        t is null ? null : new TradingLimitsDto(t.Exchanges, t.Symbols, t.MaxOrderNotional, t.PriceBandPercent, t.DailyVolumeCap);

    public static TradingLimits? From(TradingLimitsDto? t) =>
        t is null ? null : new TradingLimits(t.Exchanges, t.Symbols, t.MaxOrderNotional, t.PriceBandPercent, t.DailyVolumeCap);
}
