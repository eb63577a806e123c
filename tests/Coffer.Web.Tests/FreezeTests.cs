using Coffer.Web.Tests.Support;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Coffer.Web.Tests;

/// <summary>The break-glass on a phone: Freeze one tap away in the header, then signed out, then unfrozen with password and code.</summary>
public sealed class FreezeTests(CofferFixture fixture, ITestOutputHelper output) : BrowserTest(fixture, output)
{
    [Fact]
    public Task Freeze_OnPhone_SignsOutToFrozenPageAndUnfreezesWithPasswordAndCode() => InBrowserAsync(Viewport.Phone, async ui =>
    {
        using var api = new CofferApi(Server);
        await ui.SignUpAsync(await api.InviteAsync(), "frida");
        await ui.GotoAsync("/security");
        await ui.ExpectPageAsync("Security centre");
        var authenticator = await ui.EnableTotpAsync();

        // One tap away: in the header, on screen without scrolling, on every page.
        await ui.GotoAsync("/");
        await ui.ExpectPageAsync("Dashboard");
        var freeze = ui.Page.GetByRole(AriaRole.Banner).GetByRole(AriaRole.Button, new() { Name = "Freeze", Exact = true });
        await Expect(freeze).ToBeInViewportAsync();
        await freeze.TapAsync();
        var dialog = ui.Dialog("Freeze your account?");
        await Expect(dialog).ToBeVisibleAsync();
        await ui.AxeAsync("the freeze confirmation");
        await ui.ShotAsync("freeze confirmation");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Freeze now" }).TapAsync();
        await ui.ExpectPageAsync("Your account is frozen");

        // Signed out: the session cookie no longer opens anything, and the app sends the person to sign in.
        var me = await ui.Page.EvaluateAsync<int>("async () => (await fetch('/api/v1/auth/me', { credentials: 'same-origin' })).status");
        Assert.Equal(401, me);
        await ui.GotoAsync("/");
        await ui.ExpectPageAsync("Sign in", "signed out");

        // Unfreeze with password and the authenticator's code.
        await ui.GotoAsync("/unfreeze");
        await ui.ExpectPageAsync("Unfreeze your account");
        await ui.Field("Username").FillAsync("frida");
        await ui.Field("Password").FillAsync(Flows.Password);
        await ui.Field("Code from your authenticator app").FillAsync(await authenticator.NextCodeAsync());
        await ui.Button("Unfreeze").TapAsync();
        await ui.ExpectPageAsync("Your account is unfrozen");

        // Unfreezing signs the person in again (a new session in the cookie): the app opens as before.
        await ui.GotoAsync("/");
        await ui.ExpectPageAsync("Dashboard", "after unfreeze");
    });
}
