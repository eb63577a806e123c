namespace Coffer.Server.Hosting;

/// <summary>Builds and runs the Coffer server.</summary>
internal static class ServerHost
{
    /// <summary>Migrates (when configured), starts listening, prints where the CA certificate is, runs until cancelled.</summary>
    public static Task RunAsync(ServerSettings settings, TextWriter console, CancellationToken cancellationToken) =>
        throw new NotImplementedException(settings.DataDirectory + console + cancellationToken);
}
