namespace Coffer.Server.Features.Sys;

internal sealed record HealthResponse(string Status, bool Initialized, bool Sealed, string Version);

internal sealed record KeyVersion(int Current, int MinDecryption);

internal sealed record KeyVersions(KeyVersion Root);

internal sealed record StatusResponse(
    bool Initialized,
    bool Sealed,
    string Provider,
    bool DevOnly,
    int Shares,
    int Threshold,
    int UnsealProgress,
    string Version,
    KeyVersions? KeyVersions);

/// <summary>Shares and threshold apply to the shamir provider; the others ignore them. The admin is "admin" by default.</summary>
internal sealed record InitRequest(int? Shares, int? Threshold, string? AdminUsername);

/// <summary>The admin token is the root of the admin user's tree; with it the admin sets their first password.</summary>
internal sealed record InitResponse(IReadOnlyList<string> Shares, string AdminToken, string AdminAccessor, string AdminUsername, string Provider, bool Sealed);

/// <summary>Either one share, or <c>reset: true</c> to discard the shares given so far.</summary>
internal sealed record UnsealRequest(string? Share, bool? Reset);

internal sealed record RotateRequest(int? MinDecryptionVersion);

internal sealed record RotateResponse(KeyVersion Root, int RewrappedUserKeys);
