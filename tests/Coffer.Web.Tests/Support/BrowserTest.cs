using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using Xunit.Abstractions;

namespace Coffer.Web.Tests.Support;

/// <summary>
/// Base of the browser tests: runs a test body in a fresh browser context on one viewport, keeps a screenshot of how it
/// ended (and of a failure), and fails the test if the browser reported any error or CSP violation, whatever the body did.
/// </summary>
public abstract class BrowserTest(CofferFixture fixture, ITestOutputHelper output) : IClassFixture<CofferFixture>
{
    internal CofferFixture Fixture { get; } = fixture;

    internal ITestOutputHelper Output { get; } = output;

    internal CofferServer Server => Fixture.Server;

    internal Sandbox Sandbox => Fixture.Sandbox;

    internal async Task InBrowserAsync(Viewport viewport, Func<Ui, Task> body, [CallerMemberName] string test = "")
    {
        await using var ui = await Fixture.OpenAsync(viewport, $"{GetType().Name}.{test}.{viewport.Name}");
        try
        {
            await body(ui);
        }
        catch (Exception ex)
        {
            await ui.ShotAsync("failure");
            Output.WriteLine(ui.Describe());
            Output.WriteLine("Server console:\n" + Server.Output);
            ExceptionDispatchInfo.Capture(ex).Throw();
        }

        await ui.ShotAsync("end");
        Output.WriteLine($"Screenshots: {ui.ArtifactDirectory}");
        await ui.AssertCleanAsync();
    }
}
