namespace Coffer.Server.Features.Connections;

/// <summary>POST /api/v1/connections: the secret (and the private key, for Coinbase) is write-only.</summary>
internal sealed record ConnectRequest(string? Exchange, string? Label, string? ApiKey, string? Secret, string? BaseUrl);

/// <summary>PUT /api/v1/connections/{id}/key: the new key of the same account; the secret (for Coinbase the private key) is write-only.</summary>
internal sealed record ReplaceKeyRequest(string? ApiKey, string? Secret);

internal sealed record PermissionsView(bool Read, bool Trade, bool Withdraw, bool Transfer, IReadOnlyList<string> Reported);

/// <summary>
/// A connection as its owner sees it: never the secret, the API key only masked. <see cref="Status"/> is
/// <c>active</c>, <c>locked</c> (see <see cref="LockReason"/>), or <c>needs_key</c> when the credential token is no longer
/// live (a freeze revokes every token): nothing can be signed until the key is re-entered.
/// </summary>
/// <param name="AllowlistIp">The address to allow-list on the exchange's API-key page, when the server knows its egress address.</param>
internal sealed record ConnectionView(
    Guid Id,
    string Exchange,
    string Label,
    string ApiKey,
    string? BaseUrl,
    string Status,
    string? LockReason,
    PermissionsView Permissions,
    bool? IpRestricted,
    string? AllowlistIp,
    string CredentialAccessor,
    DateTimeOffset CreatedAt,
    DateTimeOffset VerifiedAt)
{
    public const string NeedsKey = "needs_key";

    public static ConnectionView From(ConnectionRow row, string? allowlistIp, bool credentialLive) => new(
        row.Id,
        row.Exchange,
        row.Label,
        Mask(row.ApiKey),
        row.BaseUrl,
        credentialLive ? row.Status : NeedsKey,
        credentialLive ? row.LockReason : KeyRequired(row),
        new PermissionsView(row.CanRead, row.CanTrade, row.CanWithdraw, row.CanTransfer, row.ReportedPermissions.Split(' ', StringSplitOptions.RemoveEmptyEntries)),
        row.IpRestricted,
        allowlistIp,
        row.CredentialAccessor,
        row.CreatedAt,
        row.VerifiedAt);

    /// <summary>Why a connection whose credential is revoked cannot be used, and the fix.</summary>
    public static string KeyRequired(ConnectionRow row) =>
        $"The key must be re-entered: the connection's credential token was revoked (the account was frozen, or the token revoked), so Coffer no longer signs with it. Replace the key (PUT /api/v1/connections/{row.Id}/key, or `coffer exchange replace-key {(row.Label.Any(char.IsWhiteSpace) ? $"'{row.Label}'" : row.Label)}`); a new key from the exchange is safest.";

    /// <summary>The first four and last four characters: enough to recognise a key, not to use it.</summary>
    public static string Mask(string apiKey) => apiKey.Length <= 12 ? new string('•', apiKey.Length) : $"{apiKey[..4]}…{apiKey[^4..]}";
}

internal sealed record ConnectionList(IReadOnlyList<ConnectionView> Items);

/// <summary>
/// GET /api/v1/connections/setup: what a client needs to guide a user through making a key before any connection exists.
/// </summary>
/// <param name="EgressIp">The address to allow-list on the key (COFFER_EGRESS_IP); null when the operator has not set it.</param>
/// <param name="CustomBaseUrl">Whether POST /api/v1/connections accepts a <c>base_url</c> (COFFER_EXCHANGE_CUSTOM_URLS).</param>
/// <param name="Exchanges">The exchanges POST /api/v1/connections accepts, by <c>exchange</c> id.</param>
internal sealed record ConnectionSetup(string? EgressIp, bool CustomBaseUrl, IReadOnlyList<ExchangeChoice> Exchanges);

/// <summary>An exchange Coffer can connect: the id <c>exchange</c> takes, and the name people use.</summary>
internal sealed record ExchangeChoice(string Id, string Name);
