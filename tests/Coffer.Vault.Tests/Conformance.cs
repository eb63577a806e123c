using System.Text.Json.Nodes;

namespace Coffer.Vault.Tests;

/// <summary>
/// The shared, read-only conformance data at <c>&lt;repository root&gt;/../shared/conformance</c>
/// (see shared/conformance/README.md). Missing data fails the tests; it is never a reason to skip them.
/// </summary>
internal static class Conformance
{
    public static string Dir { get; } = FindDir();

    /// <summary>Parses a JSON file given relative to <see cref="Dir"/>, e.g. <c>vectors/rfc.json</c>.</summary>
    public static JsonNode Load(string relativePath)
    {
        var path = Path.Combine(Dir, relativePath);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException("Conformance file not found: " + path, path);
        }

        return JsonNode.Parse(File.ReadAllText(path)) ?? throw new InvalidDataException("Conformance file is JSON null: " + path);
    }

    private static string FindDir()
    {
        // The repository root is the first directory above the test assembly holding .git (a directory, or a file in a
        // worktree) or a solution file.
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null
               && !Directory.Exists(Path.Combine(dir.FullName, ".git"))
               && !File.Exists(Path.Combine(dir.FullName, ".git"))
               && dir.GetFiles("*.slnx").Length == 0
               && dir.GetFiles("*.sln").Length == 0)
        {
            dir = dir.Parent;
        }

        if (dir is null)
        {
            throw new DirectoryNotFoundException("Repository root not found above " + AppContext.BaseDirectory);
        }

        var path = Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "conformance"));
        return Directory.Exists(path) ? path : throw new DirectoryNotFoundException("Conformance data not found: expected " + path);
    }
}
