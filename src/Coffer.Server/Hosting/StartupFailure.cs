using System.Data.Common;
using Coffer.Server.Data;
using Coffer.Vault;
using Coffer.Vault.Pkcs11;
using Microsoft.AspNetCore.Connections;

namespace Coffer.Server.Hosting;

/// <summary>
/// Turns the ways a start (or an offline migration) can fail for reasons outside Coffer's code into one line that says
/// what happened and what to do. Anything not named here is a bug and keeps its stack trace.
/// </summary>
internal static class StartupFailure
{
    public static string? Describe(Exception exception, ServerSettings settings) => exception switch
    {
        SettingsException or MigrationException or VaultException or Features.Audit.AuditUnavailableException => exception.Message,
        IOException { InnerException: AddressInUseException } =>
            $"{settings.Listen} is already in use: is another coffer server running? Stop it, or choose another address with --listen.",
        Pkcs11Exception hsm => $"The HSM refused: {hsm.Message}. Check COFFER_PKCS11_LIBRARY, COFFER_PKCS11_TOKEN and COFFER_PKCS11_PIN.",
        DllNotFoundException => $"The PKCS#11 module {settings.Pkcs11?.LibraryPath} cannot be loaded: {exception.Message}",
        DbException db => $"The database ({Database.Describe(settings)}) failed: {db.Message}",
        UnauthorizedAccessException => $"No permission on the data directory {settings.DataDirectory}: {exception.Message}",
        _ => null,
    };
}
