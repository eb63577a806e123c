using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Coffer.Web.Tests.Support;

/// <summary>
/// One test's browser: its own context (no cookies shared with other tests) on one viewport, and the watchers every test
/// has: console errors and uncaught page errors, CSP violations (the <c>securitypolicyviolation</c> event, reported
/// through a binding so none is lost across navigations, and Chromium's "Refused to …" console messages), server
/// errors (5xx). Pages are checked with <see cref="ExpectPageAsync"/>: main heading visible, no horizontal page scroll,
/// axe-core without serious or critical violations, a screenshot kept.
/// </summary>
internal sealed partial class Ui : IAsyncDisposable
{
    /// <summary>Runs before any page script: counts CSP violations and hands each to the test through the binding.</summary>
    private const string CspWatcher = """
        (() => {
          window.__cofferCspViolations = 0;
          document.addEventListener('securitypolicyviolation', (e) => {
            window.__cofferCspViolations++;
            const report = window.__cofferCspViolation;
            if (typeof report === 'function') {
              report(`${e.violatedDirective} blocked ${e.blockedURI || '(inline)'} in ${e.sourceFile || e.documentURI}:${e.lineNumber}`);
            }
          }, true);
        })();
        """;

    private readonly List<string> _errors = [];
    private readonly List<string> _csp = [];
    private readonly List<string> _visited = [];
    private readonly List<string> _network = [];
    private int _shots;

    private Ui(IBrowserContext context, IPage page, Viewport viewport, string artifacts)
    {
        Context = context;
        Page = page;
        Viewport = viewport;
        ArtifactDirectory = artifacts;
    }

    public IBrowserContext Context { get; }

    public IPage Page { get; }

    public Viewport Viewport { get; }

    public string ArtifactDirectory { get; }

    /// <summary>Problems seen so far (console and page errors, 5xx), for failure messages.</summary>
    public IReadOnlyList<string> Errors
    {
        get
        {
            lock (_errors)
            {
                return [.. _errors];
            }
        }
    }

