namespace Coffer.Server.Features.Tokens;

internal sealed record TradingLimitsDto(
    IReadOnlyList<string>? Exchanges,
    IReadOnlyList<string>? Symbols,
    decimal? MaxOrderNotional,
    decimal? PriceBandPercent,
    decimal? DailyVolumeCap);

/// <summary>
/// POST /api/v1/tokens. Everything but the scopes is optional and inherits the parent's value. <see cref="Parent"/> says
/// which token that is: <c>"self"</c> (the default) the calling token, <c>"root"</c> the user's root token (see
/// <see cref="TokenEndpoints.Create"/>).
/// </summary>
internal sealed record CreateTokenRequest(
    string? Kind,
    string? DisplayName,
    IReadOnlyList<string>? Scopes,
    long? TtlSeconds,
    IReadOnlyList<string>? IpAllowlist,
    int? MaxUses,
    TradingLimitsDto? Trading,
    string? Parent = null);

/// <summary>A token by accessor. Never its value.</summary>
internal sealed record TokenView(
    string Accessor,
    string Kind,
    string? DisplayName,
    Guid UserId,
    string? Parent,
    IReadOnlyList<string> Scopes,
    DateTimeOffset CreatedAt,
    DateTimeOffset? ExpiresAt,
    IReadOnlyList<string> IpAllowlist,
    int? MaxUses,
    int Uses,
    DateTimeOffset? LastUsedAt,
    TradingLimitsDto? Trading,
    bool Revoked,
    DateTimeOffset? RevokedAt)
{
    public static TokenView From(TokenInfo info) => new(
        info.Accessor,
        info.Kind,
        info.DisplayName,
        info.UserId,
        info.ParentAccessor,
        [.. info.Scopes.Order(StringComparer.Ordinal)],
        info.CreatedAt,
        info.ExpiresAt,
        [.. info.IpAllowlist.Select(n => n.ToString())],
        info.MaxUses,
        info.UseCount,
        info.LastUsedAt,
        info.Trading is { } t ? new TradingLimitsDto(t.Exchanges, t.Symbols, t.MaxOrderNotional, t.PriceBandPercent, t.DailyVolumeCap) : null,
        info.RevokedAt is not null,
        info.RevokedAt);
}

/// <summary>The token's value appears here, in the response to its creation, and nowhere else ever.</summary>
internal sealed record CreatedTokenResponse(string Token, string Accessor, TokenView Info);

internal sealed record TokenListResponse(IReadOnlyList<TokenView> Items, string? Next);

internal sealed record RevokeResponse(int Revoked);

internal sealed record AccessLogEntryView(long Id, DateTimeOffset OccurredAt, string? ClientIp, string? UserAgent, string Method, string Route, int Status, double LatencyMs);

internal sealed record AccessLogResponse(IReadOnlyList<AccessLogEntryView> Items, long? Next);
