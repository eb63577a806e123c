using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using Coffer.Vault.Pkcs11;

namespace Coffer.Bench;

/// <summary>
/// Cold unwrap of a user key through SoftHSM2: <see cref="Pkcs11KeyWrapper.Unwrap"/> of a 32-byte key wrapped under
/// the token's KEK (C_UnwrapKey with CKM_AES_KEY_WRAP_PAD into a session object, C_GetAttributeValue, C_DestroyObject).
/// GlobalSetup builds a private SoftHSM2 token in a temp directory, the same way as the tests' SoftHsmFixture.
/// </summary>
[ShortRunJob]
[OperationsPerSecond]
public class HsmUnwrapBenchmark
{
    private static readonly string[] ModuleCandidates =
    [
        "/usr/lib/softhsm/libsofthsm2.so",
        "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
    ];

    private DirectoryInfo? _root;
    private Pkcs11KeyWrapper? _wrapper;
    private byte[] _wrapped = [];
    private byte[] _managedKek = [];
    private byte[] _managedWrapped = [];

    [GlobalSetup]
    public void Setup()
    {
        var library = ModuleCandidates.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException(
                $"SoftHSM2 is not installed ({string.Join(" / ", ModuleCandidates)}): apt-get install softhsm2");
        _root = Directory.CreateTempSubdirectory("coffer-bench-softhsm-");
        var tokens = Directory.CreateDirectory(Path.Combine(_root.FullName, "tokens"));
        var config = Path.Combine(_root.FullName, "softhsm2.conf");
        File.WriteAllText(
            config,
            $"directories.tokendir = {tokens.FullName}\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n");

        // SoftHSM2 reads SOFTHSM2_CONF with getenv(3) in C_Initialize; .NET's Environment does not reach native code.
        Environment.SetEnvironmentVariable("SOFTHSM2_CONF", config);
        if (SetEnv("SOFTHSM2_CONF", config, 1) != 0)
        {
            throw new InvalidOperationException("setenv(SOFTHSM2_CONF) failed.");
        }

        const string label = "coffer-bench";
        const string pin = "bench-user-pin";
        var start = new ProcessStartInfo("softhsm2-util") { UseShellExecute = false, RedirectStandardOutput = true };
        foreach (var arg in new[] { "--init-token", "--free", "--label", label, "--so-pin", "bench-so-pin", "--pin", pin })
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["SOFTHSM2_CONF"] = config;
        using (var process = Process.Start(start) ?? throw new InvalidOperationException("softhsm2-util did not start."))
        {
            process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"softhsm2-util --init-token exited with {process.ExitCode}.");
            }
        }

        _wrapper = Pkcs11KeyWrapper.Open(new Pkcs11Options(library, label, pin));
        _wrapper.EnsureKeyEncryptionKey();
        var key = RandomNumberGenerator.GetBytes(32);
        _wrapped = _wrapper.Wrap(key);
        _managedKek = RandomNumberGenerator.GetBytes(32);
        _managedWrapped = Coffer.Vault.Crypto.AesKeyWrap.WrapPad(_managedKek, key);
        CryptographicOperations.ZeroMemory(key);
    }

    /// <summary>The same RFC 5649 unwrap in managed code, in process: the floor the HSM round trip is measured against.</summary>
    [Benchmark(Baseline = true, Description = "AesKeyWrap.UnwrapPad, 32-byte key, managed")]
    public int ManagedUnwrap()
    {
        var key = Coffer.Vault.Crypto.AesKeyWrap.UnwrapPad(_managedKek, _managedWrapped);
        CryptographicOperations.ZeroMemory(key);
        return key.Length;
    }

    [Benchmark(Description = "Pkcs11KeyWrapper.Unwrap, 32-byte key, SoftHSM2")]
    public int Unwrap()
    {
        var key = _wrapper!.Unwrap(_wrapped);
        CryptographicOperations.ZeroMemory(key);
        return key.Length;
    }

    [Benchmark(Description = "Close() then Unwrap (new session + C_Login each time)")]
    public int UnwrapAfterClose()
    {
        _wrapper!.Close();
        var key = _wrapper.Unwrap(_wrapped);
        CryptographicOperations.ZeroMemory(key);
        return key.Length;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _wrapper?.Dispose();
        _root?.Delete(recursive: true);
    }

    [DllImport("libc", EntryPoint = "setenv")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int SetEnv(
        [MarshalAs(UnmanagedType.LPUTF8Str)] string name,
        [MarshalAs(UnmanagedType.LPUTF8Str)] string value,
        int overwrite);
}
