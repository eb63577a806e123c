namespace Coffer.Cli.Demo;

/// <summary>
/// <c>coffer demo</c>: starts the <see cref="DemoEnvironment"/>, prints where to open it and how to sign in, then keeps it
/// running (the read-only tracker refreshing the portfolio every few minutes) until Ctrl+C.
/// </summary>
internal static class DemoRunner
{
    private static readonly TimeSpan TrackerInterval = TimeSpan.FromMinutes(5);

    public static async Task<int> RunAsync(DemoOptions options, TextWriter output, CancellationToken cancellationToken)
    {
        await using var demo = await DemoEnvironment.StartAsync(options, output, cancellationToken);
        var seeded = demo.Seeded;
        await output.WriteLineAsync($"Ready in {demo.SetupTime.TotalSeconds:0.0} s: {seeded.Days} days, {seeded.Orders} orders, {seeded.Snapshots} portfolio snapshots.");
        await output.WriteLineAsync();
        await output.WriteLineAsync($"  Open      {demo.BrowserUrl}");
        await output.WriteLineAsync($"  Sign in   {seeded.Username} / {seeded.Password}");
        await output.WriteLineAsync($"  Admin     export COFFER_TOKEN={demo.AdminToken}   (the server's admin, for the CLI)");
        await output.WriteLineAsync($"  TLS       self-signed, your browser warns once; clients: export COFFER_CACERT={demo.Settings.GeneratedCertificatePath}");
        foreach (var (name, url) in demo.Exchanges)
        {
            await output.WriteLineAsync($"  {name,-9} {url} (sandbox)");
        }

        await output.WriteLineAsync();
        await output.WriteLineAsync($"The read-only \"Portfolio tracker\" token refreshes the portfolio every {TrackerInterval.TotalMinutes:0} minutes, as a tool of yours would.");
        await output.WriteLineAsync($"Development mode: the unseal key is in {demo.Settings.DataDirectory}, which is deleted when the demo stops. Ctrl+C stops.");
        await TrackAsync(demo.Api, seeded.TrackerToken, output, cancellationToken);
        return ExitCodes.Ok;
    }

    /// <summary>Refreshes the portfolio with the tracker's token every few minutes until Ctrl+C.</summary>
    private static async Task TrackAsync(DemoApi api, string trackerToken, TextWriter output, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(TrackerInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                try
                {
                    await api.CallAsync(HttpMethod.Post, "/api/v1/portfolio/refresh", trackerToken, cancellationToken: cancellationToken);
                }
                catch (Exception ex) when (ex is CliException or HttpRequestException)
                {
                    await output.WriteLineAsync($"The tracker's refresh failed ({ex.Message}); it tries again in {TrackerInterval.TotalMinutes:0} minutes.");
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Ctrl+C: the normal way to stop.
        }
    }
}
