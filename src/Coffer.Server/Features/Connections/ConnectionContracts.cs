namespace Coffer.Server.Features.Connections;

/// <summary>POST /api/v1/connections: the secret (and the private key, for Coinbase) is write-only.</summary>
internal sealed record ConnectRequest(string? Exchange, string? Label, string? ApiKey, string? Secret, string? BaseUrl);

internal sealed record PermissionsView(bool Read, bool Trade, bool Withdraw, bool Transfer, IReadOnlyList<string> Reported);

/// <summary>A connection as its owner sees it: never the secret, the API key only masked.</summary>
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
    public static ConnectionView From(ConnectionRow row, string? allowlistIp) => new(
        row.Id,
        row.Exchange,
        row.Label,
        Mask(row.ApiKey),
        row.BaseUrl,
        row.Status,
        row.LockReason,
        new PermissionsView(row.CanRead, row.CanTrade, row.CanWithdraw, row.CanTransfer, row.ReportedPermissions.Split(' ', StringSplitOptions.RemoveEmptyEntries)),
        row.IpRestricted,
        allowlistIp,
        row.CredentialAccessor,
        row.CreatedAt,
        row.VerifiedAt);

    /// <summary>The first four and last four characters: enough to recognise a key, not to use it.</summary>
    public static string Mask(string apiKey) => apiKey.Length <= 12 ? new string('•', apiKey.Length) : $"{apiKey[..4]}…{apiKey[^4..]}";
}

internal sealed record ConnectionList(IReadOnlyList<ConnectionView> Items);
