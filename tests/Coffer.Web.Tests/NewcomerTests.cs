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
        // The notice says so; when that was the market's last open order the list (and the notice in it) may give way to
        // "No open orders in this market." at once, so either counts, and the Orders page must then show it cancelled.
        await ui.StepUpIfAskedAsync(authenticator, ui.Page.GetByText(CancelledNotice()).Or(ui.Page.GetByText("No open orders in this market.")).First);
        await ui.ShotAsync("order cancelled");
        await ui.GotoAsync("/orders?tab=history");
        await Expect(ui.Page.GetByRole(AriaRole.Cell, new() { NameRegex = CancelledState() }).First).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await ui.ExpectPageAsync("Orders", "orders history");

        // 6. A token created (its value shown once) and revoked.
        await ui.GotoAsync("/tokens");
        await ui.ExpectPageAsync("Tokens and apps");
        await ui.Field("Name").FillAsync("e2e read-only");
        await ui.Button("Create token").ClickAsync();
        var created = ui.Dialog("Your new token");
        await ui.StepUpIfAskedAsync(authenticator, created);
        await Expect(created.GetByText(TokenValue())).ToBeVisibleAsync();
        await ui.AxeAsync("the new token, shown once");
        await ui.ShotAsync("token shown once");
        await created.GetByRole(AriaRole.Button, new() { Name = "I have copied it" }).ClickAsync();

        // Its own row's Revoke (the list also holds this browser's session, which must stay).
        var row = ui.Page.GetByRole(AriaRole.Row).Filter(new() { HasText = "e2e read-only" });
        await row.GetByRole(AriaRole.Button, new() { NameRegex = RevokeButton() }).ClickAsync();
        var revoke = ui.Dialog("Revoke e2e read-only?");
        await Expect(revoke).ToBeVisibleAsync();
        await revoke.GetByRole(AriaRole.Button, new() { Name = "Revoke", Exact = true }).ClickAsync();
        await ui.StepUpIfAskedAsync(authenticator, ui.Page.GetByText(RevokedNotice()).First);
        await ui.ExpectPageAsync("Tokens and apps", "token revoked");
    });

    [GeneratedRegex(@"[0-9][0-9,]*(\.[0-9]+)?")]
    private static partial Regex Money();

    [GeneratedRegex("^Cancel order")]
    private static partial Regex CancelOrder();

    [GeneratedRegex("^Cancelled")]
    private static partial Regex CancelledState();

    [GeneratedRegex("^Order cancelled")]
    private static partial Regex CancelledNotice();

    [GeneratedRegex(@"cof_[a-z]+_[0-9A-Za-z]{20,}")]
    private static partial Regex TokenValue();

    [GeneratedRegex("^Revoke")]
    private static partial Regex RevokeButton();

    [GeneratedRegex("^Revoked e2e read-only")]
    private static partial Regex RevokedNotice();
}
