namespace Coffer.Sandbox.Keys;

[Flags]
internal enum KeyPermissions
{
    None = 0,
    Read = 1,
    Trade = 2,
    Withdraw = 4,
    Transfer = 8,
}

internal static class KeyPermissionNames
{
    public static bool TryParse(IEnumerable<string> names, out KeyPermissions permissions)
    {
        permissions = KeyPermissions.None;
        foreach (var name in names)
        {
            if (!Enum.TryParse<KeyPermissions>(name, ignoreCase: true, out var one) || one == KeyPermissions.None || int.TryParse(name, out _))
            {
                return false;
            }

            permissions |= one;
        }

        return true;
    }

    public static IReadOnlyList<string> Names(this KeyPermissions permissions) =>
        [.. Enum.GetValues<KeyPermissions>().Where(p => p != KeyPermissions.None && permissions.HasFlag(p)).Select(p => p.ToString().ToLowerInvariant())];
}
