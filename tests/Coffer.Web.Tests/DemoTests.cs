using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;
using Coffer.Web.Tests.Support;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Coffer.Web.Tests;

/// <summary>
/// The README's run command: <c>coffer demo</c> as its own process, then a newcomer opens the URL it prints, signs in with
/// the details it prints and sees a dashboard full of weeks of history, on a laptop and on a phone.
/// </summary>
public sealed partial class DemoTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Demo_PrintsHowToSignIn_AndTheDashboardIsPopulated()
    {
        var directory = Directory.CreateTempSubdirectory("coffer-demo-test-");
        var started = Stopwatch.GetTimestamp();
        using var demo = CofferProcess.Start("coffer demo", ["demo", "--listen", "127.0.0.1:0"], directory.FullName);
        try
        {
            var ready = await demo.WaitForAsync(Ready(), TimeSpan.FromMinutes(4));
            var url = new Uri((await demo.WaitForAsync(OpenLine(), TimeSpan.FromSeconds(5))).Groups["url"].Value);
            var signIn = await demo.WaitForAsync(SignInLine(), TimeSpan.FromSeconds(5));
            var certificatePath = (await demo.WaitForAsync(CertificateLine(), TimeSpan.FromSeconds(5))).Groups["path"].Value;
            output.WriteLine($"coffer demo: ready after {ready.Groups["seconds"].Value} s by its own count");

            using var certificate = X509CertificateLoader.LoadCertificateFromFile(certificatePath);
            var (playwright, browser) = await Chromium.LaunchAsync(certificate);
            using (playwright)
            {
                try
                {
                    foreach (var viewport in new[] { Viewport.Desktop, Viewport.Phone })
                    {
                        await using var ui = await Ui.OpenAsync(browser, url, viewport, $"{nameof(DemoTests)}.{viewport.Name}");
                        try
                        {
                            await SignInAndSeeTheDashboardAsync(ui, signIn.Groups["user"].Value, signIn.Groups["password"].Value);
                            if (viewport == Viewport.Desktop)
                            {
                                output.WriteLine($"coffer demo start → dashboard rendered with data: {Stopwatch.GetElapsedTime(started).TotalSeconds:0.0} s");
                            }

                            await ui.ShotAsync("dashboard");
                            await ui.AxeAsync("the demo dashboard");
                            await SeeTheHistoryAsync(ui);
                        }
                        catch
                        {
                            await ui.ShotAsync("failure");
                            output.WriteLine(ui.Describe());
                            throw;
                        }

                        output.WriteLine($"Screenshots: {ui.ArtifactDirectory}");
                        await ui.AssertCleanAsync();
                    }
                }
                finally
                {
                    await browser.CloseAsync();
                }
            }
        }
        catch
        {
            output.WriteLine("coffer demo console:\n" + demo.Output);
            throw;
        }
        finally
        {
            demo.Dispose();
            try
            {
                directory.Delete(recursive: true);
            }
            catch (IOException)
            {
                // A file still held by the dying process: the temp directory is the OS's to clean.
            }
        }
    }

    private static async Task SignInAndSeeTheDashboardAsync(Ui ui, string username, string password)
    {
        await ui.GotoAsync("/signin");
        await ui.ExpectPageAsync("Sign in");
        await ui.Field("Username").FillAsync(username);
        await ui.Field("Password").FillAsync(password);
        await ui.Button("Sign in").ClickAsync();
        await ui.ExpectPageAsync("Dashboard");

        // Populated: a total above zero, three exchanges in the allocation, the value chart drawn, every connection synced.
        await Expect(ui.Page.Locator("[aria-labelledby=history-title] canvas").First).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await Expect(ui.Page.GetByText("All connections complete")).ToBeVisibleAsync();
        var total = await ui.Page.Locator("[aria-labelledby=total-label] .big-number").InnerTextAsync();
        Assert.True(
            Money().Match(total) is { Success: true } m && decimal.Parse(m.Value.Replace(",", "", StringComparison.Ordinal), CultureInfo.InvariantCulture) > 10_000m,
            $"Total value on the demo dashboard: '{total}'");
        await Expect(ui.Page.Locator("[aria-labelledby=by-exchange-title]")).ToContainTextAsync("3 accounts");
        await Expect(ui.Page.Locator("[aria-labelledby=coverage-title]")).ToContainTextAsync("Binance main");
        await Expect(ui.Page.Locator("[aria-labelledby=coverage-title]")).ToContainTextAsync("Kraken");
        await Expect(ui.Page.Locator("[aria-labelledby=coverage-title]")).ToContainTextAsync("Coinbase");
    }

    /// <summary>The weeks behind it: the 30-day chart, the trades, the PnL and the orders still open.</summary>
    private static async Task SeeTheHistoryAsync(Ui ui)
    {
        var history = ui.Page.Locator("[aria-labelledby=history-title]");
        await history.GetByRole(AriaRole.Button, new() { NameRegex = ThirtyDays() }).ClickAsync();
        await Expect(history.Locator("canvas").First).ToBeVisibleAsync();
        await Expect(history).ToContainTextAsync("over the");
        await ui.ShotAsync("dashboard 30 days");

        await ui.GotoAsync("/trades");
        await ui.ExpectPageAsync("Trades");
        Assert.True(await ui.Page.Locator("tbody tr").CountAsync() >= 10, "the demo's trades are listed");

        await ui.GotoAsync("/orders");
        await ui.ExpectPageAsync("Orders");
        await Expect(ui.Page.Locator("tbody tr").First).ToBeVisibleAsync();

        await ui.GotoAsync("/pnl");
        await ui.ExpectPageAsync("Profit and loss", "pnl");
    }

    [GeneratedRegex(@"^Ready in (?<seconds>[0-9.]+) s", RegexOptions.CultureInvariant)]
    private static partial Regex Ready();

    [GeneratedRegex(@"^\s+Open\s+(?<url>https://\S+)$", RegexOptions.CultureInvariant)]
    private static partial Regex OpenLine();

    [GeneratedRegex(@"^\s+Sign in\s+(?<user>\S+) / (?<password>\S+)$", RegexOptions.CultureInvariant)]
    private static partial Regex SignInLine();

    [GeneratedRegex(@"COFFER_CACERT=(?<path>\S+\.crt)", RegexOptions.CultureInvariant)]
    private static partial Regex CertificateLine();

    [GeneratedRegex(@"[0-9][0-9,]*(\.[0-9]+)?", RegexOptions.CultureInvariant)]
    private static partial Regex Money();

    [GeneratedRegex("^30 d")]
    private static partial Regex ThirtyDays();
}
