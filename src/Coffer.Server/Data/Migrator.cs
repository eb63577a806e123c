using Coffer.Server.Hosting;

namespace Coffer.Server.Data;

/// <summary>Applies the hand-written schema migrations of the configured provider.</summary>
internal static class Migrator
{
    /// <summary>Applies pending migrations; returns the names of those applied now (empty if up to date).</summary>
    public static Task<IReadOnlyList<string>> MigrateAsync(ServerSettings settings, CancellationToken cancellationToken) =>
        throw new NotImplementedException(settings.DataDirectory + cancellationToken);
}
