using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Coffer.Web.Tests.Support;

/// <summary>
/// The steps a person takes, by what they see: headings, labels and button names (the pages' accessible names, which the
/// page engineers keep stable), never CSS classes.
/// </summary>
internal static partial class Flows
{
    public const string Password = "correct horse battery staple 42";

    public static ILocator Button(this Ui ui, string name) => ui.Page.GetByRole(AriaRole.Button, new() { Name = name, Exact = true });

    /// <summary>
    /// The control whose label starts with <paramref name="label"/> as a whole word: labels that wrap their control also
    /// carry its help text, unit or options in their text ("ExchangeChoose…Binance", "Label Your name for this account…").
    /// </summary>
    public static ILocator Field(this Ui ui, string label) =>
        ui.Page.GetByLabel(new Regex("^" + Regex.Escape(label) + "(?![a-z])"));

    /// <summary>The open modal dialog with this title.</summary>
    public static ILocator Dialog(this Ui ui, string title) => ui.Page.GetByRole(AriaRole.Dialog, new() { Name = title });

    /// <summary>First run: the admin token the dev server printed, a new password, then signed in (lands on the security centre).</summary>
    public static async Task SetUpAdminAsync(this Ui ui, CofferServer server)
    {
        await ui.GotoAsync("/setup");
        await ui.ExpectPageAsync("Set up Coffer");
        await ui.Field("Admin token").FillAsync(server.AdminToken);
        await ui.Field("New admin password").FillAsync(Password);
        await ui.Field("Confirm password").FillAsync(Password);
        await ui.Button("Set password and sign in").ClickAsync();
        await ui.ExpectPageAsync("Security centre");
    }

    /// <summary>Sign-up with an invitation code (prefilled from the link an admin sends), then signed in.</summary>
    public static async Task SignUpAsync(this Ui ui, string invitation, string username)
    {
        await ui.GotoAsync("/signup?invitation=" + Uri.EscapeDataString(invitation));
        await ui.ExpectPageAsync("Create your account");
        await ui.Field("Username").FillAsync(username);
        await ui.Page.Locator("input[type=password]").Nth(0).FillAsync(Password);
        await ui.Page.Locator("input[type=password]").Nth(1).FillAsync(Password);
        await ui.Page.GetByRole(AriaRole.Button, new() { NameRegex = CreateAccount() }).ClickAsync();
        await ui.ExpectPageAsync("Dashboard");
    }

    /// <summary>Sign-in with password and, when the account has one, the authenticator's next code.</summary>
    public static async Task SignInAsync(this Ui ui, string username, Authenticator? authenticator = null, string expectHeading = "Dashboard")
    {
        await ui.GotoAsync("/signin");
        await ui.ExpectPageAsync("Sign in");
        await ui.Field("Username").FillAsync(username);
        await ui.Field("Password").FillAsync(Password);
        await ui.Button("Sign in").ClickAsync();
        if (authenticator is not null)
        {
            var code = ui.Field("Code from your authenticator app");
            await Expect(code).ToBeVisibleAsync();
            await code.FillAsync(await authenticator.NextCodeAsync());
            await ui.Button("Sign in").ClickAsync();
        }

        await ui.ExpectPageAsync(expectHeading);
    }

    /// <summary>In the security centre: set up an authenticator app from the key the page shows, confirm, keep the recovery codes.</summary>
    public static async Task<Authenticator> EnableTotpAsync(this Ui ui)
    {
        await ui.Button("Set up an authenticator app").ClickAsync();
        var key = ui.Page.GetByText(KeyLabel()).Locator("xpath=following-sibling::*[1]");
        await Expect(key).ToHaveTextAsync(Base32Key(), new() { Timeout = 15_000 });
        await ui.ShotAsync("authenticator key");
        var authenticator = Authenticator.FromBase32(await key.InnerTextAsync());
        await ui.Field("Code from your authenticator app").FillAsync(await authenticator.NextCodeAsync());
        await ui.Button("Turn on two-factor authentication").ClickAsync();
        await Expect(ui.Page.GetByRole(AriaRole.Heading, new() { Name = "Your recovery codes" })).ToBeVisibleAsync();
        await ui.AxeAsync("the recovery codes");
        await ui.ShotAsync("recovery codes");
        await ui.Page.GetByLabel("I have saved my recovery codes").CheckAsync();
        await ui.Button("Done").ClickAsync();
        await Expect(ui.Page.GetByText("Your authenticator app is set up.")).ToBeVisibleAsync();
        return authenticator;
    }

    /// <summary>
    /// Waits for <paramref name="outcome"/>; if the step-up dialog comes first ("Confirm it is you"), answers it with the
    /// authenticator's next code, then waits for the outcome.
    /// </summary>
    public static async Task StepUpIfAskedAsync(this Ui ui, Authenticator authenticator, ILocator outcome)
    {
        var dialog = ui.Dialog("Confirm it is you");
        await Expect(outcome.Or(dialog)).ToBeVisibleAsync(new() { Timeout = 30_000 });
        if (await dialog.IsVisibleAsync())
        {
            await ui.ShotAsync("step-up");
            await dialog.GetByLabel(new Regex("^Code from your authenticator app")).FillAsync(await authenticator.NextCodeAsync());
            await dialog.GetByRole(AriaRole.Button, new() { Name = "Confirm", Exact = true }).ClickAsync();
        }

        await Expect(outcome).ToBeVisibleAsync(new() { Timeout = 60_000 });
    }

    /// <summary>The connect wizard up to pressing Connect: exchange, label, key, secret, the sandbox as base URL.</summary>
    public static async Task FillConnectWizardAsync(this Ui ui, SandboxKey key, Uri baseUrl, string label)
    {
        await ui.GotoAsync("/exchanges/connect");
        await ui.ExpectPageAsync("Connect an exchange");
        await ui.Field("Exchange").SelectOptionAsync(key.Exchange);
        await ui.Field("Label").FillAsync(label);
        await ui.Field("API key").FillAsync(key.ApiKey);
        await ui.Field("Secret").FillAsync(key.Secret);
        await ui.Page.GetByText("Advanced", new() { Exact = true }).ClickAsync();
        await ui.Field("Base URL").FillAsync(baseUrl.ToString());
        await ui.AxeAsync("the filled connect wizard");
        await ui.ShotAsync("wizard filled");
        await ui.Button("Connect").ClickAsync();
    }

    [GeneratedRegex("^Create (my|your|the)? ?account", RegexOptions.IgnoreCase)]
    private static partial Regex CreateAccount();

    [GeneratedRegex("^Key for manual entry")]
    private static partial Regex KeyLabel();

    [GeneratedRegex("^[A-Z2-7 ]{16,}$")]
    private static partial Regex Base32Key();
}
