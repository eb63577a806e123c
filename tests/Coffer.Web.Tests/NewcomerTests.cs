using System.Globalization;
using System.Text.RegularExpressions;
using Coffer.Web.Tests.Support;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Coffer.Web.Tests;

/// <summary>Issue 6's newcomer path, start to end, in one browser on a laptop screen.</summary>
public sealed partial class NewcomerTests(CofferFixture fixture, ITestOutputHelper output) : BrowserTest(fixture, output)
{
    [Fact]
    public Task NewcomerPath_FirstRunToRevokedToken_EveryStepWorks() => InBrowserAsync(Viewport.Desktop, async ui =>
    {
        // 1. First run: the admin token the dev server printed sets the admin's password; the app signs in.
        await ui.SetUpAdminAsync(Server);

        // 2. Two-factor authentication from the key the page shows.
        var authenticator = await ui.EnableTotpAsync();

        // 3. A read+trade key from the sandbox's Binance, with money on the account, connected through the wizard.
        var key = await Sandbox.IssueKeyAsync("binance", "read", "trade");
        await Sandbox.DepositAsync(key.Account, "USDT", 25_000m);
        await Sandbox.DepositAsync(key.Account, "BTC", 0.25m);
        await ui.FillConnectWizardAsync(key, Sandbox.Urls["binance"], "Binance sandbox");
        await ui.StepUpIfAskedAsync(authenticator, ui.Page.GetByRole(AriaRole.Heading, new() { Name = "Connected: Binance sandbox" }));
        await ui.AxeAsync("the connected result");
        await ui.ShotAsync("connected");

        // 4. The dashboard fills: a total above zero, the value chart drawn, coverage complete.
        await ui.GotoAsync("/");
        await ui.ExpectPageAsync("Dashboard", "dashboard first");
        var chart = ui.Page.Locator("[aria-labelledby=history-title] canvas").First;
        for (var refresh = 0; refresh < 3 && !await chart.IsVisibleAsync(); refresh++)
        {
            // Each sync takes a snapshot; the chart needs two.
            await ui.Button("Refresh").ClickAsync();
            await Expect(ui.Page.GetByText("Refreshed: every connection synced completely.")).ToBeVisibleAsync(new() { Timeout = 60_000 });
        }

        await Expect(chart).ToBeVisibleAsync();
        await Expect(ui.Page.GetByText("All connections complete")).ToBeVisibleAsync();
        var total = await ui.Page.Locator("[aria-labelledby=total-label] .big-number").InnerTextAsync();
        Assert.True(Money().Match(total) is { Success: true } m && decimal.Parse(m.Value.Replace(",", "", StringComparison.Ordinal), CultureInfo.InvariantCulture) > 0, $"Total value on the dashboard: '{total}'");
        await ui.ExpectPageAsync("Dashboard", "dashboard filled");

        // 5. A limit buy far below the market (so it rests), confirmed, then cancelled.
        var last = await Sandbox.LastPriceAsync("BTC/USDT");
        var price = Math.Round(last * 0.7m, 2).ToString("0.00", CultureInfo.InvariantCulture);
        await ui.GotoAsync("/trade");
        await ui.ExpectPageAsync("Trade");
        await ui.Field("Symbol").FillAsync("BTC/USDT");
        await ui.Field("Symbol").PressAsync("Tab");
        await ui.Field("Side").SelectOptionAsync("buy");
        await ui.Field("Order type").SelectOptionAsync("limit");
        await ui.Field("Amount").FillAsync("0.01");
        await ui.Field("Price").FillAsync(price);
        await ui.AxeAsync("the filled order ticket");
        await ui.ShotAsync("ticket");
        await ui.Button("Place order").ClickAsync();
        var confirm = ui.Dialog("Confirm the order");
        await Expect(confirm).ToBeVisibleAsync();
        await ui.AxeAsync("the order confirmation");
        await ui.ShotAsync("confirm order");
        await confirm.GetByRole(AriaRole.Button, new() { Name = "Confirm order" }).ClickAsync();
        await ui.StepUpIfAskedAsync(authenticator, ui.Page.GetByRole(AriaRole.Heading, new() { Name = "Order placed" }));
        await ui.ShotAsync("order placed");

        var cancel = ui.Page.GetByRole(AriaRole.Button, new() { NameRegex = CancelOrder() }).First;
        await Expect(cancel).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await cancel.ClickAsync();
        var cancelDialog = ui.Dialog("Cancel this order?");
        await cancelDialog.GetByRole(AriaRole.Button, new() { Name = "Yes, cancel the order" }).ClickAsync();
        await ui.StepUpIfAskedAsync(authenticator, ui.Page.GetByText(CancelledNotice()).First);
        await ui.ShotAsync("order cancelled");

        // 6. A token created (its value shown once) and revoked.
        await ui.GotoAsync("/tokens");
        await ui.ExpectPageAsync("Tokens and apps");
        await ui.Page.GetByRole(AriaRole.Button, new() { Name = "Create token" }).First.ClickAsync();
        var name = ui.Page.GetByLabel(TokenName()).First;
        if (await name.IsVisibleAsync())
        {
            await name.FillAsync("e2e read-only");
        }

        var submit = ui.Page.GetByRole(AriaRole.Button, new() { Name = "Create token" }).Last;
        if (await submit.IsVisibleAsync() && await submit.IsEnabledAsync())
        {
            await submit.ClickAsync();
        }

        var shown = ui.Page.GetByText(TokenValue()).First;
        await ui.StepUpIfAskedAsync(authenticator, shown);
        await ui.AxeAsync("the new token, shown once");
        await ui.ShotAsync("token shown once");
        var done = ui.Page.GetByRole(AriaRole.Button, new() { NameRegex = DoneButton() });
        if (await done.CountAsync() > 0 && await done.First.IsVisibleAsync())
        {
            await done.First.ClickAsync();
        }

        await ui.Page.GetByRole(AriaRole.Button, new() { NameRegex = RevokeButton() }).First.ClickAsync();
        var revokeDialog = ui.Page.GetByRole(AriaRole.Dialog);
        if (await revokeDialog.CountAsync() > 0 && await revokeDialog.First.IsVisibleAsync())
        {
            await revokeDialog.First.GetByRole(AriaRole.Button, new() { NameRegex = RevokeButton() }).Last.ClickAsync();
        }

        await ui.StepUpIfAskedAsync(authenticator, ui.Page.GetByText(Revoked()).First);
        await ui.ExpectPageAsync("Tokens and apps", "token revoked");
    });

    [GeneratedRegex(@"[0-9][0-9,]*(\.[0-9]+)?", RegexOptions.CultureInvariant)]
    private static partial Regex Money();

    [GeneratedRegex("^Cancel order", RegexOptions.CultureInvariant)]
    private static partial Regex CancelOrder();

    [GeneratedRegex("^Order cancelled", RegexOptions.CultureInvariant)]
    private static partial Regex CancelledNotice();

    [GeneratedRegex("^(Name|Label|Display name)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex TokenName();

    [GeneratedRegex(@"cof_[a-z]+_[0-9A-Za-z]{20,}", RegexOptions.CultureInvariant)]
    private static partial Regex TokenValue();

    [GeneratedRegex("^(Done|I have (copied|saved))", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex DoneButton();

    [GeneratedRegex("^Revoke", RegexOptions.CultureInvariant)]
    private static partial Regex RevokeButton();

    [GeneratedRegex("[Rr]evoked", RegexOptions.CultureInvariant)]
    private static partial Regex Revoked();
}
