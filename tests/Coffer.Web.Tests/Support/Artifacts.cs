namespace Coffer.Web.Tests.Support;

/// <summary>
/// Where screenshots go: <c>COFFER_TEST_ARTIFACTS</c> if set (CI keeps that directory), otherwise <c>artifacts/</c> beside
/// the test binaries. One folder per test, emptied when the test starts.
/// </summary>
internal static class Artifacts
{
    public static string Root { get; } = Path.GetFullPath(
        Environment.GetEnvironmentVariable("COFFER_TEST_ARTIFACTS") is { Length: > 0 } configured
            ? configured
            : Path.Combine(AppContext.BaseDirectory, "artifacts"));

    public static string ForTest(string test)
    {
        var safe = string.Concat(test.Select(c => char.IsLetterOrDigit(c) || c is '.' or '-' or '_' ? c : '_'));
        var directory = Path.Combine(Root, safe);
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }

        Directory.CreateDirectory(directory);
        return directory;
    }
}
