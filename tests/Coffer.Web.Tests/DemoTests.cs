using System.Diagnostics;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;
using Coffer.Web.Tests.Support;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Coffer.Web.Tests;

/// <summary>
/// Issue 6's acceptance: <c>coffer demo</c>, started as the README says (the real entry point, its own data directory and
/// a free port), shows a populated dashboard in Chromium. Prints the time from start to the dashboard rendered with data, a
/// benchmark figure (never asserted).
/// </summary>
public sealed partial class DemoTests(ITestOutputHelper output)
{
    [Fact(Skip = "coffer demo does not print its URL and sign-in details yet (branch demo); enable when it lands in main")]
    public async Task Demo_FromStart_SignsInToPopulatedDashboard()
    {
        var directory = Directory.CreateTempSubdirectory("coffer-demo-");
        var clock = Stopwatch.StartNew();
        using var demo = CofferProcess.Start("coffer demo", ["demo", "--data", Path.Combine(directory.FullName, "demo"), "--listen", $"127.0.0.1:{FreePort()}"], directory.FullName);
        try
        {
            var url = new Uri((await demo.WaitForAsync(Url(), TimeSpan.FromMinutes(5))).Groups["url"].Value);
            var username = (await demo.WaitForAsync(Username(), TimeSpan.FromSeconds(30))).Groups["value"].Value;
            var password = (await demo.WaitForAsync(PasswordLine(), TimeSpan.FromSeconds(30))).Groups["value"].Value;
            var totp = await TryAsync(demo, TotpSecret());
            using var certificate = X509CertificateLoader.LoadCertificateFromFile(Path.Combine(directory.FullName, "demo", "tls", "coffer.crt"));
            var (playwright, browser) = await Chromium.LaunchAsync(certificate);
            using (playwright)
            {
                await using var ui = await Ui.OpenAsync(browser, url, Viewport.Desktop, $"{nameof(DemoTests)}.{nameof(Demo_FromStart_SignsInToPopulatedDashboard)}");
                try
                {
                    await ui.GotoAsync("/signin");
                    await ui.ExpectPageAsync("Sign in");
                    await ui.Field("Username").FillAsync(username);
                    await ui.Field("Password").FillAsync(password);
                    await ui.Button("Sign in").ClickAsync();
                    if (totp is not null)
                    {
                        await ui.Field("Code from your authenticator app").FillAsync(await Authenticator.FromBase32(totp).NextCodeAsync());
                        await ui.Button("Sign in").ClickAsync();
                    }

                    await Expect(ui.Heading("Dashboard")).ToBeVisibleAsync(new() { Timeout = 60_000 });
                    await Expect(ui.Page.Locator("[aria-labelledby=history-title] canvas").First).ToBeVisibleAsync(new() { Timeout = 60_000 });
                    await Expect(ui.Page.GetByRole(AriaRole.Heading, new() { Name = "Allocation by asset" })).ToBeVisibleAsync();
                    var total = await ui.Page.Locator("[aria-labelledby=total-label] .big-number").InnerTextAsync();
                    Assert.Matches("[1-9]", total);
                    clock.Stop();
                    output.WriteLine($"BENCHMARK coffer demo start → dashboard rendered with data: {clock.Elapsed.TotalSeconds:0.0} s");
                    await ui.ExpectPageAsync("Dashboard", "demo dashboard");
                    await ui.ShotAsync("end");
                    await ui.AssertCleanAsync();
                }
                catch
                {
                    await ui.ShotAsync("failure");
                    output.WriteLine(ui.Describe());
                    output.WriteLine("Demo console:\n" + demo.Output);
                    throw;
                }
                finally
                {
                    await browser.CloseAsync();
                }
            }
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
                // the OS's to clean
            }
        }
    }

    private static async Task<string?> TryAsync(CofferProcess process, Regex pattern)
    {
        try
        {
            return (await process.WaitForAsync(pattern, TimeSpan.FromSeconds(5))).Groups["value"].Value;
        }
        catch (TimeoutException)
        {
            return null;
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    [GeneratedRegex(@"(?<url>https://127\.0\.0\.1:\d+)/?", RegexOptions.CultureInvariant)]
    private static partial Regex Url();

    [GeneratedRegex(@"[Uu]sername:?\s+(?<value>\S+)", RegexOptions.CultureInvariant)]
    private static partial Regex Username();

    [GeneratedRegex(@"[Pp]assword:?\s+(?<value>\S+)", RegexOptions.CultureInvariant)]
    private static partial Regex PasswordLine();

    [GeneratedRegex(@"(TOTP|authenticator)[^:]*:\s+(?<value>[A-Z2-7]{16,})", RegexOptions.CultureInvariant)]
    private static partial Regex TotpSecret();
}
