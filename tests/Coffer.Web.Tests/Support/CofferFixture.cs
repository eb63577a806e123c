using Microsoft.Playwright;

namespace Coffer.Web.Tests.Support;

/// <summary>
/// One test class's world: a <c>coffer sandbox</c> (Binance, Kraken, Coinbase), a <c>coffer server --dev</c> on its own temp
/// data directory, and one headless Chromium that trusts that server's certificate. Tests of a class share them (each test
/// gets its own browser context, so no cookies are shared) and create their own users.
/// </summary>
public sealed class CofferFixture : IAsyncLifetime
{
    private DirectoryInfo? _directory;
    private IPlaywright? _playwright;

    internal Sandbox Sandbox { get; private set; } = null!;

    internal CofferServer Server { get; private set; } = null!;

    internal IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _directory = Directory.CreateTempSubdirectory("coffer-web-");
        var data = Directory.CreateDirectory(Path.Combine(_directory.FullName, "data")).FullName;

        // The two processes start side by side: each is a .NET start-up, the slow part of a fixture.
        var sandbox = Sandbox.StartAsync(_directory.FullName);
        var server = CofferServer.StartAsync(data);
        try
        {
            await Task.WhenAll(sandbox, server);
        }
        finally
        {
            if (sandbox.IsCompletedSuccessfully)
            {
                Sandbox = sandbox.Result;
            }

            if (server.IsCompletedSuccessfully)
            {
                Server = server.Result;
            }
        }

        (_playwright, Browser) = await Chromium.LaunchAsync(Server.Certificate);
    }

    private readonly SemaphoreSlim _adminLock = new(1, 1);
    private string? _admin;

    /// <summary>The dev admin with <see cref="Flows.Password"/> set (once per server); returns its username.</summary>
    internal async Task<string> EnsureAdminPasswordAsync(CofferApi api)
    {
        await _adminLock.WaitAsync();
        try
        {
            return _admin ??= await api.SetAdminPasswordAsync(Flows.Password);
        }
        finally
        {
            _adminLock.Release();
        }
    }

    internal Task<Ui> OpenAsync(Viewport viewport, string test) => Ui.OpenAsync(Browser, Server.Address, viewport, test);

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }

        _playwright?.Dispose();
        _adminLock.Dispose();
        Server?.Dispose();
        Sandbox?.Dispose();
        try
        {
            _directory?.Delete(recursive: true);
        }
        catch (IOException)
        {
            // A file still held by a dying process: the temp directory is the OS's to clean.
        }
    }
}
