using Coffer.Web.Tests.Support;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Coffer.Web.Tests;

/// <summary>DESIGN §1.2 in the browser: a key that can withdraw is refused in plain words and nothing is connected.</summary>
public sealed class WithdrawalKeyTests(CofferFixture fixture, ITestOutputHelper output) : BrowserTest(fixture, output)
{
    [Fact]
    public Task ConnectWizard_KeyCanWithdraw_RefusedInPlainWordsNothingConnected() => InBrowserAsync(Viewport.Desktop, async ui =>
    {
        using var api = new CofferApi(Server);
        var session = await api.SignUpAsync("wanda", Flows.Password);
        await ui.SignInAsync("wanda");
        var authenticator = await api.EnableTotpAsync(session);

        var key = await Sandbox.IssueKeyAsync("kraken", "read", "trade", "withdraw");
        await ui.FillConnectWizardAsync(key, Sandbox.Urls["kraken"], "Kraken with withdrawals");
        var refusal = ui.Page.GetByRole(AriaRole.Heading, new() { Name = "Refused: this key can withdraw funds" });
        await ui.StepUpIfAskedAsync(authenticator, refusal);
        await Expect(ui.Page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Nothing was stored.");
        await Expect(ui.Page.GetByRole(AriaRole.Alert)).ToContainTextAsync("withdrawals switched off");
        await ui.AxeAsync("the refusal");
        await ui.ShotAsync("refused");

        // Nothing connected: not on the Exchanges page, not in the API.
        await ui.GotoAsync("/exchanges");
        await ui.ExpectPageAsync("Exchanges");
        await Expect(ui.Page.GetByText("Kraken with withdrawals")).ToHaveCountAsync(0);
        var connections = await api.SendAsync(HttpMethod.Get, "/api/v1/connections", token: session);
        Assert.Equal(0, connections.GetProperty("items").GetArrayLength());
    });
}