    public static async Task<Ui> OpenAsync(IBrowser browser, Uri baseAddress, Viewport viewport, string test)
    {
        var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = baseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = viewport.Width, Height = viewport.Height },
            IsMobile = viewport.Mobile,
            HasTouch = viewport.Mobile,
            DeviceScaleFactor = viewport.Mobile ? 2 : 1,
            Locale = "en-GB",
            TimezoneId = "UTC",
            ColorScheme = ColorScheme.Light,
        });
        context.SetDefaultTimeout(20_000);
        var page = await context.NewPageAsync();
        var ui = new Ui(context, page, viewport, Artifacts.ForTest(test));
        await context.ExposeFunctionAsync("__cofferCspViolation", (string violation) => ui.OnCsp(violation));
        await context.AddInitScriptAsync(CspWatcher);
        page.Console += (_, message) => ui.OnConsole(message);
        page.PageError += (_, error) => ui.Record($"uncaught page error: {error}");
        page.Response += (_, response) =>
        {
            if (response.Url.Contains("/api/", StringComparison.Ordinal) || response.Request.IsNavigationRequest)
            {
                lock (ui._network)
                {
                    ui._network.Add($"{response.Request.Method} {new Uri(response.Url).PathAndQuery} → {response.Status}");
                }
            }

            if (response.Status >= 500)
            {
                ui.Record($"server error: {response.Status} {response.Request.Method} {response.Url}");
            }
        };
        return ui;
    }

    public async Task GotoAsync(string path)
    {
        var response = await Page.GotoAsync(path, new PageGotoOptions { WaitUntil = WaitUntilState.Load });
        Assert.True(response is { Ok: true }, $"GET {path}: {response?.Status.ToString(CultureInfo.InvariantCulture) ?? "no response"}");
    }

    /// <summary>The page's main heading (an h1 with this name).</summary>
    public ILocator Heading(string name) => Page.GetByRole(AriaRole.Heading, new() { Name = name, Level = 1, Exact = true });

    /// <summary>
    /// Waits for the page whose main heading is <paramref name="heading"/>, then checks it the way every page is checked:
    /// heading visible, no horizontal scroll of the page, axe-core clean of serious and critical violations, a screenshot.
    /// </summary>
    public async Task ExpectPageAsync(string heading, string? shot = null)
    {
        await Expect(Heading(heading)).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await WaitForQuietAsync();
        var where = $"\"{heading}\" ({Page.Url}, {Viewport})";
        _visited.Add(where);
        var widths = await Page.EvaluateAsync<int[]>("() => [document.documentElement.scrollWidth, window.innerWidth]");
        var (scrollWidth, innerWidth) = (widths[0], widths[1]);
        await ShotAsync(shot ?? heading);
        Assert.True(scrollWidth <= innerWidth, $"{where} scrolls sideways: document.documentElement.scrollWidth {scrollWidth} > innerWidth {innerWidth}.");
        await AxeAsync(where);
    }

    /// <summary>axe-core on the page as it is now; fails on any serious or critical violation, naming rules and targets.</summary>
    public async Task AxeAsync(string where)
    {
        var result = await Page.RunAxe();
        var bad = result.Violations.Where(v => v.Impact is "serious" or "critical").ToList();
        if (bad.Count == 0)
        {
            return;
        }

        var message = new StringBuilder($"axe-core found {bad.Count} serious or critical violation(s) on {where}:");
        foreach (var violation in bad)
        {
            message.Append(CultureInfo.InvariantCulture, $"\n  {violation.Id} ({violation.Impact}): {violation.Help}");
            foreach (var node in violation.Nodes.Take(8))
            {
                message.Append(CultureInfo.InvariantCulture, $"\n    at {node.Target}: {Truncate(node.Html, 160)}");
            }
        }

        await ShotAsync("axe");
        Assert.Fail(message.ToString());
    }

    /// <summary>A full-page screenshot, numbered in the order taken: NN-name.png in the test's artifact folder.</summary>
    public async Task ShotAsync(string name)
    {
        var safe = Regex.Replace(name.ToLowerInvariant(), "[^a-z0-9]+", "-").Trim('-');
        var file = Path.Combine(ArtifactDirectory, $"{++_shots:00}-{safe}.png");
        try
        {
            await Page.ScreenshotAsync(new PageScreenshotOptions { Path = file, FullPage = true, Animations = ScreenshotAnimations.Disabled, Timeout = 15_000 });
        }
        catch (PlaywrightException)
        {
            // A screenshot is evidence, not a check: a page that cannot be captured fails the test by its own assertions.
        }
    }

    /// <summary>Lets pending requests and renders settle (network idle, bounded: polling pages never go idle).</summary>
    public async Task WaitForQuietAsync()
    {
        try
        {
            await Page.WaitForLoadStateAsync(LoadState.NetworkIdle, new() { Timeout = 3_000 });
        }
        catch (TimeoutException)
        {
            // A page that polls is never idle; the checks that follow wait for what they need.
        }
    }

    /// <summary>Fails if the browser reported any error or CSP violation during the test.</summary>
    public async Task AssertCleanAsync()
    {
        var counted = 0;
        try
        {
            counted = await Page.EvaluateAsync<int>("() => window.__cofferCspViolations || 0");
        }
        catch (PlaywrightException)
        {
            // The page is gone (closed or crashed): the binding's reports are all there is.
        }

        var problems = new List<string>(Errors);
        lock (_csp)
        {
            problems.AddRange(_csp.Select(c => "CSP violation: " + c));
        }

        if (counted > 0 && !problems.Any(p => p.StartsWith("CSP", StringComparison.Ordinal)))
        {
            problems.Add($"CSP violations counted on the last page: {counted}");
        }

        problems.AddRange(await StorageProblemsAsync());
        Assert.True(problems.Count == 0, $"The browser reported {problems.Count} problem(s) at {Viewport}:\n  " + string.Join("\n  ", problems) + "\nPages visited:\n  " + string.Join("\n  ", _visited));
    }

    /// <summary>
    /// No token or secret is ever kept where scripts can read it: nothing in localStorage, sessionStorage, IndexedDB or a
    /// script-visible cookie looks like a Coffer token, and the session cookie, if there is one, is HttpOnly, Secure,
    /// SameSite=Strict and host-only.
    /// </summary>
    private async Task<List<string>> StorageProblemsAsync()
    {
        var problems = new List<string>();
        try
        {
            var readable = await Page.EvaluateAsync<string[]>(
                """
                async () => {
                  const values = [];
                  for (const store of [localStorage, sessionStorage]) {
                    for (let i = 0; i < store.length; i++) values.push(store.key(i) + "=" + store.getItem(store.key(i)));
                  }
                  values.push("cookie:" + document.cookie);
                  const dbs = indexedDB.databases ? await indexedDB.databases() : [];
                  for (const db of dbs) values.push("indexedDB:" + db.name);
                  return values;
                }
                """);
            problems.AddRange(readable.Where(v => v.Contains("cof_", StringComparison.Ordinal) || v.StartsWith("indexedDB:", StringComparison.Ordinal)).Select(v => "readable by scripts: " + v[..Math.Min(v.Length, 40)] + "…"));
        }
        catch (PlaywrightException)
        {
            // The page is gone; the cookies below are the context's.
        }

        foreach (var cookie in await Context.CookiesAsync())
        {
            if (cookie.Name == "__Host-coffer_session" && !(cookie.HttpOnly && cookie.Secure && cookie.SameSite == SameSiteAttribute.Strict && cookie.Path == "/" && !cookie.Domain.StartsWith('.')))
            {
                problems.Add($"session cookie not HttpOnly/Secure/SameSite=Strict/host-only: HttpOnly={cookie.HttpOnly} Secure={cookie.Secure} SameSite={cookie.SameSite} Path={cookie.Path} Domain={cookie.Domain}");
            }
        }

        return problems;
    }

    /// <summary>The test's exception with what the browser reported, so a failure shows both.</summary>
    public string Describe()
    {
        string[] calls;
        lock (_network)
        {
            calls = [.. _network.TakeLast(40)];
        }

        var problems = Errors.Count == 0 && _csp.Count == 0
            ? "(no browser errors)"
            : $"Browser problems:\n  {string.Join("\n  ", Errors.Concat(_csp.Select(c => "CSP violation: " + c)))}";
        return $"{problems}\nPage at {Page.Url}\nLast API calls of the page:\n  {string.Join("\n  ", calls)}\nScreenshots in {ArtifactDirectory}";
    }

    public async ValueTask DisposeAsync() => await Context.CloseAsync();

    private void OnConsole(IConsoleMessage message)
    {
        var text = message.Text;
        if (text.StartsWith("Refused to", StringComparison.Ordinal))
        {
            OnCsp($"console: {text}");
            return;
        }

        if (message.Type != "error")
        {
            return;
        }

        // Chromium logs every 4xx answer to a fetch as "Failed to load resource". A 4xx from /api/v1 is the API saying
        // no in RFC 9457 words (signed out, a refused key), which the app shows the user: part of the flows under test.
        // A 4xx for anything else (a missing script or stylesheet) and every 5xx are errors.
        if (FailedResource().Match(text) is { Success: true } failed && failed.Groups["status"].Value.StartsWith('4')
            && message.Location.Contains("/api/v1/", StringComparison.Ordinal))
        {
            return;
        }

        Record($"console error: {text} ({message.Location})");
    }

    private void OnCsp(string violation)
    {
        lock (_csp)
        {
            _csp.Add(violation);
        }
    }

    private void Record(string problem)
    {
        lock (_errors)
        {
            _errors.Add(problem);
        }
    }

    private static string Truncate(string text, int length) => text.Length <= length ? text : text[..length] + "…";

    [GeneratedRegex(@"^Failed to load resource: the server responded with a status of (?<status>\d{3})", RegexOptions.CultureInvariant)]
    private static partial Regex FailedResource();
}
