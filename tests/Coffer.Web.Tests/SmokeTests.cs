using Coffer.Web.Tests.Support;
using Xunit.Abstractions;

namespace Coffer.Web.Tests;

public sealed class SmokeTests(CofferFixture fixture, ITestOutputHelper output) : BrowserTest(fixture, output)
{
    [Fact]
    public Task Health_OverPinnedHttps_Answers() => InBrowserAsync(Viewport.Desktop, async ui =>
    {
        await ui.GotoAsync("/api/v1/sys/health");
        Assert.Contains("initialized", await ui.Page.ContentAsync(), StringComparison.Ordinal);
        await ui.ShotAsync("health");
    });
}
