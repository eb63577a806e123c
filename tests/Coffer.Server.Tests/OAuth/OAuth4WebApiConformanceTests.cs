using System.Diagnostics;
using System.Globalization;
using System.Text;
using Coffer.Server.Features.Identity;
using Coffer.Server.Features.OAuth;

namespace Coffer.Server.Tests.OAuth;

/// <summary>
/// The acceptance check by an independent client: tests/oauth-conformance/conformance.mjs drives this server
/// with the npm library oauth4webapi (strict about RFC 6749, 7009, 7636, 7662, 8414, 9207) through discovery, code with
/// PKCE (consent through the consent API with a TOTP step-up, the code the web app's page runs), refresh rotation,
/// reuse detection, client credentials, introspection and revocation. The C# side only sets up the user and the apps.
/// </summary>
/// <remarks>
/// The server runs on this class's manual clock, which stands still while the script runs; the script is told that
/// clock's time and computes the step-up code from the seed itself, so the code always matches, whatever the wall clock
/// does. Needs <c>npm ci</c> in tests/oauth-conformance (CI's .ci/run does it).
/// </remarks>
public class OAuth4WebApiConformanceTests : OAuthTest
{
    private static readonly TimeSpan ScriptTimeout = TimeSpan.FromSeconds(60);

    /// <summary>Every step the script prints as <c>ok &lt;step&gt;</c> when it passes, in order.</summary>
    private static readonly string[] Steps =
    [
        "discovery",
        "authorization code with PKCE",
        "refresh with rotation",
        "refresh token reuse detection",
        "client credentials",
        "introspection and revocation",
        "revocation of an unknown token",
    ];

    [Fact]
    public async Task OAuth4WebApi_CompletesEveryFlow()
    {
        var (exitCode, output) = await RunScriptAsync(await EnvironmentAsync());

        Assert.True(exitCode == 0, $"conformance.mjs exited with {exitCode}:\n{output}");
        foreach (var step in Steps)
        {
            Assert.True(output.Contains($"ok {step}\n", StringComparison.Ordinal), $"conformance.mjs did not print 'ok {step}':\n{output}");
        }
    }

    /// <summary>The harness can fail: a wrong client secret stops the script at its first confidential step.</summary>
    [Fact]
    public async Task OAuth4WebApi_WrongClientSecret_FailsTheScriptAtClientCredentials()
    {
        var environment = await EnvironmentAsync();
        environment["COFFER_CONFIDENTIAL_CLIENT_SECRET"] = "cof_client_not-the-secret";

        var (exitCode, output) = await RunScriptAsync(environment);

        Assert.True(exitCode == 1, $"conformance.mjs exited with {exitCode}, not 1:\n{output}");
        Assert.True(output.Contains("ok refresh token reuse detection\n", StringComparison.Ordinal), output);
        Assert.True(output.Contains("FAIL client credentials:", StringComparison.Ordinal), output);
        Assert.True(output.Contains("invalid_client", StringComparison.Ordinal), output);
        Assert.False(output.Contains("ok client credentials", StringComparison.Ordinal), output);
    }

    /// <summary>Registers the two apps through the API and collects what the script needs.</summary>
    private async Task<Dictionary<string, string>> EnvironmentAsync()
    {
        var (publicId, _) = await CreateAppAsync(ClientTypes.Public, scopes: ["portfolio:read"]);
        var (confidentialId, secret) = await CreateAppAsync(ClientTypes.Confidential, scopes: ["portfolio:read"]);
        Assert.NotNull(secret);

        // A step nobody has used a code of yet (the enrolment's confirmation used one).
        Clock.NextTotpStep();
        return new Dictionary<string, string>
        {
            // What a client is configured with: the issuer it expects discovery to name exactly.
            ["COFFER_ISSUER"] = string.Create(CultureInfo.InvariantCulture, $"https://localhost:{Server.Address.Port}"),
            ["COFFER_SESSION"] = Session,
            ["COFFER_TOTP_SEED"] = Totp.Base32(Seed),
            ["COFFER_TOTP_TIME"] = Clock.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
            ["COFFER_PUBLIC_CLIENT_ID"] = publicId,
            ["COFFER_REDIRECT_URI"] = Redirect,
            ["COFFER_CONFIDENTIAL_CLIENT_ID"] = confidentialId,
            ["COFFER_CONFIDENTIAL_CLIENT_SECRET"] = secret,
            ["NODE_EXTRA_CA_CERTS"] = Server.Settings.TlsCertificatePath ?? Server.Settings.GeneratedCertificatePath,
        };
    }

    /// <summary>Runs <c>node conformance.mjs</c> with the environment; returns its exit code and both streams.</summary>
    private static async Task<(int ExitCode, string Output)> RunScriptAsync(IReadOnlyDictionary<string, string> environment)
    {
        var directory = Path.Combine(RepositoryRoot(), "tests", "oauth-conformance");
        Assert.True(
            File.Exists(Path.Combine(directory, "node_modules", "oauth4webapi", "package.json")),
            $"oauth4webapi is not installed: run npm ci in tests/oauth-conformance ({directory}).");

        var start = new ProcessStartInfo("node")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = directory,
        };
        start.ArgumentList.Add("conformance.mjs");

        // The script sees only what this test gives it, never the test run's own COFFER_* or Node settings.
        foreach (var inherited in start.Environment.Keys.Where(k => k.StartsWith("COFFER_", StringComparison.Ordinal) || k.StartsWith("NODE_", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(inherited);
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var output = new StringBuilder();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(output, e.Data);
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            Assert.Fail($"Could not start node (is Node.js installed and on PATH?): {e.Message}");
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var timeout = new CancellationTokenSource(ScriptTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            Assert.Fail($"conformance.mjs did not finish within {ScriptTimeout.TotalSeconds} s:\n{Text(output)}");
        }

        // WaitForExitAsync has drained both redirected streams by the time it returns.
        return (process.ExitCode, Text(output));
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.Append(line).Append('\n');
        }
    }

    private static string Text(StringBuilder output)
    {
        lock (output)
        {
            return output.ToString();
        }
    }

    /// <summary>The clone's root: the first directory above the test binaries that holds Coffer.slnx.</summary>
    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Coffer.slnx")))
        {
            directory = directory.Parent;
        }

        Assert.True(directory is not null, $"No Coffer.slnx above {AppContext.BaseDirectory}: cannot find tests/oauth-conformance.");
        return directory.FullName;
    }
}
