using System.Security.Cryptography;

namespace Coffer.Vault.KeyProviders;

/// <summary>
/// The development key provider: the unseal key in a file (base64, mode 0600) beside the database. Whoever can read the
/// data directory can read every secret, which is why the server names this provider in its status and warns at start.
/// </summary>
internal static class DevKeyFile
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Writes the key beside its final path; <see cref="Commit"/> moves it into place once init is recorded.</summary>
    public static string WritePending(string path, ReadOnlySpan<byte> key)
    {
        if (File.Exists(path))
        {
            throw new VaultException(VaultError.ProviderFailure, $"A development key file already exists at {path}; remove it only if its vault is gone.");
        }

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var pending = path + ".pending";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = OwnerOnly;
        }

        using (var stream = new FileStream(pending, options))
        using (var writer = new StreamWriter(stream))
        {
            writer.Write(Convert.ToBase64String(key));
        }

        return pending;
    }

    public static void Commit(string pending, string path) => File.Move(pending, path, overwrite: false);

    public static byte[] Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new VaultException(VaultError.ProviderFailure, $"The development key file {path} is missing; without it this vault cannot be unsealed.");
        }

        var text = File.ReadAllText(path).Trim();
        var key = GC.AllocateArray<byte>(32, pinned: true);
        if (!Convert.TryFromBase64String(text, key, out var written) || written != 32)
        {
            CryptographicOperations.ZeroMemory(key);
            throw new VaultException(VaultError.ProviderFailure, $"The development key file {path} is not a 256-bit base64 key.");
        }

        return key;
    }
}
