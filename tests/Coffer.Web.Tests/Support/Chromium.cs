using System.Security.Cryptography.X509Certificates;
using Microsoft.Playwright;

namespace Coffer.Web.Tests.Support;

/// <summary>
/// Debian's Chromium (<c>/usr/bin/chromium</c>, installed by .ci/run; <c>COFFER_CHROMIUM</c> overrides the path), driven
/// headless by Playwright's bundled driver. Never a downloaded browser: nothing here runs <c>playwright install</c>, and the
/// driver is told not to fetch one.
/// </summary>
internal static class Chromium
{
    public static string ExecutablePath { get; } =
        Environment.GetEnvironmentVariable("COFFER_CHROMIUM") is { Length: > 0 } configured ? configured : "/usr/bin/chromium";

    /// <summary>
    /// Starts Playwright and a headless Chromium that trusts exactly <paramref name="trusted"/> (the Coffer server's own
    /// self-signed certificate, pinned by its public key) and no other invalid certificate.
    /// </summary>
    public static async Task<(IPlaywright Playwright, IBrowser Browser)> LaunchAsync(X509Certificate2 trusted)
    {
        Assert.True(File.Exists(ExecutablePath), $"{ExecutablePath} is missing: install Debian's chromium (apt-get install chromium; .ci/run does).");
        Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        var playwright = await Playwright.CreateAsync();
        try
        {
            var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = ExecutablePath,
                Headless = true,
                Timeout = 60_000,
                Args =
                [
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-quic",
                    "--no-first-run",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                    // Trust the one self-signed certificate by its SubjectPublicKeyInfo hash (Playwright always passes a
                    // --user-data-dir, which this flag needs); every other certificate error still fails the page.
                    "--ignore-certificate-errors-spki-list=" + CofferServer.SpkiHash(trusted),
                ],
            });
            return (playwright, browser);
        }
        catch
        {
            playwright.Dispose();
            throw;
        }
    }
}
