using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Coffer.Vault.Pkcs11;

namespace Coffer.Vault.Tests.Pkcs11;

/// <summary>
/// A private, throw-away SoftHSM2 installation for tests: its own softhsm2.conf and token directory in a temp
/// directory, one freshly initialized token, and the module loaded once for the whole test run.
/// </summary>
/// <remarks>
/// <para>
/// SoftHSM2 reads <c>SOFTHSM2_CONF</c> in C_Initialize, and C_Initialize happens once per process, so the variable is
/// set here for the whole process before the module is first loaded, and every test that touches the module must be
/// in <see cref="SoftHsmTestGroup"/> (one fixture, tests run one after another).
/// </para>
/// <para>
/// Nothing is skipped: if SoftHSM2 is not installed the fixture throws, and every HSM test fails with that message.
/// To reuse this elsewhere (e.g. server tests), copy the class: it depends only on softhsm2-util and the module.
/// </para>
/// </remarks>
public sealed class SoftHsmFixture : IDisposable
{
    /// <summary>Where Debian/Ubuntu's softhsm2 package puts the module (the first is a symlink to the second).</summary>
    public static readonly IReadOnlyList<string> ModuleCandidates =
    [
        "/usr/lib/softhsm/libsofthsm2.so",
        "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
    ];

    private readonly DirectoryInfo _root;
    private readonly Pkcs11Module _module;

    public SoftHsmFixture()
    {
        LibraryPath = FindModule();
        _root = Directory.CreateTempSubdirectory("coffer-softhsm-");
        try
        {
            var tokens = Directory.CreateDirectory(Path.Combine(_root.FullName, "tokens"));
            ConfigPath = Path.Combine(_root.FullName, "softhsm2.conf");
            File.WriteAllText(
                ConfigPath,
                $"""
                directories.tokendir = {tokens.FullName}
                objectstore.backend = file
                objectstore.umask = 0077
                log.level = ERROR
                slots.removable = false
                """ + "\n");

            // Before the module is loaded: SoftHSM2 reads the config in C_Initialize, with getenv(3). On Unix,
            // Environment.SetEnvironmentVariable only changes .NET's own copy of the environment, which native code
            // never sees, so the C library's setenv is called as well.
            Environment.SetEnvironmentVariable("SOFTHSM2_CONF", ConfigPath);
            if (NativeMethods.SetEnv("SOFTHSM2_CONF", ConfigPath, 1) != 0)
            {
                throw new InvalidOperationException("setenv(SOFTHSM2_CONF) failed.");
            }

            TokenLabel = "coffer-test-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
            Pin = "user-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
            SoPin = "so-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
            InitToken(TokenLabel, SoPin, Pin);

            // Held for the fixture's lifetime so that all tests share one C_Initialize; wrappers opened by tests add
            // and drop their own references without finalizing the module in between.
            _module = Pkcs11Module.Acquire(LibraryPath);
        }
        catch
        {
            _root.Delete(recursive: true);
            throw;
        }
    }

    /// <summary>Path of libsofthsm2.so.</summary>
    public string LibraryPath { get; }

    /// <summary>Label of the token initialized for this run (unique per run).</summary>
    public string TokenLabel { get; }

    /// <summary>User PIN of the token.</summary>
    public string Pin { get; }

    /// <summary>Security-officer PIN of the token.</summary>
    public string SoPin { get; }

    /// <summary>The private softhsm2.conf that <c>SOFTHSM2_CONF</c> points to.</summary>
    public string ConfigPath { get; }

    /// <summary>Options for a wrapper on the fixture's token, with a fresh KEK label unless one is given.</summary>
    internal Pkcs11Options Options(string? keyLabel = null) => new(
        LibraryPath,
        TokenLabel,
        Pin,
        keyLabel ?? "kek-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6)));

    public void Dispose()
    {
        _module.Release();
        _root.Delete(recursive: true);
    }

    private static string FindModule() =>
        ModuleCandidates.FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException(
            $"SoftHSM2 is not installed: neither {string.Join(" nor ", ModuleCandidates)} exists. " +
            "Install it with: apt-get install softhsm2");

    private void InitToken(string label, string soPin, string pin)
    {
        var start = new ProcessStartInfo("softhsm2-util")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };

        // --free: SoftHSM2 picks the first uninitialized slot and then moves the token to a slot id derived from its
        // serial, which is why tokens are found by label.
        foreach (var arg in new[] { "--init-token", "--free", "--label", label, "--so-pin", soPin, "--pin", pin })
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["SOFTHSM2_CONF"] = ConfigPath;
        using var process = Process.Start(start)
            ?? throw new InvalidOperationException("Could not start softhsm2-util (apt-get install softhsm2).");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(1)))
        {
            process.Kill();
            throw new TimeoutException("softhsm2-util --init-token did not finish within a minute.");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"softhsm2-util --init-token exited with {process.ExitCode}: {stdout.Result} {stderr.Result}");
        }
    }
}

internal static class NativeMethods
{
    /// <summary>setenv(3) of the C library.</summary>
    [DllImport("libc", EntryPoint = "setenv")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    internal static extern int SetEnv(
        [MarshalAs(UnmanagedType.LPUTF8Str)] string name,
        [MarshalAs(UnmanagedType.LPUTF8Str)] string value,
        int overwrite);
}

/// <summary>All tests that load the PKCS#11 module share one <see cref="SoftHsmFixture"/> and run serially.</summary>
[CollectionDefinition(Name)]
public sealed class SoftHsmTestGroup : ICollectionFixture<SoftHsmFixture>
{
    public const string Name = "SoftHSM2";
}
