namespace Coffer.Vault;

/// <summary>The names providers go by in configuration, status output and messages.</summary>
internal static class Names
{
    public static string Of(KeyProviderKind kind) => kind switch
    {
        KeyProviderKind.Shamir => "shamir",
        KeyProviderKind.Pkcs11 => "pkcs11",
        KeyProviderKind.File => "file",
        _ => "unknown",
    };

    public static bool TryParse(string? name, out KeyProviderKind kind)
    {
        kind = name?.Trim().ToUpperInvariant() switch
        {
            "SHAMIR" => KeyProviderKind.Shamir,
            "PKCS11" => KeyProviderKind.Pkcs11,
            "FILE" => KeyProviderKind.File,
            _ => 0,
        };
        return kind != 0;
    }
}
