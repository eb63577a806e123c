using Coffer.Web.Tests.Support;
using Xunit.Abstractions;

namespace Coffer.Web.Tests;

/// <summary>
/// Every page at 390×844 and 1440×900: its main heading visible, no sideways scroll of the page, axe-core clean of serious
/// and critical violations, a screenshot of each. The account has a connected exchange with money, so pages show data.
/// </summary>
public sealed class ResponsiveTests(CofferFixture fixture, ITestOutputHelper output) : BrowserTest(fixture, output)
{
    /// <summary>The pages behind sign-in: path and main heading.</summary>
    private static readonly (string Path, string Heading)[] SignedIn =
    [
        ("/", "Dashboard"),
        ("/exchanges", "Exchanges"),
        ("/exchanges/connect", "Connect an exchange"),
        ("/balances", "Balances"),
        ("/orders", "Orders"),
        ("/trades", "Trades"),
        ("/pnl", "Profit and loss"),
        ("/trade", "Trade"),
        ("/tokens", "Tokens and apps"),
        ("/security", "Security centre"),
        ("/no-such-page", "Page not found"),
    ];

    /// <summary>The pages outside the app.</summary>
    private static readonly (string Path, string Heading)[] SignedOut =
    [
        ("/signin", "Sign in"),
        ("/signup", "Create your account"),
        ("/setup", "Set up Coffer"),
        ("/unfreeze", "Unfreeze your account"),
    ];

    [Theory]
    [InlineData("phone")]
    [InlineData("desktop")]
    public Task EveryPage_OnScreen_UsableWithoutSidewaysScrollAndAxeClean(string screen) => InBrowserAsync(Viewport.Named(screen), async ui =>
    {
        foreach (var (path, heading) in SignedOut)
        {
            await ui.GotoAsync(path);
            await ui.ExpectPageAsync(heading);
        }

        using var api = new CofferApi(Server);
        var username = "rita-" + screen;
        var session = await api.SignUpAsync(username, Flows.Password);
        await ui.SignInAsync(username);
        var authenticator = await api.EnableTotpAsync(session);
        var key = await Sandbox.IssueKeyAsync("binance", "read", "trade");
        await Sandbox.DepositAsync(key.Account, "USDT", 10_000m);
        await Sandbox.DepositAsync(key.Account, "ETH", 3m);
        await api.ConnectAsync(session, authenticator, key, Sandbox.Urls["binance"], "Binance " + screen);
        await api.SendAsync(HttpMethod.Post, "/api/v1/portfolio/refresh", new Dictionary<string, object>(), session);

        foreach (var (path, heading) in SignedIn)
        {
            await ui.GotoAsync(path);
            await ui.ExpectPageAsync(heading);
        }
    });

    [Theory]
    [InlineData("phone")]
    [InlineData("desktop")]
    public Task AdminPage_OnScreen_UsableWithoutSidewaysScrollAndAxeClean(string screen) => InBrowserAsync(Viewport.Named(screen), async ui =>
    {
        // The dev server's admin has no password until one is set with its token (what the setup page does).
        using var api = new CofferApi(Server);
        var admin = await Fixture.EnsureAdminPasswordAsync(api);
        await ui.SignInAsync(admin);
        await ui.GotoAsync("/admin");
        await ui.ExpectPageAsync("Admin");
    });
}
